// SecuredContentBucket objects in each state GitOps tools must tell apart, with the health Argo CD (through
// deploy/argocd/health.lua) and kstatus (through Flux's library) should read from them. Conditions are built
// with the operator's own helpers, so they have exactly the shape the operator writes.
import { type Condition, type ConditionUpdate, kstatusConditions, type Progress, setConditions } from "../../../src/controller/conditions.ts";

export type ArgoHealthStatus = "Healthy" | "Progressing" | "Degraded" | "Suspended" | "Missing" | "Unknown";
export type KstatusStatus = "InProgress" | "Failed" | "Current" | "Terminating" | "NotFound" | "Unknown";

export interface HealthSample {
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly argo: { readonly status: ArgoHealthStatus; readonly message: string };
  /** reason is that of the Reconciling or Stalled condition kstatus derives, when it derives one. */
  readonly kstatus: { readonly status: KstatusStatus; readonly reason?: string; readonly message: string };
}

const now = new Date("2026-03-01T10:00:00Z");
const domainName = "d111111abcdef8.cloudfront.net";

const stepTypes = ["BucketSecured", "OriginAccessReady", "EdgeFunctionReady", "DistributionDeployed"] as const;

interface SampleState {
  readonly generation: number;
  /** status.observedGeneration; omitted when undefined. */
  readonly observedGeneration?: number;
  readonly progress: Progress;
  /** The generation the conditions were written for; defaults to observedGeneration. */
  readonly conditionGeneration?: number;
  readonly deleting?: boolean;
}

function stepConditions(progress: Progress, generation: number | undefined): ConditionUpdate[] {
  const done = progress.state === "ready";
  return stepTypes.map((type) => ({
    type,
    status: done ? "True" : "Unknown",
    reason: done ? "InSync" : "Pending",
    message: done ? "matches the spec" : "not reconciled yet",
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  }));
}

/** A stored SecuredContentBucket whose status the operator wrote for `state`. */
export function scbObject(state: SampleState): Record<string, unknown> {
  const conditionGeneration = state.conditionGeneration ?? state.observedGeneration;
  const updates = [...stepConditions(state.progress, conditionGeneration), ...kstatusConditions(state.progress, conditionGeneration)];
  const conditions: Condition[] = setConditions([], updates, now);
  const ready = state.progress.state === "ready";
  return {
    ...scbSkeleton(state.generation),
    metadata: {
      ...scbMetadata(state.generation),
      ...(state.deleting === true ? { deletionTimestamp: "2026-03-01T10:05:00Z", finalizers: ["securedcontent.io/cleanup"] } : {}),
    },
    status: {
      ...(state.observedGeneration === undefined ? {} : { observedGeneration: state.observedGeneration }),
      ...(ready
        ? {
            url: `https://${domainName}`,
            distribution: { id: "E2QWRUHAPOMQZL", arn: "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL", domainName, status: "Deployed" },
          }
        : {}),
      conditions,
    },
  };
}

function scbMetadata(generation: number): Record<string, unknown> {
  return {
    name: "courses",
    namespace: "learning",
    uid: "0b7c7f4e-2f0e-4a57-9a55-1f1a8e0f3c11",
    resourceVersion: "4711",
    generation,
    creationTimestamp: "2026-03-01T09:55:00Z",
  };
}

/** An object as it is right after `kubectl apply`: no status yet. */
export function scbSkeleton(generation: number): Record<string, unknown> {
  return {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentBucket",
    metadata: scbMetadata(generation),
    spec: {
      bucket: { name: "simple-aws-courses-content", region: "us-east-1" },
      auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["4b3c2d1e0f5a6b7c8d9e0f1a2b"], requiredGroups: ["paid-students"] },
    },
  };
}

const deploying: Progress = { state: "reconciling", reason: "Deploying", message: "CloudFront is deploying the distribution" };
const ready: Progress = { state: "ready", reason: "Ready", message: "serving bucket simple-aws-courses-content to members of paid-students" };
const conflict: Progress = {
  state: "stalled",
  reason: "OwnershipConflict",
  message: "bucket simple-aws-courses-content is claimed by another resource; it is left untouched until that claim is released (an administrator finds the holder in the operator's log)",
};
const awkward: Progress = {
  state: "stalled",
  reason: "AccessDenied",
  message: 'AWS said "no" to cloudfront:CreateDistribution\n\tfor role \\operator\\ — añadir el permiso ✓',
};
const readyFalse: Progress = { state: "reconciling", reason: "Throttled", message: "CloudFront throttled the request; retrying" };

