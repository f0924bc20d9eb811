// Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules: a lease is taken over only when
// its record has not changed for a whole lease duration as measured by our own clock (so clock skew between
// replicas does not matter), a leader that cannot renew within the renew deadline steps down, and a leader
// that shuts down releases the lease so a standby takes over at once.
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { isConflict, isNotFound } from "../k8s/errors.ts";
import type { KubeRestClient } from "../k8s/rest-client.ts";
import { deepEqual } from "../util/deep-equal.ts";

export interface LeaderElectionOptions {
  readonly client: KubeRestClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly log: Logger;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Called on every change of leadership (for the leader metric and readiness). */
  readonly onChange?: (leading: boolean) => void;
}

const leaseSpecSchema = z.looseObject({
  holderIdentity: z.string().nullish(),
  leaseDurationSeconds: z.number().int().nullish(),
  acquireTime: z.string().nullish(),
  renewTime: z.string().nullish(),
  leaseTransitions: z.number().int().nullish(),
});

const leaseSchema = z.looseObject({
  metadata: z.looseObject({ resourceVersion: z.string() }),
  spec: leaseSpecSchema.optional(),
});

type LeaseSpec = z.infer<typeof leaseSpecSchema>;

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  readonly #options: LeaderElectionOptions;
  readonly #durationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  #observed: { spec: LeaseSpec | undefined; at: number } = { spec: undefined, at: 0 };
  #leading = false;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.#durationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** Resolves when this instance holds the lease, or rejects when the signal aborts first. */
  async acquire(signal: AbortSignal): Promise<void> {
    this.#options.log.info({ lease: this.#leaseName(), identity: this.#options.identity }, "waiting for leadership");
    for (;;) {
      signal.throwIfAborted();
      if (await this.#tryAcquireOrRenew()) {
        this.#setLeading(true);
        this.#options.log.info({ lease: this.#leaseName() }, "became leader");
        return;
      }
      await sleep(this.#retryMs * (1 + Math.random() * 0.2), undefined, { signal });
    }
  }

  /**
   * Renews until the signal aborts (resolves) or renewal fails for longer than the renew deadline
   * (resolves after stepping down). Callers treat a return while still running as lost leadership.
   */
  async holdUntilLost(signal: AbortSignal): Promise<void> {
    const stopped = (): boolean => signal.aborted;
    let lastRenewal = Date.now();
    while (!stopped()) {
      await sleep(this.#retryMs, undefined, { signal }).catch(() => undefined);
      if (stopped()) return;
      if (await this.#tryAcquireOrRenew()) {
        lastRenewal = Date.now();
      } else if (Date.now() - lastRenewal > this.#renewDeadlineMs) {
        this.#setLeading(false);
        this.#options.log.error({ lease: this.#leaseName() }, "lost leadership");
        return;
      }
    }
  }

  /** Gives the lease up so a standby can take over without waiting for it to expire. */
  async release(): Promise<void> {
    if (!this.#leading) return;
    this.#setLeading(false);
    try {
      const lease = await this.#get();
      if (lease?.spec?.holderIdentity !== this.#options.identity) return;
      const now = microTime(new Date());
      await this.#put(lease.metadata.resourceVersion, {
        ...lease.spec,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      });
      this.#options.log.info({ lease: this.#leaseName() }, "released leadership");
    } catch (error) {
      this.#options.log.warn({ err: error, lease: this.#leaseName() }, "could not release the lease");
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    const identity = this.#options.identity;
    const fresh: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#durationMs / 1000),
      acquireTime: microTime(new Date(now)),
      renewTime: microTime(new Date(now)),
      leaseTransitions: 0,
    };
    try {
      const lease = await this.#get();
      if (lease === undefined) {
        await this.#create(fresh);
        return true;
      }
      const spec = lease.spec ?? {};
      if (!deepEqual(spec, this.#observed.spec)) this.#observed = { spec, at: now };
      const holder = spec.holderIdentity ?? "";
      const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== "" && holder !== identity && this.#observed.at + durationMs > now) return false;
      const next: LeaseSpec =
        holder === identity
          ? { ...spec, renewTime: fresh.renewTime, leaseDurationSeconds: fresh.leaseDurationSeconds }
          : { ...fresh, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
      await this.#put(lease.metadata.resourceVersion, next);
      this.#observed = { spec: next, at: now };
      return true;
    } catch (error) {
      if (!isConflict(error)) this.#options.log.warn({ err: error, lease: this.#leaseName() }, "lease update failed");
      return false;
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#options.onChange?.(leading);
  }

  #leaseName(): string {
    return `${this.#options.namespace}/${this.#options.name}`;
  }

  #path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#options.namespace)}/leases`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async #get(): Promise<z.infer<typeof leaseSchema> | undefined> {
    try {
      return await this.#options.client.request({ method: "GET", path: this.#path(this.#options.name), schema: leaseSchema });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async #create(spec: LeaseSpec): Promise<void> {
    await this.#options.client.request({
      method: "POST",
      path: this.#path(),
      body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.#options.name }, spec },
      schema: leaseSchema,
    });
  }

  async #put(resourceVersion: string, spec: LeaseSpec): Promise<void> {
    await this.#options.client.request({
      method: "PUT",
      path: this.#path(this.#options.name),
      body: {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.#options.name, namespace: this.#options.namespace, resourceVersion },
        spec,
      },
      schema: leaseSchema,
    });
  }
}
