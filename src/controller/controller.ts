// Runs a reconciler over a work queue with a bounded number of workers, and turns each outcome into the
// next step for that key: forget, requeue after a delay, or retry with backoff.
import type { Logger } from "pino";
import type { ControllerMetrics } from "./controller-metrics.ts";
import { isPermanent, requestedDelayMs } from "../errors.ts";
import type { Reconciler } from "./reconciler.ts";
import { WorkQueue } from "./work-queue.ts";
import type { BackoffPolicy } from "./backoff.ts";

export interface ControllerOptions {
  readonly name: string;
  readonly reconciler: Reconciler;
  readonly concurrency: number;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
}

export class Controller {
  readonly queue: WorkQueue;
  readonly #options: ControllerOptions;
  readonly #abort = new AbortController();
  #workers: Promise<void>[] = [];

  constructor(options: ControllerOptions) {
    this.#options = options;
    const labels = { name: options.name, controller: options.name };
    const { metrics } = options;
    this.queue = new WorkQueue({
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      observer: {
        onAdd: () => { metrics.queueAdds.inc(labels); },
        onDepth: (depth) => { metrics.queueDepth.set(labels, depth); },
        onRetry: () => { metrics.queueRetries.inc(labels); },
        onQueueLatency: (seconds) => { metrics.queueLatency.observe(labels, seconds); },
      },
    });
    metrics.maxConcurrent.set({ controller: options.name }, options.concurrency);
    metrics.activeWorkers.set({ controller: options.name }, 0);
  }

  /** Starts the workers. Keys added before this wait in the queue. */
  start(): void {
    if (this.#workers.length > 0) return;
    this.#workers = Array.from({ length: this.#options.concurrency }, () => this.#work());
  }

  /**
   * Stops taking work and waits up to `graceMs` for in-flight reconciles; after that their abort signal fires
   * and they get a moment more to notice it.
   */
  async stop(graceMs: number): Promise<void> {
    this.queue.shutDown();
    const finished = Promise.all(this.#workers).then(() => true);
    const inTime = await Promise.race([finished, delay(graceMs).then(() => false)]);
    if (!inTime) {
      this.#options.log.warn({ graceMs }, "reconciles still running at shutdown; aborting them");
      this.#abort.abort();
      await Promise.race([finished, delay(2_000)]);
    }
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #process(key: string): Promise<void> {
    const { name, reconciler, metrics } = this.#options;
    const slash = key.indexOf("/");
    const request = { key, namespace: key.slice(0, slash), name: key.slice(slash + 1) };
    const log = this.#options.log.child({ key });
    const started = performance.now();
    metrics.activeWorkers.inc({ controller: name });
    try {
      const result = await reconciler.reconcile(request, this.#abort.signal);
      this.queue.forget(key);
      if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        this.queue.addAfter(key, result.requeueAfterMs);
        metrics.reconcileTotal.inc({ controller: name, result: "requeue_after" });
      } else {
        metrics.reconcileTotal.inc({ controller: name, result: "success" });
      }
    } catch (error) {
      metrics.reconcileErrors.inc({ controller: name });
      metrics.reconcileTotal.inc({ controller: name, result: "error" });
      if (isPermanent(error)) {
        this.queue.forget(key);
        metrics.terminalErrors.inc({ controller: name });
        log.warn({ err: error }, "reconcile failed permanently; waiting for a change");
        return;
      }
      const requested = requestedDelayMs(error);
      if (requested !== undefined) {
        this.queue.forget(key);
        this.queue.addAfter(key, requested);
        log.warn({ err: error, retryInMs: requested }, "reconcile failed; will retry after the delay it asked for");
        return;
      }
      const delayMs = this.queue.addRateLimited(key);
      log.warn({ err: error, retryInMs: delayMs, failures: this.queue.failures(key) }, "reconcile failed; will retry");
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.activeWorkers.inc({ controller: name }, -1);
      metrics.reconcileTime.observe({ controller: name }, seconds);
      metrics.workDuration.observe({ name, controller: name }, seconds);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => {
    setTimeout(resolveDelay, ms).unref();
  });
}
