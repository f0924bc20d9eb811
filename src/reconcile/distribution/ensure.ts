// The CloudFront distribution in front of the bucket. Created once per resource (the caller reference is the
// resource's uid, so a crash between create and status write finds the first one again instead of making a
// second), then kept in line by overlaying only the fields we own onto the live config, with IfMatch. One
// deleted out of band is replaced under a caller reference that names the one it replaces.
import { CreateDistributionWithTagsCommand, UpdateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { conditionTypes, type DistributionStatus } from "../../api/index.ts";
import { hasAwsCode, isAwsError, type AwsError } from "../../aws/errors.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import { inSync, waitingOn, type Notice, type StepContext, type StepOutcome } from "../common/context.ts";
import { ownershipTags } from "../common/naming.ts";
import {
  changedOwnedFields,
  desiredDistributionConfig,
  distributionInputs,
  isCallerReferenceOf,
  replacementCallerReference,
  withOwnedFields,
  type DistributionInputs,
} from "./desired.ts";
import { checkedAliases, withoutAddedAliases } from "./aliases.ts";
import { findDistributions, findOwnedDistributions, getDistribution, liveOf, notOursNotice, type LiveDistribution } from "./read.ts";

/** How often an update is tried when someone else changes the distribution between our read and our write. */
export const maxUpdateAttempts = 3;

export interface DistributionStepInputs {
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string;
  readonly responseHeadersPolicyId: string;
  /** The id recorded in status, if any. */
  readonly knownId?: string;
}

/**
 * Creates the distribution, or finds it and changes the owned fields that differ. In sync and Deployed with a
 * known id, this is one GetDistribution (which carries the config, the ETag and the status) and no write.
 */
export async function ensureDistribution(ctx: StepContext, inputs: DistributionStepInputs): Promise<StepOutcome<DistributionStatus>> {
  const desired = distributionInputs(ctx.resource, inputs);
  const known = inputs.knownId === undefined ? {} : await findKnown(ctx, inputs.knownId);
  if (known.live !== undefined) {
    const live = await updateOwnedFields(ctx, known.live, await checkedAliases(ctx, known.live, desired));
    return { condition: deployedCondition(ctx, live.state), value: live.state };
  }
  const callerReference = known.replaces === undefined ? desired.callerReference : replacementCallerReference(ctx.resource.metadata.uid, known.replaces);
  const live = await createOrRecover(ctx, { ...desired, callerReference });
  return { condition: deployedCondition(ctx, live.state), value: live.state };
}

function deployedCondition(ctx: StepContext, state: DistributionStatus): ConditionUpdate {
  const generation = ctx.resource.metadata.generation;
  const type = conditionTypes.distributionDeployed;
  if (state.status === "Deployed") return inSync(type, `distribution ${state.id} is deployed at ${state.domainName}`, generation);
  return waitingOn(type, "Deploying", `CloudFront is deploying distribution ${state.id}; this takes minutes`, generation);
}

/**
 * The distribution named in status, if it still exists and is ours; when it was deleted out of band, its id,
 * which the replacement's caller reference names.
 */
async function findKnown(ctx: StepContext, id: string): Promise<{ live?: LiveDistribution; replaces?: string }> {
  const live = await getDistribution(ctx, id);
  if (live === undefined) {
    // An id that never was ours (status written by someone else) must not cause a second distribution.
    const [owned] = await findOwnedDistributions(ctx);
    if (owned !== undefined) return { live: owned };
    ctx.notices.push({
      kind: "drift",
      reason: "DistributionMissing",
      message: `distribution ${id} recorded in status no longer exists; creating it again`,
      drift: "distribution",
    });
    return { replaces: id };
  }
  if (!isCallerReferenceOf(live.config.CallerReference, ctx.resource.metadata.uid)) {
    // A status copied from elsewhere (a restored backup), or written by someone else: never act on it.
    ctx.notices.push(notOursNotice());
    return {};
  }
  return { live };
}

/**
 * Creates the distribution without its aliases (CloudFront checks an alias only for a distribution that exists
 * with its certificate: aliases.ts), then adds them once checked; or finds the one created earlier.
 */
async function createOrRecover(ctx: StepContext, desired: DistributionInputs): Promise<LiveDistribution> {
  const tags = Object.entries(ownershipTags(ctx.owner)).map(([Key, Value]) => ({ Key, Value }));
  const config = desiredDistributionConfig(withoutAddedAliases(undefined, desired));
  let result;
  try {
    result = await ctx.aws.cloudFront().send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config, Tags: { Items: tags } } }), {
      abortSignal: ctx.signal,
    });
  } catch (error) {
    if (!hasAwsCode(error, "DistributionAlreadyExists")) throw error;
    const existing = await recoverExisting(ctx, desired, error);
    ctx.notices.push({
      kind: "changed",
      reason: "DistributionFound",
      message: `found distribution ${existing.state.id}, created earlier for this resource, and kept it`,
    });
    return updateOwnedFields(ctx, existing, await checkedAliases(ctx, existing, desired));
  }
  const live = liveOf(result.Distribution, result.ETag, "CreateDistributionWithTags");
  ctx.notices.push({ kind: "created", reason: "DistributionCreated", message: `created distribution ${live.state.id} at ${live.state.domainName}` });
  return desired.aliases.length === 0 ? live : updateOwnedFields(ctx, live, await checkedAliases(ctx, live, desired));
}

