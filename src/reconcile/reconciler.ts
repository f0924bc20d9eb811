// Reconciles one SecuredContentBucket: parse it with the API schema, keep the finalizer, let the Convergence
// bring AWS to the spec (or retire what it made, on deletion), and report the outcome in status and Events.
import type { Logger } from "pino";
import {
  parseSecuredContentBucket,
  securedContentBucketFinalizer,
  securedContentBucketResource,
  securedContentBucketStatusSchema,
  type SecuredContentBucket,
  type SecuredContentBucketStatus,
} from "../api/index.ts";
import { kstatusConditions, type ConditionUpdate, type Progress } from "../controller/conditions.ts";
import type { EventSink, ObjectReference } from "../controller/events.ts";
import { ensureFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from "../controller/finalizers.ts";
import { done, type Reconciler, type ReconcileRequest, type ReconcileResult } from "../controller/reconciler.ts";
import { nextStatus } from "../controller/status.ts";
import { failureReason, isPermanent, messageOf, PermanentError } from "../errors.ts";
import { isNotFound } from "../k8s/errors.ts";
import type { KubeObject } from "../k8s/objects.ts";
import type { ResourceClient } from "../k8s/resource-client.ts";
import { createMergePatch } from "../util/merge-patch.ts";
import type { ClassAdmission } from "./class-admission.ts";
import type { ClassGrant, Convergence, ObservedFields } from "./convergence.ts";
import { eventsFor } from "./events.ts";
import { keyOf, type Notice } from "./common/context.ts";

export interface SecuredContentBucketReconcilerOptions {
  readonly resources: ResourceClient;
  readonly convergence: Convergence;
  readonly events: EventSink;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Called for every drift correction a notice reports. */
  readonly onDrift?: (kind: string) => void;
  /**
   * Admission by SecuredContentClass (class-admission.ts), checked before the finalizer and any AWS call.
   * Without it every resource is admitted as it is and the bucket owners' consent is required.
   */
  readonly admission?: Pick<ClassAdmission, "admit" | "forDeletion" | "forget">;
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
      if (isNotFound(error)) {
        this.#options.admission?.forget(request.key);
        return done;
      }
      throw error;
    }
    const parsed = parseSecuredContentBucket(object);
    if (!parsed.ok) return this.#rejectInvalidSpec(object, parsed.error.message);
    const resource = parsed.value;
    const { admission } = this.#options;
    if (isBeingDeleted(object)) return this.#delete(object, (await admission?.forDeletion(object, resource, signal)) ?? { resource }, signal);

    // Tenancy: the class's rules hold before the finalizer goes on and before any AWS call; a refusal stalls.
    let admitted;
    try {
      admitted = (await admission?.admit(object, resource, signal)) ?? { resource, grant: undefined };
    } catch (error) {
      await this.#reportFailure(object, resource.status, error);
      throw error;
    }

    // The finalizer goes on before anything is created in AWS, so nothing can be orphaned.
    object = await ensureFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
    try {
      const result = await this.#options.convergence.converge(admitted.resource, signal, admitted.grant);
      await this.#writeStatus(object, resource.status, result.fields, [...result.conditions, ...kstatusConditions(result.progress, resource.metadata.generation)]);
      this.#notify(object, result.notices);
      return result.requeueAfterMs === undefined ? done : { requeueAfterMs: result.requeueAfterMs };
    } catch (error) {
      await this.#reportFailure(object, resource.status, error);
      throw error;
    }
  }

  async #rejectInvalidSpec(object: KubeObject, message: string): Promise<ReconcileResult> {
    const status = storedStatus(object);
    if (isBeingDeleted(object) && !createdAnything(status)) {
      // Nothing was ever created for it, so there is nothing to clean up: let it go.
      await removeFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
      return done;
    }
    const progress: Progress = { state: "stalled", reason: "InvalidSpec", message };
    // The Event marks the transition; resyncs of an unchanged invalid object write nothing.
    if (await this.#writeStatus(object, status, {}, kstatusConditions(progress, object.metadata.generation))) {
      this.#options.events.record(referenceTo(object), "Warning", "InvalidSpec", message);
    }
    throw new PermanentError("InvalidSpec", message);
  }

  async #delete(object: KubeObject, admitted: { readonly resource: SecuredContentBucket; readonly grant?: ClassGrant | undefined }, signal: AbortSignal): Promise<ReconcileResult> {
    if (!hasFinalizer(object, securedContentBucketFinalizer)) return done;
    const { resource } = admitted;
    const result = await this.#options.convergence.retire(resource, signal, admitted.grant);
    this.#notify(object, result.notices, { deletionComplete: result.complete });
    if (result.complete) {
      await removeFinalizer(this.#options.resources, object, securedContentBucketFinalizer);
      return done;
    }
    const progress: Progress = { state: "reconciling", reason: "Deleting", message: `deleting: waiting for ${result.waitingFor}` };
    await this.#writeStatus(object, resource.status, {}, kstatusConditions(progress, object.metadata.generation));
    return result.requeueAfterMs === undefined ? done : { requeueAfterMs: result.requeueAfterMs };
  }

  /** Permanent failures stall the resource; others show it is still being worked on and are retried. */
  async #reportFailure(object: KubeObject, status: SecuredContentBucketStatus | undefined, error: unknown): Promise<void> {
    const message = messageOf(error);
    const permanent = isPermanent(error);
    const reason = failureReason(error);
    const progress: Progress = permanent ? { state: "stalled", reason, message } : { state: "reconciling", reason, message };
    let changed = false;
    try {
      changed = await this.#writeStatus(object, status, {}, kstatusConditions(progress, object.metadata.generation));
    } catch (statusError) {
      this.#options.log.warn({ err: statusError, key: keyOf(object) }, "could not report the failure in status");
    }
    if (permanent && changed) this.#options.events.record(referenceTo(object), "Warning", reason, message);
  }

  /** Writes status when it would change; returns whether it did. */
  async #writeStatus(
    object: KubeObject,
    current: SecuredContentBucketStatus | undefined,
    fields: ObservedFields,
    conditions: readonly ConditionUpdate[],
  ): Promise<boolean> {
    const now = this.#options.now?.() ?? new Date();
    const next = nextStatus(current, { fields, conditions }, object.metadata.generation, now);
    if (next === undefined) return false;
    await this.#options.resources.patchStatus(object, createMergePatch(current ?? {}, next));
    return true;
  }

  #notify(object: KubeObject, notices: readonly Notice[], options: { readonly deletionComplete?: boolean } = {}): void {
    const ref = referenceTo(object);
    for (const event of eventsFor(notices, options)) this.#options.events.record(ref, event.type, event.reason, event.message);
    for (const notice of notices) if (notice.drift !== undefined) this.#options.onDrift?.(notice.drift);
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

/** The status of an object whose spec did not parse, read on its own; unreadable counts as none. */
function storedStatus(object: KubeObject): SecuredContentBucketStatus | undefined {
  const parsed = securedContentBucketStatusSchema.safeParse(object["status"]);
  return parsed.success ? parsed.data : undefined;
}

/** Whether status records any AWS resource created for this object. */
function createdAnything(status: SecuredContentBucketStatus | undefined): boolean {
  return status?.distribution !== undefined || status?.originAccessControlId !== undefined || status?.edgeFunction !== undefined;
}
