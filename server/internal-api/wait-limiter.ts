import { AppError } from "../../src/lib/errors";

/**
 * Bounds the long-polling buffer reads held open at once: each holds a socket and a listener on
 * a session, and a runaway agent loop must not pile them up without limit.
 */
export const MAX_CONCURRENT_WAITS = 64;

export class WaitLimiter {
  private active = 0;

  constructor(private readonly max = MAX_CONCURRENT_WAITS) {}

  get count(): number {
    return this.active;
  }

  /** Takes a slot or throws 429; call the returned function exactly once to give it back. */
  acquire(): () => void {
    if (this.active >= this.max) {
      throw new AppError(
        "limit:waits",
        `Too many waiting reads are open (${this.max}); finish or cancel some before waiting again.`,
      );
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}
