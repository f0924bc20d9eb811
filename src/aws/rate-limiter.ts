// A token bucket per AWS service, shared by every reconcile, so a burst of resources cannot exceed the
// service's control-plane limits (CloudFront's are low) and earn throttling for everyone.

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Most tokens held at once: the largest burst. */
  readonly burst: number;
}

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (options.ratePerSecond <= 0 || options.burst < 1) throw new Error("a token bucket needs a positive rate and a burst of at least 1");
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#tokens = options.burst;
    this.#updatedAt = performance.now();
  }

  /** Waits for a token. Callers are served in arrival order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #take(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    this.#refill();
    if (this.#tokens < 1) {
      const waitMs = ((1 - this.#tokens) / this.#rate) * 1000;
      await new Promise<void>((resolveWait, reject) => {
        const timer = setTimeout(resolveWait, Math.ceil(waitMs));
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        }, { once: true });
      });
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#rate);
    this.#updatedAt = now;
  }
}
