import type { Browser, BrowserContext, Page } from "@playwright/test";
import { BENCH_RATE_GLOBAL } from "../../src/lib/client/background-rate";
import { RENDERER_STORAGE_KEY } from "../../src/terminal/client/renderer-choice";
import { nowMs, percentile, round, sleep } from "./stats";

/**
 * The browser side of the browser scenarios: which renderer the page is told to use, and a small
 * script installed in every page before the app's own (Playwright's addInitScript) that times
 * keys, paints, frames and the terminal socket from inside the page.
 *
 * What a terminal drew is read through the app's read-only diagnostic probe on each terminal's
 * container (`aiManagerProbe`, src/terminal/client/terminal-probe.ts, docs/rendering.md): its
 * `screenText()` and `onRender`. "Painted" = xterm rendered rows whose visible text holds the
 * expected text (onRender, which runs inside xterm's animation frame), and then the next
 * requestAnimationFrame callback ran — the frame with those rows has been produced by then.
 * Keys are timed from the key event's own `timeStamp` (same clock as performance.now()).
 */

export const RENDERERS = ["webgl", "dom"] as const;
export type RendererChoice = (typeof RENDERERS)[number];

/**
 * Where the bench tells the page how fast a visible background Missions tile may ack (bytes per
 * second; "unlimited" for no pacing): `--background-rates`, read by the client at each policy
 * decision (src/lib/client/background-rate.ts); people's pages never set it.
 */
export const BACKGROUND_RATE_GLOBAL = BENCH_RATE_GLOBAL;

export type BackgroundRate = number | "unlimited";

/**
 * Installed before the app's scripts. Plain JavaScript in a string: tsx would wrap inner
 * functions of a TypeScript function in `__name(...)`, which does not exist in the page, and the
 * app's CSP forbids string eval (so no waitForFunction either).
 */
