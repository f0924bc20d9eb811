// Deletion of a SecuredContentBucket's AWS resources, in an order that can stop and resume at any point: the
// distribution (association dropped and disabled, then deleted once that is deployed), the shared response
// headers policy when no other distribution uses it, the origin access control, the edge function marked for
// the sweeper (Lambda@Edge replicas linger for hours), then only our policy statement and our claim. Block
// Public Access stays on; the bucket and its objects are never deleted.
// With deletionPolicy Retain, everything stays, the claim included: the retained distribution still reads the
// bucket through our statement, so the bucket is still exposed to it, and a new claimant must see the bucket
// held (OwnershipConflict) rather than certify that only its own distribution reads. An administrator releases
// it by removing the claim tag and the statement (README, "deletionPolicy").
import { removeBucketPolicyStatement } from "./bucket/exposure.ts";
import { releaseBucket } from "./bucket/claim.ts";
import type { RetireResult } from "./convergence.ts";
import { retireDistributions } from "./distribution/retire.ts";
import { markEdgeFunctionForSweeper } from "./edge-function/retire.ts";
import { retireOriginAccessControl } from "./origin-access-control/retire.ts";
import { retireResponseHeadersPolicy } from "./response-headers-policy/retire.ts";
import type { StepContext } from "./common/context.ts";

export async function retireAws(ctx: StepContext, options: { readonly deployingRequeueMs: number }): Promise<RetireResult> {
  const waiting = (waitingFor: string): RetireResult => ({ complete: false, waitingFor, requeueAfterMs: options.deployingRequeueMs, notices: ctx.notices });
  if (ctx.resource.spec.deletionPolicy === "Retain") {
    ctx.notices.push({
      kind: "deleted",
      reason: "Retained",
      message: "deletionPolicy is Retain: AWS resources were left in place, and the bucket keeps its claim and read grant until an administrator releases them",
    });
    return { complete: true, waitingFor: "", notices: ctx.notices };
  }
  const distribution = await retireDistributions(ctx);
  if (distribution !== undefined) return waiting(distribution);
  await retireResponseHeadersPolicy(ctx);
  const originAccessControl = await retireOriginAccessControl(ctx);
  if (originAccessControl !== undefined) return waiting(originAccessControl);
  await markEdgeFunctionForSweeper(ctx);
  await removeBucketPolicyStatement(ctx);
  await releaseBucket(ctx);
  return { complete: true, waitingFor: "", notices: ctx.notices };
}
