import type { Browser, Page } from "@playwright/test";
import { runBaseline } from "../lib/baseline";
import { launchChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { readCpuMsOf } from "../lib/rss";
import { BENCH_BASH_PROFILE, type BenchServer } from "../lib/server";
import { MB, nowMs, percentile, round, sleep } from "../lib/stats";
import { RENDERER_STORAGE_KEY } from "../../src/terminal/client/renderer-choice";

/** Sessions flooding at once: the Missions page's grid full of busy tiles (the old e2e's twenty). */
const SESSIONS = 20;
/**
 * The old missions-load e2e flood, unbounded, at the CPU priority the app gives task terminals
 * (Settings, "background" by default). It used to renice its shell to 19, which changes nothing
 * where the kernel weighs each session as one group (autogroup, the Linux desktop default): the
 * group's nice is what counts, and that is the app's to set (docs/terminal-host.md, "CPU priority").
 */
export const missionsFlood = (n: number) => `while :; do echo "tile-${n} $RANDOM $RANDOM $RANDOM"; done`;
/** Typed after the Ctrl+C; its echo shows `$((6*7))`, only the answer shows `b<rep>-42`. */
const COMMAND = "echo b{n}-$((6*7))";
const answer = (rep: number) => `b${rep}-42`;
/** Floods run this long before the first measurement (raw; the app's page load takes longer). */
const RAMP_MS = 2_000;
/** Between repetitions (and between a click on a tile and its Ctrl+C): a person's pace. */
const PAUSE_MS = 300;
/** A key that has not shown after this long fails the scenario. */
const TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1440, height: 900 };

interface Sample {
  tile: string;
  /** Ctrl+C (the key event's time stamp) → `^C` in the tile's rows. */
  ctrlCMs: number;
  /** Enter after the command → its answer in the tile's rows. */
  commandMs: number;
  /** Key event time stamp → its keydown handler ran (the page's input delay), for both keys. */
  inputDelayMs: [number, number];
  /** The same two spans seen from the bench process (press sent → found in the rows), with CDP's round trips. */
  fromBenchMs: [number, number];
}

/**
 * Arms a watcher in the page: the next keydown of `key` (its event time stamp, and when its handler
 * ran), then the first DOM change after it that leaves `needle` in the tile's terminal rows.
 * A string, not a function: tsx would wrap inner helpers in `__name(...)`, absent in the page.
 */
const ARM_IN_PAGE = `(title, key, needle, timeoutMs) => {
  const tile = [...document.querySelectorAll('section[aria-label="Live sessions"] article')].find((a) => a.getAttribute("aria-label") === title);
  const rows = tile && tile.querySelector('[data-testid="terminal-screen"] .xterm-rows');
  if (!rows) throw new Error("no terminal rows in tile " + title);
  const state = { keyAt: null, handledAt: null, seenAt: null };
  window.__benchSeen = new Promise((resolve, reject) => {
    const onKey = (event) => {
      if (state.keyAt !== null || event.key.toLowerCase() !== key.toLowerCase()) return;
      state.handledAt = performance.now();
      state.keyAt = event.timeStamp > 0 && event.timeStamp <= state.handledAt ? event.timeStamp : state.handledAt;
    };
    const done = () => {
      observer.disconnect();
      document.removeEventListener("keydown", onKey, true);
      clearTimeout(timer);
    };
    const observer = new MutationObserver(() => {
      if (state.keyAt === null || !rows.textContent.includes(needle)) return;
      state.seenAt = performance.now();
      done();
      resolve(state);
    });
    const timer = setTimeout(() => {
      done();
      reject(new Error(title + ": no " + JSON.stringify(needle) + " within " + timeoutMs + " ms"));
    }, timeoutMs);
    document.addEventListener("keydown", onKey, true);
    observer.observe(rows, { childList: true, subtree: true, characterData: true });
  });
}`;

interface Seen {
  keyAt: number;
  handledAt: number;
  seenAt: number;
}

async function timeKey(page: Page, title: string, needle: string, press: () => Promise<void>, key: string): Promise<{ seen: Seen; fromBenchMs: number }> {
  await page.evaluate(`(${ARM_IN_PAGE})(${JSON.stringify(title)}, ${JSON.stringify(key)}, ${JSON.stringify(needle)}, ${TIMEOUT_MS})`);
  const t0 = nowMs();
  await press();
  const seen = (await page.evaluate("window.__benchSeen")) as Seen;
  return { seen, fromBenchMs: nowMs() - t0 };
}

/**
 * Resolves once the tile's terminal rows contain `text` (polled with evaluate: the app's CSP
 * forbids the string eval that waitForFunction would use).
 */