const PAGE_SCRIPT = String.raw`(() => {
  if (window.__bench) return;
  const bench = { sockets: [] };
  window.__bench = bench;

  // Every terminal socket: when it was created, the bytes of output it received, its snapshots.
  const NativeSocket = window.WebSocket;
  class BenchSocket extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const info = { url: String(url), createdAt: performance.now(), bytes: 0, snapshots: 0, resyncs: 0, firstSnapshotAt: null };
      bench.sockets.push(info);
      this.addEventListener("message", (event) => {
        const data = event.data;
        if (typeof data === "string") {
          // The server writes "type" then "reason" first; no JSON.parse of a megabyte snapshot here.
          if (data.startsWith('{"type":"snapshot"')) {
            info.snapshots++;
            if (data.startsWith('{"type":"snapshot","reason":"resync"')) info.resyncs++;
            if (info.firstSnapshotAt === null) info.firstSnapshotAt = performance.now();
          }
        } else if (data instanceof ArrayBuffer) info.bytes += data.byteLength;
        else if (data && typeof data.size === "number") info.bytes += data.size;
      });
    }
  }
  window.WebSocket = BenchSocket;

  // The terminal container inside the element matched by selector (or that element itself).
  bench.terminal = (selector) => {
    const scope = document.querySelector(selector);
    if (!scope) return null;
    return scope.matches("[data-renderer]") ? scope : scope.querySelector("[data-renderer]");
  };
  bench.probeOf = (selector) => {
    const el = bench.terminal(selector);
    return el && el.aiManagerProbe ? el.aiManagerProbe : null;
  };
  bench.renderer = (selector) => {
    const el = bench.terminal(selector);
    return el ? el.getAttribute("data-renderer") : null;
  };
  bench.screen = (selector) => {
    const probe = bench.probeOf(selector);
    return probe ? probe.screenText() : null;
  };

  // Resolves with { renderedAt, paintedAt } once the probe rendered rows showing needle (then one more frame).
  const whenPainted = (probe, needle, timeoutMs) => new Promise((resolve, reject) => {
    let done = false;
    let off = () => undefined;
    const finish = () => {
      done = true;
      off();
      clearTimeout(timer);
      const renderedAt = performance.now();
      requestAnimationFrame(() => resolve({ renderedAt, paintedAt: performance.now() }));
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      off();
      reject(new Error("not painted within " + timeoutMs + " ms: " + JSON.stringify(needle)));
    }, timeoutMs);
    off = probe.onRender(() => {
      if (!done && probe.screenText().includes(needle)) finish();
    });
    // Already on screen (a restore that painted before anyone listened): counts from now.
    if (probe.screenText().includes(needle)) finish();
  });

  // Arms a watch: the next keydown matching (key, ctrl) anywhere in the page, then the paint of
  // needle in the terminal of selector. The result lands in bench.armed.result (or .error).
  bench.arm = (selector, key, ctrl, needle, timeoutMs) => {
    const probe = bench.probeOf(selector);
    if (!probe) throw new Error("no terminal probe in " + selector);
    if (probe.screenText().includes(needle)) throw new Error(selector + " already shows " + JSON.stringify(needle));
    const state = { keyAt: null, handledAt: null, renderedAt: null, paintedAt: null, renderer: probe.renderer, result: null, error: null };
    const onKey = (event) => {
      if (state.keyAt !== null || event.key.toLowerCase() !== key.toLowerCase() || event.ctrlKey !== ctrl) return;
      state.handledAt = performance.now();
      state.keyAt = event.timeStamp > 0 && event.timeStamp <= state.handledAt ? event.timeStamp : state.handledAt;
    };
    document.addEventListener("keydown", onKey, true);
    state.promise = whenPainted(probe, needle, timeoutMs).then(
      (t) => {
        document.removeEventListener("keydown", onKey, true);
        state.renderedAt = t.renderedAt;
        state.paintedAt = t.paintedAt;
        state.renderer = probe.renderer;
        if (state.keyAt === null) throw new Error(JSON.stringify(needle) + " painted before its key " + key);
        return { keyAt: state.keyAt, handledAt: state.handledAt, renderedAt: state.renderedAt, paintedAt: state.paintedAt, renderer: state.renderer };
      },
      (error) => {
        document.removeEventListener("keydown", onKey, true);
        throw error;
      },
    );
    bench.armed = state;
    return true;
  };

  // Waits until a terminal probe exists in selector, then until it painted needle: for restores
  // and the end of a flood (no key to start from: the caller has its own start).
  bench.waitPainted = (selector, needle, timeoutMs) => new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const attempt = () => {
      const probe = bench.probeOf(selector);
      if (probe) {
        whenPainted(probe, needle, Math.max(1, deadline - performance.now())).then((t) => resolve({ ...t, renderer: probe.renderer }), reject);
        return;
      }
      if (performance.now() > deadline) reject(new Error("no terminal probe in " + selector + " within " + timeoutMs + " ms"));
      else requestAnimationFrame(attempt);
    };
    attempt();
  });

  // When an element matching selector is first in the page (performance.now()), e.g. the exit line.
  bench.appears = (selector) => {
    if (!bench.appeared) bench.appeared = {};
    if (bench.appeared[selector]) return;
    const entry = { at: null };
    bench.appeared[selector] = entry;
    const check = () => {
      if (entry.at === null && document.querySelector(selector)) {
        entry.at = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.documentElement, { childList: true, subtree: true });
    check();
  };
  bench.appearedAt = (selector) => (bench.appeared && bench.appeared[selector] ? bench.appeared[selector].at : null);

  // A paint to watch for from the start of the page (set by an earlier init script): restores.
  if (window.__benchWatch) {
    const watch = window.__benchWatch;
    bench.watch = bench.waitPainted(watch.selector, watch.needle, watch.timeoutMs);
    bench.watch.catch(() => undefined);
  }

  // requestAnimationFrame callbacks over ms: frame count, gaps, and the long tasks meanwhile.
  bench.frames = (ms) => new Promise((resolve) => {
    const longTasks = [];
    let observer = null;
    try {
      observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      });
      observer.observe({ type: "longtask" });
    } catch (error) {
      observer = null;
    }
    const times = [];
    const start = performance.now();
    const tick = () => {
      const now = performance.now();
      times.push(now);
      if (now - start < ms) requestAnimationFrame(tick);
      else {
        if (observer) observer.disconnect();
        const gaps = times.slice(1).map((t, i) => t - times[i]);
        resolve({ frames: times.length - 1, seconds: (times[times.length - 1] - times[0]) / 1000, gaps, longTasks, longTasksObserved: observer !== null });
      }
    };
    requestAnimationFrame(tick);
  });
})();`;

