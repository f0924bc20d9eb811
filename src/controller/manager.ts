// Wires the machinery together: an informer that feeds the work queue, leader election that gates the
// workers, periodic resyncs, health and metrics endpoints, and an orderly shutdown.
//
// Every replica runs the informer, so a standby is ready (and its cache warm) the moment it becomes leader;
// only the leader runs workers and resyncs.
import type { Logger } from "pino";
import type { KubeObject } from "../k8s/objects.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { deepEqual } from "../util/deep-equal.ts";
import type { BackoffPolicy } from "./backoff.ts";
import { Controller } from "./controller.ts";
import type { ControllerMetrics } from "./controller-metrics.ts";
import { startHealthServer, type HealthServer } from "./health-server.ts";
import { Informer, metadataOnly } from "./informer.ts";
import { LeaderElector } from "./leader-election.ts";
import type { Reconciler } from "./reconciler.ts";

export interface LeaderElectionSettings {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface ManagerOptions {
  readonly client: KubeRestClient;
  /** The watched collection, e.g. /apis/group/version/plural (all namespaces) or a namespaced path. */
  readonly collectionPath: string;
  readonly controllerName: string;
  readonly reconciler: Reconciler;
  readonly concurrency: number;
  /** Every key is enqueued again at each of these intervals (e.g. exposure and full resync). */
  readonly resyncIntervalsMs: readonly number[];
  readonly leaderElection?: LeaderElectionSettings;
  readonly health?: { readonly host: string; readonly port: number };
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly shutdownGraceMs: number;
  readonly backoff?: BackoffPolicy;
  /** Background loops that run only on the leader (e.g. a sweeper); they end when their signal aborts. */
  readonly whileLeading?: readonly ((signal: AbortSignal) => Promise<void>)[];
  /** Called when leadership is lost while running; the default exits the process so it restarts clean. */
  readonly onLostLeadership?: () => void;
}

export class Manager {
  readonly informer: Informer;
  readonly controller: Controller;
  readonly #options: ManagerOptions;
  readonly #elector: LeaderElector | undefined;
  readonly #abort = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];
  #health: HealthServer | undefined;
  #leading: Promise<void> | undefined;
  #background: Promise<void>[] = [];

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.controller = new Controller({
      name: options.controllerName,
      reconciler: options.reconciler,
      concurrency: options.concurrency,
      metrics: options.metrics,
      log: options.log,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });
    const queue = this.controller.queue;
    this.informer = new Informer({
      client: options.client,
      path: options.collectionPath,
      log: options.log,
      // Reconcilers read the object they work on; the cache only needs what needsReconcile looks at.
      transform: metadataOnly,
      handlers: {
        onUpsert: (key, object, previous) => {
          if (needsReconcile(object, previous)) queue.add(key);
        },
        onDelete: (key) => { queue.add(key); },
      },
    });
    const settings = options.leaderElection;
    const leaderLabels = { name: options.controllerName };
    options.metrics.leader.set(leaderLabels, settings === undefined ? 1 : 0);
    this.#elector =
      settings === undefined
        ? undefined
        : new LeaderElector({
            client: options.client,
            log: options.log,
            ...settings,
            onChange: (leading) => { options.metrics.leader.set(leaderLabels, leading ? 1 : 0); },
          });
  }

  /** Starts everything; returns once the endpoints are up. Workers start when this replica leads. */
  async start(): Promise<void> {
    const { health } = this.#options;
    if (health !== undefined) {
      this.#health = await startHealthServer({
        ...health,
        registry: this.#options.metrics.registry,
        isReady: () => this.informer.hasSynced(),
      });
    }
    this.informer.start();
    this.#leading = this.#lead().catch((error: unknown) => {
      if (!this.#abort.signal.aborted) this.#options.log.error({ err: error }, "leader loop failed");
    });
  }

  get healthPort(): number | undefined {
    return this.#health?.port;
  }

  isLeader(): boolean {
    return this.#elector?.isLeader() ?? true;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    for (const timer of this.#timers) clearInterval(timer);
    await this.controller.stop(this.#options.shutdownGraceMs);
    await this.#leading;
    await Promise.allSettled(this.#background);
    await this.informer.stop();
    await this.#elector?.release();
    await this.#health?.close();
  }

  async #lead(): Promise<void> {
    const signal = this.#abort.signal;
    const stopped = (): boolean => signal.aborted;
    await this.#elector?.acquire(signal);
    await this.informer.waitForSync();
    if (stopped()) return;
    this.controller.start();
    this.#background = (this.#options.whileLeading ?? []).map((loop) => loop(signal));
    for (const interval of this.#options.resyncIntervalsMs) {
      const timer = setInterval(() => {
        for (const key of this.informer.keys()) this.controller.queue.add(key);
      }, interval);
      timer.unref();
      this.#timers.push(timer);
    }
    if (this.#elector === undefined) return;
    await this.#elector.holdUntilLost(signal);
    if (stopped()) return;
    const onLost = this.#options.onLostLeadership ?? (() => process.exit(1));
    onLost();
  }
}

/**
 * Status-only updates (our own writes, mostly) do not need a reconcile; spec changes, deletion, and changes to
 * finalizers, labels or annotations do.
 */
export function needsReconcile(object: KubeObject, previous: KubeObject | undefined): boolean {
  if (previous === undefined) return true;
  const now = object.metadata;
  const before = previous.metadata;
  return (
    now.generation !== before.generation ||
    now.deletionTimestamp !== before.deletionTimestamp ||
    !deepEqual(now.finalizers, before.finalizers) ||
    !deepEqual(now.labels, before.labels) ||
    !deepEqual(now.annotations, before.annotations)
  );
}