async function tileShows(page: Page, title: string, text: string): Promise<void> {
  const check = `(() => {
    const tile = [...document.querySelectorAll('section[aria-label="Live sessions"] article')].find((a) => a.getAttribute("aria-label") === ${JSON.stringify(title)});
    const rows = tile && tile.querySelector('[data-testid="terminal-screen"] .xterm-rows');
    return !!rows && rows.textContent.includes(${JSON.stringify(text)});
  })()`;
  const deadline = nowMs() + TIMEOUT_MS;
  while (!(await page.evaluate(check))) {
    if (nowMs() > deadline) throw new Error(`${title}: no ${JSON.stringify(text)} within ${TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

/** Titles of the live tiles in page order, and whether each one's terminal is wholly in the viewport. */
async function tilesInView(page: Page): Promise<Array<{ title: string; inView: boolean }>> {
  return (await page.evaluate(`[...document.querySelectorAll('section[aria-label="Live sessions"] article')].map((a) => {
    const screen = a.querySelector('[data-testid="terminal-screen"]');
    const r = (screen || a).getBoundingClientRect();
    return { title: a.getAttribute("aria-label"), inView: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth };
  })`)) as Array<{ title: string; inView: boolean }>;
}

const titleOf = (n: number) => `Flood ${String(n).padStart(2, "0")}`;
const floodNumber = (title: string) => Number(title.replace(/^Flood 0?/, ""));

/**
 * missions: the saturated case of e2e/missions-load.spec.ts. Twenty tasks each run an unbounded
 * flood (`while :; do echo "tile-N $RANDOM $RANDOM $RANDOM"; done`, see missionsFlood) in an
 * interactive bash; /missions is open in Debian's Chromium (the e2e flags) at 1440×900. `reps`
 * times, each on another tile in the visible area (scrolled to if needed, its flood shown first):
 * click the tile's terminal, press Ctrl+C → `^C` in that tile's rendered rows (the key event's
 * time stamp → the DOM change that shows it), then type `echo b<rep>-$((6*7))` and Enter →
 * its answer in the rows. Each stopped tile stays stopped, so the floods go from 20 to 20 − reps.
 * Raw: the same floods under node-pty in the baseline process, Ctrl+C written → `^C` read back
 * on that PTY, then the command → its answer; no browser.
 */
export async function missionsScenario(ctx: BenchContext, reps: number): Promise<ScenarioResult> {
  const targets = Array.from({ length: reps }, (_, i) => Math.floor((i * SESSIONS) / reps));
  const rawStartedAt = nowMs();
  const raw = (await runBaseline(ctx.root, "missions", {
    floods: Array.from({ length: SESSIONS }, (_, i) => missionsFlood(i + 1)),
    targets,
    command: COMMAND,
    answers: targets.map((_, rep) => answer(rep)),
    rampMs: RAMP_MS,
    pauseMs: PAUSE_MS,
    timeoutMs: TIMEOUT_MS,
  })) as { samples: Array<{ session: number; ctrlCMs: number; commandMs: number }>; floodMBps: number };
  const rawSeconds = (nowMs() - rawStartedAt) / 1000;
  const appStartedAt = nowMs();

  const app = await ctx.withServer("missions", {}, async (server) => {
    const ids: string[] = [];
    for (let n = 1; n <= SESSIONS; n++) ids.push(await server.startTask(titleOf(n), ctx.tmp, missionsFlood(n), undefined, BENCH_BASH_PROFILE));
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: VIEWPORT });
      // This scenario watches the DOM renderer's rows (its figures since 2026-12-04 are of DOM);
      // the WebGL renderer is measured by the browser-* scenarios.
      await page.addInitScript((key) => window.localStorage.setItem(key, "dom"), RENDERER_STORAGE_KEY);
      const loadStartedAt = nowMs();
      await page.goto(`${server.origin}/missions`);
      await page.getByRole("region", { name: "Live sessions" }).getByRole("article").nth(SESSIONS - 1).waitFor({ timeout: TIMEOUT_MS });
      // Tiles in view first (in page order), then the next ones (scrolled to when their turn comes).
      const tiles = await tilesInView(page);
      const ordered = [...tiles.filter((t) => t.inView), ...tiles.filter((t) => !t.inView)].map((t) => t.title);
      const visible = tiles.filter((t) => t.inView).map((t) => t.title);
      for (const title of visible) await tileShows(page, title, `tile-${floodNumber(title)} `);
      const floodsShownMs = nowMs() - loadStartedAt;
      const chosen = spread(ordered.slice(0, Math.max(reps, visible.length)), reps);
      const bytesBefore = await totalBytes(server, ids);
      const cpuBefore = readCpuMsOf(server.pids);
      const t0 = nowMs();
      const samples: Sample[] = [];
      for (const [rep, title] of chosen.entries()) {
        const screen = page.getByRole("region", { name: "Live sessions" }).getByRole("article", { name: title, exact: true }).getByTestId("terminal-screen");
        if (!visible.includes(title)) {
          await screen.scrollIntoViewIfNeeded();
          await tileShows(page, title, `tile-${floodNumber(title)} `);
        }
        await screen.click();
        await sleep(PAUSE_MS);
        const c = await timeKey(page, title, "^C", () => page.keyboard.press("Control+C"), "c");
        // One input event for the whole command (xterm sends it as typed text): a key per character
        // would cost a CDP round trip each to a busy page, and only the Enter is timed.
        await page.keyboard.insertText(COMMAND.replace("{n}", String(rep)));
        const e = await timeKey(page, title, answer(rep), () => page.keyboard.press("Enter"), "Enter");
        samples.push({
          tile: title,
          ctrlCMs: c.seen.seenAt - c.seen.keyAt,
          commandMs: e.seen.seenAt - e.seen.keyAt,
          inputDelayMs: [c.seen.handledAt - c.seen.keyAt, e.seen.handledAt - e.seen.keyAt],
          fromBenchMs: [c.fromBenchMs, e.fromBenchMs],
        });
      }
      const seconds = (nowMs() - t0) / 1000;
      // The app server and its terminal host (which reads the twenty floods), together and each.
      const cpuAfter = readCpuMsOf(server.pids);
      const serverCpuMs = cpuAfter.total - cpuBefore.total;
      const cpuSplitMs = cpuAfter.each.map((v, i) => Math.round(v - cpuBefore.each[i]!));
      const floodMBps = ((await totalBytes(server, ids)) - bytesBefore) / MB / seconds;
      await Promise.all(ids.map((id) => server.stopTask(id)));
      return { samples, floodMBps, visibleTiles: visible.length, floodsShownMs, serverCpuMs: Math.round(serverCpuMs), cpuSplitMs, seconds };
    } finally {
      await browser?.close();
    }
  });

  const appSeconds = (nowMs() - appStartedAt) / 1000;
  const rows: Row[] = [];
  const metrics = [
    ["Ctrl+C → ^C shown", "ctrlCMs"],
    ["command → answer shown", "commandMs"],
  ] as const;
  for (const [label, key] of metrics) {
    const a = app.samples.map((s) => s[key]);
    const r = raw.samples.map((s) => s[key]);
    for (const stat of ["p50", "max"] as const) {
      const av = stat === "p50" ? percentile(a, 50) : Math.max(...a);
      const rv = stat === "p50" ? percentile(r, 50) : Math.max(...r);
      rows.push({
        scenario: "missions",
        metric: `${label} ${stat}, ${SESSIONS} floods`,
        unit: "ms",
        app: round(av, 1),
        raw: round(rv, 2),
        ratio: round(av / rv, 1),
        ...(key === "ctrlCMs" && stat === "p50"
          ? {
              note: `${reps} tiles of ${SESSIONS} (${app.visibleTiles} in view at 1440×900), one key each; app = key event → the tile's rows show it in Chromium, raw = pty.write → read back; the floods moved ${app.floodMBps.toFixed(1)} MB/s in total meanwhile (raw ${raw.floodMBps.toFixed(1)})`,
            }
          : {}),
      });
    }
  }
  ctx.log(
    `  missions: Ctrl+C p50 app ${percentile(app.samples.map((s) => s.ctrlCMs), 50).toFixed(0)} ms, raw ${percentile(raw.samples.map((s) => s.ctrlCMs), 50).toFixed(2)} ms; floods ${app.floodMBps.toFixed(1)} MB/s (raw ${raw.floodMBps.toFixed(1)})`,
  );
  return {
    rows,
    details: {
      sessions: SESSIONS,
      reps,
      flood: missionsFlood(0).replace("tile-0", "tile-N"),
      viewport: VIEWPORT,
      app: { ...app, samples: app.samples.map(roundSample) },
      phaseSeconds: { raw: round(rawSeconds, 1), app: round(appSeconds, 1), appFloodsShown: round(app.floodsShownMs / 1000, 1), appRepetitions: round(app.seconds, 1) },
      raw: { ...raw, samples: raw.samples.map((s) => ({ ...s, ctrlCMs: round(s.ctrlCMs, 2), commandMs: round(s.commandMs, 2) })) },
    },
  };
}

/** `count` items spread evenly over `items`. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length < count) throw new Error(`only ${items.length} tiles to measure on, ${count} wanted`);
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

function roundSample(s: Sample) {
  return {
    ...s,
    ctrlCMs: round(s.ctrlCMs, 1),
    commandMs: round(s.commandMs, 1),
    inputDelayMs: s.inputDelayMs.map((v) => round(v, 1)),
    fromBenchMs: s.fromBenchMs.map((v) => round(v, 1)),
  };
}

async function totalBytes(server: BenchServer, ids: string[]): Promise<number> {
  let sum = 0;
  for (const id of ids) sum += (await server.ok<{ totalBytes: number | null }>("GET", `/api/internal/terminal/${id}/status`)).totalBytes ?? 0;
  return sum;
}
