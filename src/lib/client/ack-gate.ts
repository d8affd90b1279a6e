/**
 * Decides when a terminal tells the server it has rendered output (the ack that lets the server
 * send more). The server's flow control stops sending to a viewer with 100 kB unacknowledged and
 * resyncs one that fell out of its ring from the screen mirror — so a viewer that acks slowly
 * simply receives less, and what it shows jumps to the current screen now and then.
 *
 * Missions uses that: a tile scrolled out of view (or filtered out) acks nothing, so it costs the
 * tab nothing; a visible tile without focus acks at a bounded rate; the focused or expanded tile
 * acks at once. Twenty flooding agents then cost the tab what a few visible tiles cost.
 */
export interface AckPolicy {
  /** Hold every ack until resumed. */
  paused: boolean;
  /** Bytes per second that may be acked; null: no limit. */
  bytesPerSecond: number | null;
}

/** The burst a limited gate lets through at once, in seconds of its rate. */
const BURST_SECONDS = 0.25;
/**
 * Held acks at or above this mean the server has more waiting for this viewer than it is allowed
 * to take: the view is behind, and what it shows is getting old.
 */
export const BEHIND_BYTES = 32 * 1024;

export class AckGate {
  private queue: Array<{ bytes: number; done: () => void }> = [];
  private tokens: number;
  private refilledAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private held = 0;
  private behindSince: number | undefined;

  constructor(
    private policy: AckPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.capacity();
    this.refilledAt = now();
  }

  /** `done` acks `bytes`; called when the terminal finished rendering them. */
  pass(bytes: number, done: () => void): void {
    this.queue.push({ bytes, done });
    this.held += bytes;
    this.drain();
  }

  setPolicy(policy: AckPolicy): void {
    if (policy.paused === this.policy.paused && policy.bytesPerSecond === this.policy.bytesPerSecond) return;
    this.refill();
    this.policy = policy;
    // Unlimited means a full bucket; coming from unlimited, the bucket starts full at the new size.
    this.tokens = policy.bytesPerSecond === null ? Infinity : Math.min(this.tokens, this.capacity());
    this.drain();
  }

  /** Held acks, in bytes. */
  get heldBytes(): number {
    return this.held;
  }

  /** The server has more waiting for this view than it has been allowed to take. */
  get behind(): boolean {
    return this.held >= BEHIND_BYTES;
  }

  /** How long the view has been continuously behind (0: it is not). */
  behindForMs(): number {
    return this.behindSince === undefined ? 0 : this.now() - this.behindSince;
  }

  /** Forgets held acks without sending them: the connection they belonged to was replaced. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.held = 0;
    this.behindSince = undefined;
  }

  dispose(): void {
    this.clear();
  }

  private capacity(): number {
    return this.policy.bytesPerSecond === null ? Infinity : Math.max(1, this.policy.bytesPerSecond * BURST_SECONDS);
  }

  private refill(): void {
    const now = this.now();
    if (this.policy.bytesPerSecond !== null && !this.policy.paused) {
      this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.refilledAt) / 1000) * this.policy.bytesPerSecond);
    }
    this.refilledAt = now;
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.policy.paused) {
      if (this.held >= BEHIND_BYTES) this.behindSince ??= this.now();
      return;
    }
    this.refill();
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      // A chunk bigger than the burst passes once the bucket is full (nothing waits forever);
      // the bucket then goes into debt, so the average rate still holds.
      if (this.tokens < next.bytes && this.tokens < this.capacity()) break;
      this.tokens -= next.bytes;
      this.queue.shift();
      this.held -= next.bytes;
      next.done();
    }
    if (this.held >= BEHIND_BYTES) this.behindSince ??= this.now();
    else this.behindSince = undefined;
    if (this.queue.length > 0 && this.policy.bytesPerSecond !== null) {
      const missing = Math.min(this.queue[0]!.bytes, this.capacity()) - this.tokens;
      const wait = Math.ceil((missing / this.policy.bytesPerSecond) * 1000);
      this.timer = setTimeout(() => this.drain(), Math.max(1, wait));
    }
  }
}
