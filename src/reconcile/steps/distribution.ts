// The CloudFront distribution in front of the bucket. Created once per resource (the caller reference is the
// CR's uid, so a crash between create and status write finds the first one again instead of making a second),
// then kept in line by overlaying only the fields we own onto the live config, with IfMatch. One deleted out
// of band is replaced under a caller reference that names the one it replaces.
import {
  CreateDistributionWithTagsCommand,
  GetDistributionCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
  type Distribution,
  type DistributionSummary,
} from "@aws-sdk/client-cloudfront";
import { isAwsError, toAwsError, type AwsError } from "../../aws/errors.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import {
  changedOwnedFields,
  desiredDistributionConfig,
  distributionInputs,
  isCallerReferenceOf,
  replacementCallerReference,
  s3OriginDomain,
  withOwnedFields,
  type DistributionInputs,
} from "../distribution-config.ts";
import { ownershipTags } from "../naming.ts";
import { inSync, type StepContext, type StepOutcome } from "./context.ts";

export const distributionConditionType = "DistributionDeployed";

export interface DistributionState {
  readonly id: string;
  readonly arn: string;
  readonly domainName: string;
  readonly status: "InProgress" | "Deployed";
}

/** A distribution as read: where it stands, its config, and the ETag a write must name. */
interface LiveDistribution {
  readonly state: DistributionState;
  readonly config: NonNullable<Distribution["DistributionConfig"]>;
  readonly etag: string;
}

/** How often an update is tried when someone else changes the distribution between our read and our write. */
export const maxUpdateAttempts = 3;
/** Bounds of the search for a distribution CloudFront says exists but whose id we lost. */
const maxListPages = 10;
const maxCandidates = 10;

export interface DistributionStepInputs {
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string;
  /** The id recorded in status, if any. */
  readonly knownId?: string;
}

/**
 * Creates the distribution, or finds it and changes the owned fields that differ. In sync and Deployed with a
 * known id, this is one GetDistribution (which carries the config, the ETag and the status) and no write.
 */
export async function ensureDistribution(ctx: StepContext, inputs: DistributionStepInputs): Promise<StepOutcome<DistributionState>> {
  const desired = distributionInputs(ctx.resource, inputs);
  const known = inputs.knownId === undefined ? {} : await findKnown(ctx, inputs.knownId);
  if (known.live !== undefined) {
    const live = await updateOwnedFields(ctx, known.live, desired);
    return { condition: deployedCondition(ctx, live.state), value: live.state };
  }
  const callerReference = known.replaces === undefined ? desired.callerReference : replacementCallerReference(ctx.resource.metadata.uid, known.replaces);
  const live = await createOrRecover(ctx, { ...desired, callerReference });
  return { condition: deployedCondition(ctx, live.state), value: live.state };
}

function deployedCondition(ctx: StepContext, state: DistributionState): ConditionUpdate {
  const generation = ctx.resource.metadata.generation;
  if (state.status === "Deployed") return inSync(distributionConditionType, `distribution ${state.id} is deployed at ${state.domainName}`, generation);
  return {
    type: distributionConditionType,
    status: "False",
    reason: "Deploying",
    message: `CloudFront is deploying distribution ${state.id}; this takes minutes`,
    observedGeneration: generation,
  };
}

/**
 * The distribution named in status, if it still exists and is ours; when it was deleted out of band, its id,
 * which the replacement's caller reference names.
 */
async function findKnown(ctx: StepContext, id: string): Promise<{ live?: LiveDistribution; replaces?: string }> {
  const live = await getDistribution(ctx, id);
  if (live === undefined) {
    ctx.notices.push({
      type: "Warning",
      reason: "DistributionMissing",
      message: `distribution ${id} recorded in status no longer exists; creating it again`,
      drift: "distribution",
    });
    return { replaces: id };
  }
  if (!isCallerReferenceOf(live.config.CallerReference, ctx.resource.metadata.uid)) {
    // A status copied from elsewhere (a restored backup, say): that distribution belongs to another resource.
    ctx.notices.push({
      type: "Warning",
      reason: "DistributionNotOwned",
      message: `distribution ${id} recorded in status was created for another resource; leaving it alone`,
    });
    return {};
  }
  return { live };
}

/**
 * The ids of the distributions created for this resource that are in front of its bucket: how deletion finds
 * a distribution whose id never reached status (a crash right after it was created).
 */
export async function findOwnedDistributionIds(ctx: StepContext): Promise<string[]> {
  const { spec, metadata } = ctx.resource;
  const candidates = await distributionsWithOrigin(ctx, s3OriginDomain(spec.bucket.name, spec.bucket.region));
  const owned: string[] = [];
  for (const id of candidates.slice(0, maxCandidates)) {
    const live = await getDistribution(ctx, id);
    if (isCallerReferenceOf(live?.config.CallerReference, metadata.uid)) owned.push(id);
  }
  return owned;
}

/** GetDistribution; undefined when there is no such distribution. */
async function getDistribution(ctx: StepContext, id: string): Promise<LiveDistribution | undefined> {
  let result;
  try {
    result = await ctx.aws.cloudFront().send(new GetDistributionCommand({ Id: id }), { abortSignal: ctx.signal });
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "GetDistribution");
    if (failure.code === "NotFound") return undefined;
    throw failure;
  }
  return liveOf(result.Distribution, result.ETag, "GetDistribution");
}

