// The contract between the SecuredContentBucket reconciler and the AWS steps behind it. The reconciler owns
// the Kubernetes side (parsing, the finalizer, status, events); a Convergence owns AWS.
import type { SecuredContentBucket } from "../api/index.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { EventType } from "../controller/events.ts";

export interface Notice {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  /** Set when the notice reports a correction of drift, naming what drifted (counted in a metric). */
  readonly drift?: string;
}

export interface ConvergenceResult {
  /** One condition per step (BucketSecured, OriginAccessReady, ...). */
  readonly steps: readonly ConditionUpdate[];
  /** Status fields to set (url, distribution, edgeFunction, ...); null removes a field. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly progress: Progress;
  readonly requeueAfterMs?: number;
  /** Corrections and other notable changes, each recorded as an Event. */
  readonly notices: readonly Notice[];
}

export interface CleanupResult {
  /** True once nothing is left to wait for: the finalizer may go. */
  readonly complete: boolean;
  /** What is being waited for, shown in status while not complete. */
  readonly waitingFor: string;
  readonly requeueAfterMs?: number;
  readonly notices: readonly Notice[];
}

export interface Convergence {
  converge(resource: SecuredContentBucket, signal: AbortSignal): Promise<ConvergenceResult>;
  cleanUp(resource: SecuredContentBucket, signal: AbortSignal): Promise<CleanupResult>;
}
