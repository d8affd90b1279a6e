/**
 * Bounds guessing at the access token (docs/security.md, "Remote access"). Failed sign-ins are
 * counted in a sliding window per client address and for the whole server; past either limit a
 * sign-in attempt is answered 429 with Retry-After before the token is even compared. The token is
 * 32 random bytes, so this is not what keeps it secret: it keeps a device on the network from
 * hammering the server, and makes a leaked-but-mistyped token stand out in the log.
 *
 * The address is the TCP peer's: there is no proxy in front of this server, so X-Forwarded-For
 * and friends say whatever the sender wants and are never read.
 */

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Failures one address may have in the window. */
export const MAX_FAILURES_PER_IP = 10;
/**
 * Failures all addresses together may have in the window. Higher than the per-address limit so
 * one noisy device does not lock everyone out; low enough that spreading guesses over many
 * addresses gains little.
 */
export const MAX_FAILURES_GLOBAL = 100;
/** Addresses remembered at once; past it the least recently failing is forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

export type SignInVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: "address" | "server" };

export class SignInLimiter {
  private readonly perIp = new Map<string, number[]>();
  private global: number[] = [];

  constructor(
    private readonly options: { windowMs: number; maxPerIp: number; maxGlobal: number } = {
      windowMs: SIGN_IN_WINDOW_MS,
      maxPerIp: MAX_FAILURES_PER_IP,
      maxGlobal: MAX_FAILURES_GLOBAL,
    },
  ) {}

  /** Whether `ip` may try a token now. */
  check(ip: string, now = Date.now()): SignInVerdict {
    const since = now - this.options.windowMs;
    this.global = this.global.filter((t) => t > since);
    const mine = (this.perIp.get(ip) ?? []).filter((t) => t > since);
    if (mine.length === 0) this.perIp.delete(ip);
    else this.perIp.set(ip, mine);
    if (mine.length >= this.options.maxPerIp) {
      return { allowed: false, scope: "address", retryAfterSeconds: this.retryAfter(mine, this.options.maxPerIp, now) };
    }
    if (this.global.length >= this.options.maxGlobal) {
      return { allowed: false, scope: "server", retryAfterSeconds: this.retryAfter(this.global, this.options.maxGlobal, now) };
    }
    return { allowed: true };
  }

  recordFailure(ip: string, now = Date.now()): void {
    this.global.push(now);
    const mine = this.perIp.get(ip) ?? [];
    mine.push(now);
    // Re-inserted last: Map order is then "least recently failing first".
    this.perIp.delete(ip);
    this.perIp.set(ip, mine);
    while (this.perIp.size > MAX_TRACKED_ADDRESSES) {
      const [oldest] = this.perIp.keys();
      this.perIp.delete(oldest!);
    }
  }

  /** A right token from this address: its earlier typos no longer count against it. */
  recordSuccess(ip: string): void {
    this.perIp.delete(ip);
  }

  /** Seconds until enough of the window's failures expire to allow one more attempt. */
  private retryAfter(failures: number[], max: number, now: number): number {
    const freeing = failures[failures.length - max]!;
    return Math.max(1, Math.ceil((freeing + this.options.windowMs - now) / 1000));
  }
}
