// The contract between the SecuredContentBucket reconciler and the AWS side behind it. The reconciler owns the
// Kubernetes side (parsing, the finalizer, status, Events); a Convergence owns AWS.
import type { OwnerConsent, SecuredContentBucket, SecuredContentBucketStatus } from "../api/index.ts";
import type { ConditionUpdate, Progress } from "../controller/conditions.ts";
import type { AwsIdentity } from "../aws/assume-role.ts";
import type { Notice } from "./common/context.ts";

/** The status fields AWS work fills in; conditions and observedGeneration are the reconciler's. */
export type ObservedFields = Partial<Pick<SecuredContentBucketStatus, "url" | "distribution" | "originAccessControlId" | "edgeFunction" | "responseHeadersPolicyId">>;

export interface ConvergenceResult {
  /** One condition per concern (BucketSecured, OriginAccessReady, ...). */
  readonly conditions: readonly ConditionUpdate[];
  readonly fields: ObservedFields;
  readonly progress: Progress;
  readonly requeueAfterMs?: number;
  /** Changes made, each recorded as (part of) an Event. */
  readonly notices: readonly Notice[];
}

export interface RetireResult {
  /** True once nothing is left to wait for: the finalizer may go. */
  readonly complete: boolean;
  /** What is being waited for, shown in status while not complete. */
  readonly waitingFor: string;
  readonly requeueAfterMs?: number;
  readonly notices: readonly Notice[];
}

/** What the resource's class decided beyond its spec (src/tenancy); the class's defaults are already in the spec. */
export interface ClassGrant {
  readonly ownerConsent: OwnerConsent;
  /** The identity to act as, from the class's `aws`: a role in another account and that account's edge role. */
  readonly aws?: ClassIdentity;
}

export interface ClassIdentity extends AwsIdentity {
  /** The edge functions' execution role in the role's account (Lambda passes only a role of its own account). */
  readonly edgeFunctionRoleArn?: string | undefined;
}

export interface Convergence {
  /** Without a grant, the bucket owners' consent is required. */
  converge(resource: SecuredContentBucket, signal: AbortSignal, grant?: ClassGrant): Promise<ConvergenceResult>;
  /** Without a grant (the class is gone), deletion acts as the operator's own identity. */
  retire(resource: SecuredContentBucket, signal: AbortSignal, grant?: ClassGrant): Promise<RetireResult>;
}
