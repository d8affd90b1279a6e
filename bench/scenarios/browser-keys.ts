import { withChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { drewNote, keySummary, openBenchPage, pageWaits, RENDERERS, TASK_TERMINAL, timeKey, type KeyTiming, type RendererChoice } from "../lib/page-bench";
import { BENCH_BASH_PROFILE } from "../lib/server";
import { percentile, round } from "../lib/stats";
import { viewerEcho } from "./echo";

/** The prompt the shell is given, so the typed line is known whatever the machine's PS1 is. */
const PROMPT = "quiet> ";
/** Typed one by one; after the last one the line is cleared (Ctrl+U, not timed) and typing starts over. */
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const WARMUP_KEYS = 10;
const TIMEOUT_MS = 30_000;
const VIEWPORT = { width: 1440, height: 900 };

/**
 * browser-keys: keystroke → paint in a quiet terminal. A task on the "Bench bash" profile (an
 * interactive `bash --norc --noprofile`, prompt set to `quiet> `) sits at its prompt; its task
 * page is open in Debian's Chromium, once per renderer (localStorage `ai-manager.terminal-renderer`
 * = webgl, then dom). `keys` letters are typed one at a time (a CDP key event each, after
 * WARMUP_KEYS unmeasured): time = the key event's `timeStamp` → the terminal's probe rendered rows
 * showing the line with that letter, then the next animation frame. Every 26 letters the line is
 * cleared with Ctrl+U (not timed). Baseline: the echo scenario's Node viewer through the same
 * server (`a` then DEL, the whole echo received; no rendering), in the same run.
 */
export async function browserKeysScenario(ctx: BenchContext, keys: number, renderers: readonly RendererChoice[] = RENDERERS): Promise<ScenarioResult> {
  const result = await ctx.withServer("browser-keys", {}, async (server) => {
    const taskId = await server.startTask("Quiet shell", ctx.tmp, `PS1='${PROMPT}'`, undefined, BENCH_BASH_PROFILE);
    const byRenderer: Record<string, { samples: KeyTiming[]; renderer: string | null }> = {};
    await withChromium(async (browser) => {
      for (const renderer of renderers) {
        const { context, page } = await openBenchPage(browser, renderer, { viewport: VIEWPORT });
        try {
          await page.goto(`${server.origin}/tasks/${taskId}`);
          // The shell took the PS1 line: the prompt is the last line on screen.
          await pageWaits(page, `(() => { const s = window.__bench.screen(${JSON.stringify(TASK_TERMINAL)}); return s !== null && s.trimEnd().endsWith(${JSON.stringify(PROMPT.trimEnd())}); })()`, "quiet prompt", TIMEOUT_MS);
          await page.locator(TASK_TERMINAL).click();
          const samples: KeyTiming[] = [];
          let typed = "";
          for (let i = 0; i < WARMUP_KEYS + keys; i++) {
            if (typed.length === LETTERS.length) {
              await page.keyboard.press("Control+U");
              await pageWaits(page, `!window.__bench.screen(${JSON.stringify(TASK_TERMINAL)}).includes(${JSON.stringify(PROMPT + LETTERS[0])})`, "line cleared", TIMEOUT_MS);
              typed = "";
            }
            const letter = LETTERS[typed.length]!;
            typed += letter;
            const timing = await timeKey(page, TASK_TERMINAL, { key: letter, ctrl: false }, PROMPT + typed, () => page.keyboard.press(letter), TIMEOUT_MS);
            if (i >= WARMUP_KEYS) samples.push(timing);
          }
          await page.keyboard.press("Control+U");
          byRenderer[renderer] = { samples, renderer: samples.at(-1)?.renderer ?? null };
        } finally {
          await context.close();
        }
      }
    });
    // The same server, the same shell: the Node viewer's round trips (as the echo scenario's).
    const node = await viewerEcho(server, taskId, keys, 200);
    await server.stopTask(taskId);
    return { byRenderer, node };
  });

  const nodeP50 = percentile(result.node.latencies, 50);
  const nodeP99 = percentile(result.node.latencies, 99);
  const rows: Row[] = [];
  for (const stat of ["p50", "p99"] as const) {
    for (const choice of renderers) {
      const run = result.byRenderer[choice]!;
      const painted = run.samples.map((s) => s.paintedAt - s.keyAt);
      const value = percentile(painted, stat === "p50" ? 50 : 99);
      const base = stat === "p50" ? nodeP50 : nodeP99;
      rows.push({
        scenario: "browser-keys",
        metric: `quiet key → painted ${stat}, ${choice}${drewNote(choice, run.renderer)}`,
        unit: "ms",
        app: round(value, 1),
        raw: round(base, 2),
        ratio: round(value / base, 1),
        ...(stat === "p50" && choice === renderers[0]
          ? { note: `${keys} letters typed at a bash prompt on the task page (1440×900); app = key event → rows painted in Chromium (probe onRender with the text, then the next frame); baseline = a Node viewer's round trip (input → echo received) through the same server, no rendering` }
          : {}),
      });
    }
  }
  for (const choice of renderers) {
    const s = result.byRenderer[choice]!.samples;
    ctx.log(`  browser-keys ${choice} (drew: ${result.byRenderer[choice]!.renderer}): p50 ${percentile(s.map((x) => x.paintedAt - x.keyAt), 50).toFixed(1)} ms; Node viewer p50 ${nodeP50.toFixed(2)} ms`);
  }
  return {
    rows,
    details: {
      keys,
      warmupKeys: WARMUP_KEYS,
      viewport: VIEWPORT,
      browser: Object.fromEntries(
        Object.entries(result.byRenderer).map(([choice, run]) => [choice, { drew: run.renderer, ...keySummary(run.samples) }]),
      ),
      nodeViewer: { p50: round(nodeP50, 3), p99: round(nodeP99, 3), keys: result.node.latencies.length },
    },
  };
}
