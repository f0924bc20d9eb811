// The status of each SecuredContentClass: Accepted (True when the operator can use it, False with the reason
// when it cannot) and resourceCount. It runs on the leader only, over its own work queue keyed by class name.
import type { Logger } from "pino";
import { classConditionTypes, defaultClassAnnotation, securedContentClassStatusSchema, type SecuredContentClassStatus } from "../api/index.ts";
import { Controller } from "../controller/controller.ts";
import type { ControllerMetrics } from "../controller/controller-metrics.ts";
import type { ConditionUpdate } from "../controller/conditions.ts";
import { done, type Reconciler, type ReconcileRequest, type ReconcileResult } from "../controller/reconciler.ts";
import { nextStatus } from "../controller/status.ts";
import { isConflict, isNotFound } from "../k8s/errors.ts";
import { kubeObjectSchema, type KubeObject } from "../k8s/objects.ts";
import { contentTypes, type KubeRestClient } from "../k8s/rest-client.ts";
import { createMergePatch } from "../util/merge-patch.ts";
import { isDefaultClass } from "../tenancy/admission.ts";
import { classCollectionPath, classEntryOf, type ClassAdmission } from "./class-admission.ts";

export interface ClassStatusOptions {
  readonly client: KubeRestClient;
  readonly admission: ClassAdmission;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly shutdownGraceMs: number;
  readonly now?: () => Date;
}

/** The Accepted condition of a class, from its cached object and the other classes. */
export function acceptedCondition(object: KubeObject, defaultClasses: readonly string[]): ConditionUpdate {
  const entry = classEntryOf(object);
  const generation = object.metadata.generation === undefined ? {} : { observedGeneration: object.metadata.generation };
  if (entry.spec === undefined) {
    return { type: classConditionTypes.accepted, status: "False", reason: "InvalidSpec", message: entry.invalid ?? "the class does not parse", ...generation };
  }
  const notes: string[] = [];
  if (isDefaultClass(entry) && defaultClasses.length > 1) {
    notes.push(
      `${String(defaultClasses.length)} classes are annotated ${defaultClassAnnotation} (${defaultClasses.join(", ")}): ` +
        "resources without spec.className are refused until one remains",
    );
  }
  if (entry.spec.aws?.roleArn !== undefined) notes.push(`its resources are managed as ${entry.spec.aws.roleArn}, assumed through STS`);
  const message = ["the operator uses this class", ...notes].join("; ");
  return { type: classConditionTypes.accepted, status: "True", reason: "Accepted", message, ...generation };
}

class ClassStatusReconciler implements Reconciler {
  readonly #options: ClassStatusOptions;

  constructor(options: ClassStatusOptions) {
    this.#options = options;
  }

  async reconcile(request: ReconcileRequest): Promise<ReconcileResult> {
    const { admission, client } = this.#options;
    const object = admission.classes.get(request.name);
    if (object === undefined) return done;
    const defaults = admission.classEntries().filter(isDefaultClass).map((entry) => entry.name).sort();
    const parsedStatus = securedContentClassStatusSchema.safeParse(object["status"]);
    const current: SecuredContentClassStatus | undefined = parsedStatus.success ? parsedStatus.data : undefined;
    const now = this.#options.now?.() ?? new Date();
    const next = nextStatus<SecuredContentClassStatus>(
      current,
      { fields: { resourceCount: admission.resourceCount(request.name) }, conditions: [acceptedCondition(object, defaults)] },
      object.metadata.generation,
      now,
    );
    if (next === undefined) return done;
    try {
      await client.request({
        method: "PATCH",
        path: `${classCollectionPath}/${encodeURIComponent(request.name)}/status`,
        contentType: contentTypes.mergePatch,
        body: { metadata: { resourceVersion: object.metadata.resourceVersion }, status: createMergePatch(current ?? {}, next) },
        schema: kubeObjectSchema,
      });
    } catch (error) {
      if (isNotFound(error)) return done;
      // The cache was behind the class; the watch brings the newer one and this runs again.
      if (isConflict(error)) return { requeueAfterMs: 500 };
      throw error;
    }
    return done;
  }
}

/** The class status controller: its queue takes class names; `run` works it while this replica leads. */
export class ClassStatusController {
  readonly controller: Controller;
  readonly #options: ClassStatusOptions;

  constructor(options: ClassStatusOptions) {
    this.#options = options;
    this.controller = new Controller({
      name: "securedcontentclass",
      reconciler: new ClassStatusReconciler(options),
      concurrency: 1,
      metrics: options.metrics,
      log: options.log.child({ controller: "securedcontentclass" }),
    });
  }

  /** Looks at the class again (its spec, the default classes, or the resources using it changed). */
  enqueue(className: string): void {
    this.controller.queue.add(className);
  }

  /** Runs until the signal aborts (leadership ends or the operator stops). */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.#options.admission.waitForSync(signal);
    } catch {
      return;
    }
    for (const name of this.#options.admission.classes.keys()) this.enqueue(name);
    this.controller.start();
    await new Promise<void>((resolveStop) => {
      if (signal.aborted) resolveStop();
      signal.addEventListener("abort", () => { resolveStop(); }, { once: true });
    });
    await this.controller.stop(this.#options.shutdownGraceMs);
  }
}
