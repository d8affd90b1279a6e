/**
 * Calls `fn` at most once per `intervalMs` with the latest value: the first call goes through at
 * once, later ones within the interval collapse into one trailing call. For signals that arrive
 * far more often than anyone can read them (terminal output → "last activity").
 */
export interface Throttled<T> {
  (value: T): void;
  cancel(): void;
}

export function throttleLatest<T>(fn: (value: T) => void, intervalMs: number, now: () => number = Date.now): Throttled<T> {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: { value: T } | undefined;

  const run = (value: T) => {
    lastRun = now();
    fn(value);
  };

  const throttled = ((value: T) => {
    const wait = lastRun + intervalMs - now();
    if (wait <= 0 && !timer) {
      run(value);
      return;
    }
    pending = { value };
    timer ??= setTimeout(() => {
      timer = undefined;
      const next = pending;
      pending = undefined;
      if (next) run(next.value);
    }, Math.max(0, wait));
  }) as Throttled<T>;

  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return throttled;
}
