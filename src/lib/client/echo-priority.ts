/**
 * Keys first, page-wide: while one terminal waits for the echo of keys someone typed into it, the
 * other terminals of the page hold what they have not yet handed to xterm.
 *
 * Every terminal on a page parses and renders on the one main thread. On the Missions page twenty
 * flooding tiles each take their turn; the echo of a Ctrl+C typed into one of them waited behind
 * every other tile's parsing and rendering. Holding the others for the few frames until the echo
 * is painted costs them nothing they keep (their output waits in their own bounded queue, and the
 * server sends them no more until they ack), and the hold is bounded in time, so a terminal whose
 * echo never comes (a program that does not echo) stalls nobody for long.
 */

/** Longest one typed terminal holds the others: a few frames, even when its echo is slow. */
export const ECHO_PRIORITY_MS = 250;

type Listener = () => void;

export class EchoPriority {
  /** Terminals waiting for an echo, with the timer that ends their wait. */
  private readonly awaiting = new Map<object, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly holdMs: number = ECHO_PRIORITY_MS) {}

  /**
   * `owner` sent keys: the other terminals hold until it reports the echo painted, or `holdMs`
   * after its latest key (each key starts the bound again: the echo belongs to the latest).
   */
  typed(owner: object): void {
    clearTimeout(this.awaiting.get(owner));
    this.awaiting.set(owner, setTimeout(() => this.release(owner), this.holdMs));
  }

  /** `owner` painted what followed its keys (or it left the page). */
  release(owner: object): void {
    const timer = this.awaiting.get(owner);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.awaiting.delete(owner);
    for (const listener of [...this.listeners]) listener();
  }

  /** Whether `owner` waits for an echo now. */
  isAwaiting(owner: object): boolean {
    return this.awaiting.has(owner);
  }

  /**
   * Whether `owner` may feed its terminal: it waits for an echo itself (two typed into at once do
   * not hold each other), or no other terminal does.
   */
  mayFeed(owner: object): boolean {
    if (this.awaiting.has(owner)) return true;
    for (const other of this.awaiting.keys()) if (other !== owner) return false;
    return true;
  }

  /** Called whenever a wait ends (a held terminal may feed again); returns the unsubscribe. */
  onRelease(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The page's one priority: every terminal of a page shares the main thread it arbitrates. */
export const pageEchoPriority = new EchoPriority();