function liveOf(distribution: Distribution | undefined, etag: string | undefined, operation: string): LiveDistribution {
  const { Id: id, ARN: arn, DomainName: domainName, Status: status, DistributionConfig: config } = distribution ?? {};
  if (id === undefined || arn === undefined || domainName === undefined || config === undefined || etag === undefined) {
    throw new Error(`CloudFront ${operation} returned an incomplete distribution`);
  }
  return { state: { id, arn, domainName, status: status === "Deployed" ? "Deployed" : "InProgress" }, config, etag };
}

async function createOrRecover(ctx: StepContext, desired: DistributionInputs): Promise<LiveDistribution> {
  const tags = Object.entries(ownershipTags(ctx.owner)).map(([Key, Value]) => ({ Key, Value }));
  let result;
  try {
    result = await ctx.aws.cloudFront().send(
      new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: desiredDistributionConfig(desired), Tags: { Items: tags } } }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    const failure = toAwsError(error, "cloudfront", "CreateDistributionWithTags");
    if (failure.awsCode !== "DistributionAlreadyExists") throw failure;
    const existing = await recoverExisting(ctx, desired, failure);
    ctx.notices.push({
      type: "Normal",
      reason: "DistributionFound",
      message: `found distribution ${existing.state.id}, created earlier for this resource, and kept it`,
    });
    return updateOwnedFields(ctx, existing, desired);
  }
  const live = liveOf(result.Distribution, result.ETag, "CreateDistributionWithTags");
  ctx.notices.push({ type: "Normal", reason: "DistributionCreated", message: `created distribution ${live.state.id} at ${live.state.domainName}` });
  return live;
}

/**
 * The distribution CloudFront holds under our caller reference: the id at the end of the error message, or
 * else the one among the distributions in front of our bucket whose caller reference is ours.
 */
async function recoverExisting(ctx: StepContext, desired: DistributionInputs, failure: AwsError): Promise<LiveDistribution> {
  const ours = (live: LiveDistribution | undefined): live is LiveDistribution => live?.config.CallerReference === desired.callerReference;
  const named = distributionIdInMessage(failure.message);
  const fromMessage = named === undefined ? undefined : await getDistribution(ctx, named);
  if (ours(fromMessage)) return fromMessage;
  const origin = s3OriginDomain(desired.bucket, desired.bucketRegion);
  const candidates = await distributionsWithOrigin(ctx, origin);
  for (const id of candidates.slice(0, maxCandidates)) {
    const live = await getDistribution(ctx, id);
    if (ours(live)) return live;
  }
  throw new Error(`CloudFront holds a distribution with caller reference ${desired.callerReference}, but it was not found among those in front of ${origin}`, {
    cause: failure,
  });
}

/** CloudFront ends DistributionAlreadyExists with the existing distribution's id. */
export function distributionIdInMessage(message: string): string | undefined {
  return /\b([A-Z0-9]{8,20})\W*$/.exec(message)?.[1];
}

async function distributionsWithOrigin(ctx: StepContext, originDomain: string): Promise<string[]> {
  const matches: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < maxListPages; page += 1) {
    const list = await listDistributions(ctx, marker);
    matches.push(...(list.items ?? []).filter((item) => hasOrigin(item, originDomain)).flatMap((item) => (item.Id === undefined ? [] : [item.Id])));
    if (list.nextMarker === undefined) break;
    marker = list.nextMarker;
  }
  return matches;
}

function hasOrigin(summary: DistributionSummary, originDomain: string): boolean {
  return summary.Origins?.Items?.some((origin) => origin.DomainName === originDomain) ?? false;
}

async function listDistributions(ctx: StepContext, marker: string | undefined): Promise<{ items: DistributionSummary[] | undefined; nextMarker: string | undefined }> {
  try {
    const result = await ctx.aws
      .cloudFront()
      .send(new ListDistributionsCommand({ ...(marker === undefined ? {} : { Marker: marker }), MaxItems: 100 }), { abortSignal: ctx.signal });
    const list = result.DistributionList;
    const next = list?.IsTruncated === true && list.NextMarker !== undefined && list.NextMarker !== "" ? list.NextMarker : undefined;
    return { items: list?.Items, nextMarker: next };
  } catch (error) {
    throw toAwsError(error, "cloudfront", "ListDistributions");
  }
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
      const updated = await writeConfig(ctx, current, desired);
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

async function writeConfig(ctx: StepContext, current: LiveDistribution, desired: DistributionInputs): Promise<LiveDistribution> {
  let result;
  try {
    result = await ctx.aws.cloudFront().send(
      new UpdateDistributionCommand({ Id: current.state.id, IfMatch: current.etag, DistributionConfig: withOwnedFields(current.config, desired) }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    throw toAwsError(error, "cloudfront", "UpdateDistribution");
  }
  return liveOf(result.Distribution, result.ETag, "UpdateDistribution");
}

/** Changes after the current generation was already reconciled in sync are drift, except a new function version. */
function updateNotice(ctx: StepContext, id: string, changed: readonly string[]) {
  const generation = ctx.resource.metadata.generation;
  const previous = ctx.resource.status?.conditions?.find((c) => c.type === distributionConditionType);
  const settled = previous?.status === "True" && previous.observedGeneration === generation;
  const drifted = settled && changed.some((field) => field !== "DefaultCacheBehavior.LambdaFunctionAssociations");
  const message = `updated distribution ${id}: ${changed.join(", ")}`;
  return drifted
    ? { type: "Warning" as const, reason: "DistributionCorrected", message, drift: "distribution-config" }
    : { type: "Normal" as const, reason: "DistributionUpdated", message };
}
