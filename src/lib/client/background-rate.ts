/**
 * What a visible Missions tile that nobody is working in may consume while the page keeps up. A
 * log scrolling at a normal pace is far below it; a flood above it is shown by jumps to the
 * current screen. On an overloaded page it is cut to a share of this (BackgroundShare).
 */
export const BACKGROUND_BYTES_PER_SECOND = 128 * 1024;

/**
 * The global through which `npm run bench` (browser-missions, `--background-rates`) replaces the
 * rate for one page — bytes per second, or "unlimited" — to measure whether the pacing is still
 * needed. Nothing in the app sets it; it is not a setting.
 */
export const BENCH_RATE_GLOBAL = "__aiManagerBenchBackgroundRate";

/** The visible-background rate in bytes per second; null: no limit. */
export function backgroundBytesPerSecond(): number | null {
  const override = typeof window === "undefined" ? undefined : (window as unknown as Record<string, unknown>)[BENCH_RATE_GLOBAL];
  if (override === "unlimited") return null;
  if (typeof override === "number" && Number.isFinite(override) && override > 0) return override;
  return BACKGROUND_BYTES_PER_SECOND;
}