export const healthSamples: readonly HealthSample[] = [
  {
    name: "fresh from kubectl apply, no status yet",
    object: scbSkeleton(1),
    argo: { status: "Progressing", message: "Waiting for the operator to report status" },
    // kstatus has nothing to go on (no observedGeneration, no conditions) and assumes a resource without status is done.
    kstatus: { status: "Current", message: "Resource is current" },
  },
  {
    // What a CRD default of status.observedGeneration = -1 gives a new object, so kstatus sees it as not done.
    name: "fresh, with a placeholder status.observedGeneration of -1",
    object: { ...scbSkeleton(1), status: { observedGeneration: -1 } },
    argo: { status: "Progressing", message: "Waiting for the operator to report status" },
    kstatus: kstatusNotObserved(1, -1),
  },
  {
    name: "reconciling while CloudFront deploys",
    object: scbObject({ generation: 1, observedGeneration: 1, progress: deploying }),
    argo: { status: "Progressing", message: "Deploying: CloudFront is deploying the distribution" },
    kstatus: { status: "InProgress", reason: "Deploying", message: "CloudFront is deploying the distribution" },
  },
  {
    name: "ready for the current generation",
    object: scbObject({ generation: 3, observedGeneration: 3, progress: ready }),
    argo: { status: "Healthy", message: ready.message },
    kstatus: { status: "Current", message: "Resource is Ready" },
  },
  {
    name: "stalled by an ownership conflict",
    object: scbObject({ generation: 2, observedGeneration: 2, progress: conflict }),
    argo: { status: "Degraded", message: `OwnershipConflict: ${conflict.message}` },
    kstatus: { status: "Failed", reason: "OwnershipConflict", message: conflict.message },
  },
  notObservedYet("ready, but the spec changed since (status describes an older generation)", ready, 4),
  notObservedYet("stalled on a spec that has since been fixed", conflict, 5),
  {
    // Not something this operator writes (it sets both in one patch), but another writer could.
    name: "conditions from an older generation under a current status.observedGeneration",
    object: scbObject({ generation: 6, observedGeneration: 6, conditionGeneration: 5, progress: conflict }),
    argo: { status: "Progressing", message: "Waiting for the operator to observe generation 6" },
    // kstatus trusts status.observedGeneration and does not look at each condition's.
    kstatus: { status: "Failed", reason: "OwnershipConflict", message: conflict.message },
  },
  {
    name: "conditions from an older generation and no status.observedGeneration",
    object: scbObject({ generation: 2, conditionGeneration: 1, progress: ready }),
    argo: { status: "Progressing", message: "Waiting for the operator to observe generation 2" },
    kstatus: { status: "Current", message: "Resource is Ready" },
  },
  {
    name: "Ready False with neither Reconciling nor Stalled True",
    object: withoutTrueReconciling(scbObject({ generation: 1, observedGeneration: 1, progress: readyFalse })),
    argo: { status: "Progressing", message: `Not ready yet: Throttled: ${readyFalse.message}` },
    kstatus: { status: "InProgress", reason: "Throttled", message: readyFalse.message },
  },
  {
    name: "being deleted while CloudFront disables the distribution",
    object: scbObject({
      generation: 1,
      observedGeneration: 1,
      deleting: true,
      progress: { state: "reconciling", reason: "Deleting", message: "deleting: waiting for the distribution to be disabled" },
    }),
    // Argo CD answers "Pending deletion" itself before running a health script; the script alone says this.
    argo: { status: "Progressing", message: "Deleting: deleting: waiting for the distribution to be disabled" },
    kstatus: { status: "Terminating", message: "Resource scheduled for deletion" },
  },
  {
    name: "stalled with quotes, backslashes, a newline and non-ASCII text in the message",
    object: scbObject({ generation: 1, observedGeneration: 1, progress: awkward }),
    argo: { status: "Degraded", message: `AccessDenied: ${awkward.message}` },
    kstatus: { status: "Failed", reason: "AccessDenied", message: awkward.message },
  },
];

/** kstatus's verdict when status.observedGeneration lags metadata.generation. */
function kstatusNotObserved(generation: number, observed: number): HealthSample["kstatus"] {
  return {
    status: "InProgress",
    reason: "LatestGenerationNotObserved",
    message: `SecuredContentBucket generation is ${String(generation)}, but latest observed generation is ${String(observed)}`,
  };
}

/** Status written for the previous generation, whatever it said then: both tools must wait for the operator. */
function notObservedYet(name: string, progress: Progress, generation: number): HealthSample {
  const observed = generation - 1;
  return {
    name,
    object: scbObject({ generation, observedGeneration: observed, progress }),
    argo: { status: "Progressing", message: `Waiting for the operator to observe generation ${String(generation)} (status describes generation ${String(observed)})` },
    kstatus: kstatusNotObserved(generation, observed),
  };
}

/** The same object with its Reconciling condition turned False, leaving only Ready=False. */
function withoutTrueReconciling(object: Record<string, unknown>): Record<string, unknown> {
  const status = object["status"] as { conditions: Condition[] };
  return {
    ...object,
    status: {
      ...status,
      conditions: status.conditions.map((condition) => (condition.type === "Reconciling" ? { ...condition, status: "False" } : condition)),
    },
  };
}