/** A new context and page in which the app uses `renderer` (and, optionally, a background tile rate). */
export async function openBenchPage(
  browser: Browser,
  renderer: RendererChoice,
  options: {
    viewport: { width: number; height: number };
    backgroundRate?: BackgroundRate;
    /** Watch every page of the context, from its first script on, for the paint of `needle` in `selector` (bench.watch). */
    watch?: { selector: string; needle: string; timeoutMs: number };
  },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport });
  // Twenty floods on a shared 2-core machine can hold a page load or a click past Playwright's
  // 30 s default; the scenarios bound their own waits.
  context.setDefaultTimeout(180_000);
  await context.addInitScript({ content: `try { localStorage.setItem(${JSON.stringify(RENDERER_STORAGE_KEY)}, ${JSON.stringify(renderer)}); } catch (e) {}` });
  if (options.backgroundRate !== undefined) {
    await context.addInitScript({ content: `window[${JSON.stringify(BACKGROUND_RATE_GLOBAL)}] = ${JSON.stringify(options.backgroundRate)};` });
  }
  if (options.watch) await context.addInitScript({ content: `window.__benchWatch = ${JSON.stringify(options.watch)};` });
  await context.addInitScript({ content: PAGE_SCRIPT });
  const page = await context.newPage();
  return { context, page };
}

export interface KeyTiming {
  keyAt: number;
  handledAt: number;
  renderedAt: number;
  paintedAt: number;
  renderer: string;
}

/**
 * One timed key: arms the watch in the page, presses, and waits for the paint of `needle` in the
 * terminal under `selector`. `press` is what the bench does to type it (a CDP key event).
 */
export async function timeKey(page: Page, selector: string, key: { key: string; ctrl: boolean }, needle: string, press: () => Promise<void>, timeoutMs: number): Promise<KeyTiming> {
  await page.evaluate(`window.__bench.arm(${JSON.stringify(selector)}, ${JSON.stringify(key.key)}, ${key.ctrl}, ${JSON.stringify(needle)}, ${timeoutMs})`);
  await press();
  return (await page.evaluate("window.__bench.armed.promise")) as KeyTiming;
}

/** Polls (evaluate, 100 ms apart) until `check` — a page expression — is truthy. */
export async function pageWaits(page: Page, check: string, what: string, timeoutMs: number): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!(await page.evaluate(check))) {
    if (nowMs() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The visible text of the terminal under `selector` (its probe's screenText), or null before it has one. */
export async function screenOf(page: Page, selector: string): Promise<string | null> {
  return (await page.evaluate(`window.__bench.screen(${JSON.stringify(selector)})`)) as string | null;
}

/** `data-renderer` of the terminal under `selector`: what draws it now. */
export async function rendererOf(page: Page, selector: string): Promise<string | null> {
  return (await page.evaluate(`window.__bench.renderer(${JSON.stringify(selector)})`)) as string | null;
}

export interface SocketInfo {
  url: string;
  createdAt: number;
  bytes: number;
  snapshots: number;
  resyncs: number;
  firstSnapshotAt: number | null;
}

/** Every WebSocket the page opened to a terminal of `taskId` (oldest first). */
export async function terminalSockets(page: Page, taskId: string): Promise<SocketInfo[]> {
  return (await page.evaluate(`window.__bench.sockets.filter((s) => s.url.includes("/ws/terminals/" + ${JSON.stringify(taskId)}))`)) as SocketInfo[];
}

export interface FrameStats {
  frames: number;
  seconds: number;
  gaps: number[];
  longTasks: number[];
  longTasksObserved: boolean;
}

/** rAF callbacks over `ms` of the page's time, and the long tasks meanwhile. */
export async function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  return (await page.evaluate(`window.__bench.frames(${ms})`)) as FrameStats;
}

/** CSS selector of a Missions tile's article (its aria-label is the task title). */
export function tileSelector(title: string): string {
  return `section[aria-label="Live sessions"] article[aria-label=${JSON.stringify(title)}]`;
}

/** CSS selector of the task page's terminal. */
export const TASK_TERMINAL = '[data-terminal-view="task"]';

/** " (drew dom)" when the terminal was not drawn by the renderer asked for (WebGL unavailable or lost). */
export function drewNote(asked: string, drew: string | null): string {
  return drew === asked ? "" : ` (drew ${drew ?? "?"})`;
}

/** p50/p90/p99/max of key → painted, and of its parts (input delay, until rendered). */
export function keySummary(samples: readonly KeyTiming[]) {
  const stats = (values: number[]) => ({
    p50: round(percentile(values, 50), 1),
    p90: round(percentile(values, 90), 1),
    p99: round(percentile(values, 99), 1),
    max: round(Math.max(...values), 1),
  });
  return {
    count: samples.length,
    painted: stats(samples.map((s) => s.paintedAt - s.keyAt)),
    rendered: stats(samples.map((s) => s.renderedAt - s.keyAt)),
    inputDelay: stats(samples.map((s) => s.handledAt - s.keyAt)),
  };
}
