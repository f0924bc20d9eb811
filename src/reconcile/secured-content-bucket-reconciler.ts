// Reconciles one SecuredContentBucket: parse it with the API schema, keep the finalizer, let the
// Convergence bring AWS to the spec (or clean up on deletion), and report the outcome in status and Events.
import type { Logger } from "pino";
import { parseSecuredContentBucket, securedContentBucketFinalizer, securedContentBucketResource, type SecuredContentBucket } from "../api/index.ts";
import { kstatusConditions, type ConditionUpdate, type Progress } from "../controller/conditions.ts";
import type { EventSink, ObjectReference } from "../controller/events.ts";
import { ensureFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from "../controller/finalizers.ts";
import { done, isTerminal, TerminalError, type Reconciler, type ReconcileRequest, type ReconcileResult } from "../controller/reconciler.ts";
import { nextStatus, type StatusLike } from "../controller/status.ts";
import { isNotFound } from "../k8s/errors.ts";
import type { KubeObject } from "../k8s/objects.ts";
import type { ResourceClient } from "../k8s/resource-client.ts";
import { createMergePatch } from "../util/merge-patch.ts";
import type { Convergence, Notice } from "./convergence.ts";

export interface SecuredContentBucketReconcilerOptions {
  readonly resources: ResourceClient;
  readonly convergence: Convergence;
  readonly events: EventSink;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Called for every drift correction a notice reports. */
  readonly onDrift?: (kind: string) => void;
}

export class SecuredContentBucketReconciler implements Reconciler {
  readonly #options: SecuredContentBucketReconcilerOptions;

  constructor(options: SecuredContentBucketReconcilerOptions) {
    this.#options = options;
  }

  async reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    let object: KubeObject;
    try {
      object = await this.#options.resources.get(request.namespace, request.name, signal);
    } catch (error) {
      if (isNotFound(error)) return done;
      throw error;
    }
    const parsed = parseSecuredContentBucket(object);
    if (!parsed.ok) return this.#rejectInvalidSpec(object, parsed.error.message);
    if (isBeingDeleted(object)) return this.#delete(object, parsed.value, signal);

    // The finalizer goes on before anything is created in AWS, so nothing can be orphaned.
    object = await ensureFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
    const resource = parsed.value;
    try {
      const result = await this.#options.convergence.converge(resource, signal);
      await this.#writeStatus(object, result.fields, [...result.steps, ...kstatusConditions(result.progress, resource.metadata.generation)]);
      this.#notify(object, result.notices);
      return result.requeueAfterMs === undefined ? done : { requeueAfterMs: result.requeueAfterMs };
    } catch (error) {
      await this.#reportFailure(object, error);
      throw error;
    }
  }

  async #rejectInvalidSpec(object: KubeObject, message: string): Promise<ReconcileResult> {
    if (isBeingDeleted(object) && !createdAnything(object)) {
      // Nothing was ever created for it, so there is nothing to clean up: let it go.
      await removeFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
      return done;
    }
    const progress: Progress = { state: "stalled", reason: "InvalidSpec", message };
    // The Event marks the transition; resyncs of an unchanged invalid object write nothing.
    if (await this.#writeStatus(object, {}, kstatusConditions(progress, object.metadata.generation))) {
      this.#notify(object, [{ type: "Warning", reason: "InvalidSpec", message }]);
    }
    throw new TerminalError("InvalidSpec", message);
  }

  async #delete(object: KubeObject, resource: SecuredContentBucket, signal: AbortSignal): Promise<ReconcileResult> {
    if (!hasFinalizer(object, securedContentBucketFinalizer)) return done;
    const result = await this.#options.convergence.cleanUp(resource, signal);
    this.#notify(object, result.notices);
    if (result.complete) {
      await removeFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
      return done;
    }
    const progress: Progress = { state: "reconciling", reason: "Deleting", message: `deleting: waiting for ${result.waitingFor}` };
    await this.#writeStatus(object, {}, kstatusConditions(progress, object.metadata.generation));
    return result.requeueAfterMs === undefined ? done : { requeueAfterMs: result.requeueAfterMs };
  }

  /** Terminal failures stall the resource; others show it is still being worked on and are retried. */
  async #reportFailure(object: KubeObject, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const terminal = isTerminal(error);
    const reason = terminal && error instanceof Error && "reason" in error && typeof error.reason === "string" ? error.reason : "RetryingAfterError";
    const progress: Progress = terminal ? { state: "stalled", reason, message } : { state: "reconciling", reason, message };
    let changed = false;
    try {
      changed = await this.#writeStatus(object, {}, kstatusConditions(progress, object.metadata.generation));
    } catch (statusError) {
      this.#options.log.warn({ err: String(statusError), key: keyOf(object) }, "could not report the failure in status");
    }
    if (terminal && changed) this.#notify(object, [{ type: "Warning", reason, message }]);
  }

  /** Writes status when it would change; returns whether it did. */
  async #writeStatus(object: KubeObject, fields: Readonly<Record<string, unknown>>, conditions: readonly ConditionUpdate[]): Promise<boolean> {
    const current = object["status"] as StatusLike | undefined;
    const now = this.#options.now?.() ?? new Date();
    const next = nextStatus(current, { fields, conditions }, object.metadata.generation, now);
    if (next === undefined) return false;
    await this.#options.resources.patchStatus(object, createMergePatch(current ?? {}, next));
    return true;
  }

  #notify(object: KubeObject, notices: readonly Notice[]): void {
    const ref = referenceTo(object);
    for (const notice of notices) {
      this.#options.events.record(ref, notice.type, notice.reason, notice.message);
      if (notice.drift !== undefined) this.#options.onDrift?.(notice.drift);
    }
  }
}

function referenceTo(object: KubeObject): ObjectReference {
  return {
    apiVersion: securedContentBucketResource.apiVersion,
    kind: securedContentBucketResource.kind,
    namespace: object.metadata.namespace ?? "",
    name: object.metadata.name,
    uid: object.metadata.uid,
  };
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

/** Whether status records any AWS resource created for this object. */
function createdAnything(object: KubeObject): boolean {
  const status = object["status"] as Record<string, unknown> | undefined;
  return status !== undefined && ["distribution", "originAccessControlId", "edgeFunction"].some((field) => status[field] !== undefined);
}