/**
 * The distribution CloudFront holds under our caller reference: the id at the end of the error message, or
 * else the one among the distributions in front of our bucket whose caller reference is ours.
 */
async function recoverExisting(ctx: StepContext, desired: DistributionInputs, failure: AwsError): Promise<LiveDistribution> {
  const ours = (callerReference: string | undefined): boolean => callerReference === desired.callerReference;
  const named = distributionIdInMessage(failure.awsMessage);
  const fromMessage = named === undefined ? undefined : await getDistribution(ctx, named);
  if (fromMessage !== undefined && ours(fromMessage.config.CallerReference)) return fromMessage;
  const [found] = await findDistributions(ctx, ours);
  if (found !== undefined) return found;
  throw new Error(`CloudFront holds a distribution with caller reference ${desired.callerReference}, but it was not found among those in front of the bucket`, {
    cause: failure,
  });
}

/** CloudFront ends DistributionAlreadyExists with the existing distribution's id. */
export function distributionIdInMessage(message: string): string | undefined {
  return /\b([A-Z0-9]{8,20})\W*$/.exec(message)?.[1];
}

/**
 * Overlays the owned fields onto the live config and writes it with IfMatch, if anything owned differs. When
 * someone else changed the distribution in between (PreconditionFailed), reads it again and retries, keeping
 * their change.
 */
async function updateOwnedFields(ctx: StepContext, live: LiveDistribution, desired: DistributionInputs): Promise<LiveDistribution> {
  let current = live;
  for (let attempt = 1; ; attempt += 1) {
    const changed = changedOwnedFields(current.config, desired);
    if (changed.length === 0) return current;
    try {
      const result = await ctx.aws.cloudFront().send(
        new UpdateDistributionCommand({ Id: current.state.id, IfMatch: current.etag, DistributionConfig: withOwnedFields(current.config, desired) }),
        { abortSignal: ctx.signal },
      );
      const updated = liveOf(result.Distribution, result.ETag, "UpdateDistribution");
      ctx.notices.push(updateNotice(ctx, updated.state.id, changed));
      return updated;
    } catch (error) {
      if (!isAwsError(error, "PreconditionFailed") || attempt >= maxUpdateAttempts) throw error;
      const reread = await getDistribution(ctx, current.state.id);
      if (reread === undefined) throw error;
      current = reread;
    }
  }
}

/** Changes after the current generation was already reconciled in sync are drift, except a new function version. */
function updateNotice(ctx: StepContext, id: string, changed: readonly string[]): Notice {
  const generation = ctx.resource.metadata.generation;
  const previous = ctx.resource.status?.conditions?.find((c) => c.type === conditionTypes.distributionDeployed);
  const settled = previous?.status === "True" && previous.observedGeneration === generation;
  const drifted = settled && changed.some((field) => field !== "DefaultCacheBehavior.LambdaFunctionAssociations");
  const message = `updated distribution ${id}: ${changed.join(", ")}`;
  return drifted
    ? { kind: "drift", reason: "DistributionCorrected", message, drift: "distribution-config" }
    : { kind: "changed", reason: "DistributionUpdated", message };
}
