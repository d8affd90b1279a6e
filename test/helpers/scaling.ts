/**
 * Cost checks without wall-clock limits. A fixed number of milliseconds fails on a busy machine
 * and proves nothing on a fast one; a ratio between two forms of the same work, measured in the
 * same test, survives both. For a growth check, give both sides the same total input — the small
 * size run k times against the large size once — so linear work reads ~1× and quadratic work ~k×,
 * and both timed spans are equally long (equally exposed to GC and to other processes).
 *
 * Time is this process's CPU time, not the wall clock: on a shared machine another process taking
 * the core stretches wall time but not CPU time. Runs are interleaved (small, large, small…) and
 * the medians compared, which drops the odd GC pause.
 */

export interface Scaling {
  smallMs: number;
  largeMs: number;
  /** largeMs / smallMs. */
  ratio: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU milliseconds (user + system) that `work` took. */
function timed(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Times `small` and `large` `runs` times each, after one untimed warm-up of each (the JIT would
 * otherwise bill its compile time to whichever runs first).
 */
export function compareCost(small: () => unknown, large: () => unknown, runs = 5): Scaling {
  small();
  large();
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    smallTimes.push(timed(small));
    largeTimes.push(timed(large));
  }
  const smallMs = median(smallTimes);
  const largeMs = median(largeTimes);
  return { smallMs, largeMs, ratio: largeMs / smallMs };
}

/** A one-line account of a comparison, for the test's output (the numbers inform, the ratio decides). */
export function describeScaling(what: string, s: Scaling): string {
  return `${what}: ${s.ratio.toFixed(2)}× (${s.smallMs.toFixed(1)} → ${s.largeMs.toFixed(1)} ms CPU, medians)`;
}

/** Runs `work` `times` times: the small side of a growth check, made as much input as the large side. */
export function repeated(times: number, work: () => unknown): () => void {
  return () => {
    for (let i = 0; i < times; i++) work();
  };
}
