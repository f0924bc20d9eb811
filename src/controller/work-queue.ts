// A keyed work queue with controller-runtime's semantics: a key is never processed by two workers at once,
// repeated adds collapse into one, failing keys back off exponentially, and delayed adds keep the earliest.
import { backoffDelayMs, defaultBackoff, type BackoffPolicy } from "./backoff.ts";

export interface WorkQueueObserver {
  onAdd?(): void;
  onDepth?(depth: number): void;
  onRetry?(): void;
  /** Seconds a key waited between being added and being handed to a worker. */
  onQueueLatency?(seconds: number): void;
}

export interface WorkQueueOptions {
  readonly backoff?: BackoffPolicy;
  readonly observer?: WorkQueueObserver;
  readonly random?: () => number;
}

export class WorkQueue {
  readonly #ready: string[] = [];
  /** Keys that need processing: waiting in #ready, or to be re-queued when their current run is done. */
  readonly #dirty = new Map<string, number>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, { readonly at: number; readonly timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #backoff: BackoffPolicy;
  readonly #observer: WorkQueueObserver;
  readonly #random: () => number;
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#observer = options.observer ?? {};
    this.#random = options.random ?? Math.random;
  }

  get length(): number {
    return this.#ready.length;
  }

  get processingCount(): number {
    return this.#processing.size;
  }

  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#observer.onAdd?.();
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, Date.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Adds the key after a delay. A pending delayed add for the same key keeps whichever fires first. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Re-adds a failed key after its backoff delay, which grows with each consecutive failure. */
  addRateLimited(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    this.#observer.onRetry?.();
    const delay = backoffDelayMs(this.#backoff, failures, this.#random);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the key's failure count, after a success or a terminal error. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down and drained of ready keys. */
  get(): Promise<string | undefined> {
    const key = this.#take();
    if (key !== undefined || this.#shuttingDown) return Promise.resolve(key);
    return new Promise((resolveKey) => {
      this.#waiters.push(resolveKey);
    });
  }

  /** Marks a key's processing as finished; if it was added meanwhile, it goes back in line. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) this.#push(key);
  }

  /** Stops accepting keys, drops delayed adds and wakes idle workers so they can exit. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#ready.length = 0;
    this.#dirty.clear();
    this.#observer.onDepth?.(0);
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  #push(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#start(key);
      waiter(key);
      return;
    }
    this.#ready.push(key);
    this.#observer.onDepth?.(this.#ready.length);
  }

  #take(): string | undefined {
    const key = this.#ready.shift();
    if (key === undefined) return undefined;
    this.#observer.onDepth?.(this.#ready.length);
    this.#start(key);
    return key;
  }

  #start(key: string): void {
    const addedAt = this.#dirty.get(key);
    this.#dirty.delete(key);
    this.#processing.add(key);
    if (addedAt !== undefined) this.#observer.onQueueLatency?.((Date.now() - addedAt) / 1000);
  }
}
