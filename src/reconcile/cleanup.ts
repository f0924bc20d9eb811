// Deletion of a SecuredContentBucket's AWS resources, as a sequence that can stop and resume at any point:
// drop the association and disable the distribution, wait until that is Deployed, delete it with IfMatch,
// delete the origin access control, mark the edge function for the sweeper (Lambda@Edge replicas linger for
// hours), remove only our policy statement and our claim. Block Public Access stays on; the bucket and its
// objects are never deleted. With deletionPolicy Retain, only the claim is released.
import {
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  GetDistributionCommand,
  GetOriginAccessControlCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { GetFunctionCommand, TagResourceCommand } from "@aws-sdk/client-lambda";
import { toAwsError, type AwsError } from "../aws/errors.ts";
import type { CleanupResult } from "./convergence.ts";
import { edgeFunctionName, tagKeys } from "./naming.ts";
import { removeBucketPolicyStatement } from "./steps/bucket-exposure.ts";
import { releaseBucket } from "./steps/claim.ts";
import type { StepContext } from "./steps/context.ts";
import { findOwnedDistributionIds } from "./steps/distribution.ts";
import { findOriginAccessControlId } from "./steps/origin-access-control.ts";

export interface CleanupOptions {
  readonly deployingRequeueMs: number;
}

/** The live config, disabled and without the viewer-request association; everything else as it is. */
export function disabledForDeletion(config: DistributionConfig): DistributionConfig {
  return {
    ...config,
    Enabled: false,
    DefaultCacheBehavior: { ...config.DefaultCacheBehavior, LambdaFunctionAssociations: { Quantity: 0, Items: [] } } as DistributionConfig["DefaultCacheBehavior"],
  };
}

export async function cleanUpAws(ctx: StepContext, options: CleanupOptions): Promise<CleanupResult> {
  if (ctx.resource.spec.deletionPolicy === "Retain") {
    await releaseBucket(ctx);
    ctx.notices.push({ type: "Normal", reason: "Retained", message: "deletionPolicy is Retain: AWS resources were left in place and the bucket claim released" });
    return { complete: true, waitingFor: "", notices: ctx.notices };
  }
  for (const id of await distributionsToRetire(ctx)) {
    const waitingFor = await retireDistribution(ctx, id);
    if (waitingFor !== undefined) return { complete: false, waitingFor, requeueAfterMs: options.deployingRequeueMs, notices: ctx.notices };
  }
  const oacId = ctx.resource.status?.originAccessControlId ?? (await findOriginAccessControlId(ctx));
  if (oacId !== undefined) {
    const waitingFor = await deleteOriginAccessControl(ctx, oacId);
    if (waitingFor !== undefined) return { complete: false, waitingFor, requeueAfterMs: options.deployingRequeueMs, notices: ctx.notices };
  }
  await markEdgeFunctionForSweeper(ctx);
  await removeBucketPolicyStatement(ctx);
  await releaseBucket(ctx);
  return { complete: true, waitingFor: "", notices: ctx.notices };
}

/**
 * The distribution recorded in status while it exists. Otherwise, as after a crash right after CreateDistribution
 * or a replacement whose id never reached status, those in front of the bucket whose caller reference is ours.
 */
async function distributionsToRetire(ctx: StepContext): Promise<string[]> {
  const recorded = ctx.resource.status?.distribution?.id;
  if (recorded !== undefined && (await distributionExists(ctx, recorded))) return [recorded];
  return findOwnedDistributionIds(ctx);
}

async function distributionExists(ctx: StepContext, id: string): Promise<boolean> {
  try {
    await ctx.aws.cloudFront().send(new GetDistributionCommand({ Id: id }), { abortSignal: ctx.signal });
    return true;
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "GetDistribution");
    if (failure.code === "NotFound") return false;
    throw failure;
  }
}

/** Returns what deletion waits for, or undefined once the distribution is gone. */
async function retireDistribution(ctx: StepContext, id: string): Promise<string | undefined> {
  const cloudFront = ctx.aws.cloudFront();
  let current;
  try {
    current = await cloudFront.send(new GetDistributionCommand({ Id: id }), { abortSignal: ctx.signal });
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "GetDistribution");
    if (failure.code === "NotFound") return undefined;
    throw failure;
  }
  const config = current.Distribution?.DistributionConfig;
  if (config === undefined) throw new Error(`GetDistribution ${id} returned no config`);
  const associations = config.DefaultCacheBehavior?.LambdaFunctionAssociations?.Quantity ?? 0;
  if (config.Enabled === true || associations > 0) {
    try {
      await cloudFront.send(new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: disabledForDeletion(config) }), { abortSignal: ctx.signal });
    } catch (error) {
      return waitOn(toAwsError(error, "cloudfront", "UpdateDistribution"), "a concurrent change to the distribution");
    }
    ctx.notices.push({ type: "Normal", reason: "DistributionDisabled", message: `disabled distribution ${id} and removed its edge function association` });
    return `distribution ${id} to be disabled and deployed`;
  }
  if (current.Distribution?.Status !== "Deployed") return `distribution ${id} to finish deploying before it can be deleted`;
  try {
    await cloudFront.send(new DeleteDistributionCommand({ Id: id, IfMatch: current.ETag }), { abortSignal: ctx.signal });
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "DeleteDistribution");
    if (failure.code === "NotFound") return undefined;
    return waitOn(failure, `distribution ${id} to be deletable`);
  }
  ctx.notices.push({ type: "Normal", reason: "DistributionDeleted", message: `deleted distribution ${id}` });
  return undefined;
}

async function deleteOriginAccessControl(ctx: StepContext, id: string): Promise<string | undefined> {
  const cloudFront = ctx.aws.cloudFront();
  try {
    const current = await cloudFront.send(new GetOriginAccessControlCommand({ Id: id }), { abortSignal: ctx.signal });
    await cloudFront.send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: current.ETag }), { abortSignal: ctx.signal });
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "DeleteOriginAccessControl");
    if (failure.code === "NotFound") return undefined;
    return waitOn(failure, `origin access control ${id} to be released by its distribution`);
  }
  ctx.notices.push({ type: "Normal", reason: "OriginAccessControlDeleted", message: `deleted origin access control ${id}` });
  return undefined;
}

/** Lambda refuses to delete an edge function for hours after disassociation; the sweeper retries that. */
async function markEdgeFunctionForSweeper(ctx: StepContext): Promise<void> {
  const lambda = ctx.aws.lambda();
  const name = edgeFunctionName(ctx.owner);
  let arn: string | undefined;
  try {
    arn = (await lambda.send(new GetFunctionCommand({ FunctionName: name }), { abortSignal: ctx.signal })).Configuration?.FunctionArn;
  } catch (error) {
    const failure = toAwsError(error, "lambda", "GetFunction");
    if (failure.code === "NotFound") return;
    throw failure;
  }
  if (arn === undefined) return;
  try {
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { [tagKeys.pendingDeletion]: new Date().toISOString().replace(/:/g, "-") } }), { abortSignal: ctx.signal });
  } catch (error) {
    throw toAwsError(error, "lambda", "TagResource");
  }
  ctx.notices.push({ type: "Normal", reason: "EdgeFunctionPendingDeletion", message: `edge function ${name} is marked for deletion once CloudFront releases its replicas` });
}

/** Conflicts and stale ETags mean "not yet": wait and look again. Anything else is a real failure. */
function waitOn(failure: AwsError, what: string): string {
  if (failure.code === "Conflict" || failure.code === "PreconditionFailed") return what;
  throw failure;
}
