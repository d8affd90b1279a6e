/**
 * How much of their normal rate background terminal views (Missions tiles nobody is working in)
 * may consume, decided by how late the page's main thread runs.
 *
 * Every view parses its output on the one main thread. Twenty flooding tiles at their normal
 * rate can take all of it on a slow or busy machine; then the tile someone types into shows the
 * echo seconds late, and the whole page stutters. So the share halves for every second in which
 * the main thread was overloaded and grows back slowly once it keeps up: the tile in focus (never
 * limited) and the page stay responsive, and background tiles show less of a flood.
 */

/** A timer this late means the page is overloaded (one long parse or render after another). */
export const OVERLOADED_LAG_MS = 80;
/** Below this the page keeps up comfortably: background views may take more. */
export const RELAXED_LAG_MS = 30;
/** Never below this: background views still move, just slowly. */
export const MIN_SHARE = 1 / 32;
const GROWTH = 1.25;

export class BackgroundShare {
  private value = 1;

  get share(): number {
    return this.value;
  }

  /** Takes the worst main-thread lag of one observation window; returns the new share. */
  observe(worstLagMs: number): number {
    if (worstLagMs >= OVERLOADED_LAG_MS) this.value = Math.max(MIN_SHARE, this.value / 2);
    else if (worstLagMs < RELAXED_LAG_MS) this.value = Math.min(1, this.value * GROWTH);
    return this.value;
  }
}

/** How often the lag is sampled, and how many samples make one observation. */
const SAMPLE_MS = 100;
const SAMPLES_PER_WINDOW = 10;

type Listener = (share: number) => void;

const listeners = new Set<Listener>();
let controller: BackgroundShare | undefined;
let sampler: ReturnType<typeof setInterval> | undefined;

/**
 * Calls `listener` with the current share now and whenever it changes; returns the unsubscribe.
 * The page is sampled only while someone listens.
 */
export function watchBackgroundShare(listener: Listener): () => void {
  listeners.add(listener);
  if (!sampler) start();
  listener(controller!.share);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) stop();
  };
}

function start(): void {
  const shares = new BackgroundShare();
  controller = shares;
  let expected = performance.now() + SAMPLE_MS;
  let worst = 0;
  let samples = 0;
  sampler = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - expected);
    expected = now + SAMPLE_MS;
    if (++samples < SAMPLES_PER_WINDOW) return;
    // A hidden tab's timers run once a second on purpose: that is not load.
    const before = shares.share;
    const after = document.visibilityState === "hidden" ? before : shares.observe(worst);
    samples = 0;
    worst = 0;
    if (after !== before) for (const listener of listeners) listener(after);
  }, SAMPLE_MS);
}

function stop(): void {
  clearInterval(sampler);
  sampler = undefined;
  controller = undefined;
}
