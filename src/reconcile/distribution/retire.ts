// Retiring the distribution: drop the association and disable it, wait until that is deployed, then delete it
// with IfMatch. Each call takes one step and says what it waits for, so deletion can stop and resume anywhere.
import { DeleteDistributionCommand, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { isAwsError } from "../../aws/errors.ts";
import type { StepContext } from "../common/context.ts";
import { disabledForDeletion, isCallerReferenceOf, needsDisabling } from "./desired.ts";
import { findOwnedDistributions, getDistribution, notOursNotice, type LiveDistribution } from "./read.ts";

/**
 * The distribution recorded in status while it exists and its caller reference shows it was created for this
 * resource. Otherwise, as after a crash right after it was created, a replacement whose id never reached
 * status, or a status someone else wrote, those in front of the bucket whose caller reference is ours. Status is
 * only a hint: an id in it that is not ours is reported and never touched.
 */
async function distributionsToRetire(ctx: StepContext): Promise<LiveDistribution[]> {
  const recorded = ctx.resource.status?.distribution?.id;
  const live = recorded === undefined ? undefined : await getDistribution(ctx, recorded);
  if (live !== undefined && isCallerReferenceOf(live.config.CallerReference, ctx.resource.metadata.uid)) return [live];
  if (live !== undefined) ctx.notices.push(notOursNotice());
  return findOwnedDistributions(ctx);
}


/** Conflicts and stale ETags mean "not yet": look again later. */
function notYet(error: unknown): boolean {
  return isAwsError(error, "Conflict") || isAwsError(error, "PreconditionFailed");
}

/** One step of retiring a distribution. Returns what deletion waits for, or undefined once it is gone. */
async function retireOne(ctx: StepContext, live: LiveDistribution): Promise<string | undefined> {
  const { id, status } = live.state;
  if (needsDisabling(live.config)) {
    try {
      await ctx.aws
        .cloudFront()
        .send(new UpdateDistributionCommand({ Id: id, IfMatch: live.etag, DistributionConfig: disabledForDeletion(live.config) }), { abortSignal: ctx.signal });
    } catch (error) {
      if (notYet(error)) return "a concurrent change to the distribution";
      throw error;
    }
    ctx.notices.push({ kind: "deleted", reason: "DistributionDisabled", message: `disabled distribution ${id} and removed its edge function association` });
    return `distribution ${id} to be disabled and deployed`;
  }
  if (status !== "Deployed") return `distribution ${id} to finish deploying before it can be deleted`;
  try {
    await ctx.aws.cloudFront().send(new DeleteDistributionCommand({ Id: id, IfMatch: live.etag }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    if (notYet(error)) return `distribution ${id} to be deletable`;
    throw error;
  }
  ctx.notices.push({ kind: "deleted", reason: "DistributionDeleted", message: `deleted distribution ${id}` });
  return undefined;
}

/** Retires every distribution of this resource, one step each. Returns what deletion waits for, if anything. */
export async function retireDistributions(ctx: StepContext): Promise<string | undefined> {
  for (const live of await distributionsToRetire(ctx)) {
    const waitingFor = await retireOne(ctx, live);
    if (waitingFor !== undefined) return waitingFor;
  }
  return undefined;
}
