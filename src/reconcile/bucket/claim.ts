// The claim on the bucket: a tag written before anything else is touched, keeping the bucket's other tags. A
// bucket claimed by another SecuredContentBucket (in any namespace or cluster) is never written to, except to
// take back this resource's own read grant, which a lost race may have left there.
//
// The claim names the cluster's uid and the resource's uid (naming.ts ownerKey). A claim written before the
// cluster uid (`cluster/namespace/name`, which two clusters of one CLUSTER_NAME share) is taken over only on
// proof that it is this resource's: a `securedcontent.io/uid` tag on the bucket with its uid (an administrator
// can add one), or the old policy statement granting a distribution whose caller reference is its uid.
import { GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { DeleteBucketTaggingCommand, GetBucketTaggingCommand, PutBucketTaggingCommand, type Tag } from "@aws-sdk/client-s3";
import { AwsError, hasAwsCode, isAwsError } from "../../aws/errors.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { PermanentError, TemporaryError } from "../../errors.ts";
import type { StepContext } from "../common/context.ts";
import { OwnershipConflictError } from "../common/errors.ts";
import { isCallerReferenceOf, legacyOwnerKey, legacyPolicyStatementId, ownerKey, tagKeys } from "../common/naming.ts";
import { readPolicy, removeBucketPolicyStatement } from "./exposure.ts";
import { requireBucketConsent } from "./consent.ts";
import { sourceArnOf } from "./policy-document.ts";

export class BucketNotFoundError extends PermanentError {
  constructor(bucket: string, region: string) {
    super("BucketNotFound", `bucket ${bucket} does not exist in ${region}; create it first (the operator never creates or deletes buckets)`);
  }
}

/**
 * S3 answers a request sent to the wrong region with 301 PermanentRedirect and the bucket's region in
 * `x-amz-bucket-region`; the spec's region is immutable, so only a new resource can fix it.
 */
export function bucketInOtherRegion(error: unknown, bucket: string, specRegion: string): PermanentError | undefined {
  if (!(error instanceof AwsError) || (error.httpStatus !== 301 && error.awsCode !== "PermanentRedirect")) return undefined;
  const where = error.bucketRegion === undefined ? "another region" : `region ${error.bucketRegion}`;
  return new PermanentError(
    "BucketInOtherRegion",
    `bucket ${bucket} is in ${where}, not ${specRegion}; spec.bucket.region is immutable: create the resource again with the bucket's region`,
    { cause: error },
  );
}

/** The owner recorded on the bucket, if any. */
export function claimOf(tags: readonly Tag[]): string | undefined {
  return tags.find((tag) => tag.Key === tagKeys.owner)?.Value;
}

/** Tags with our claim set and everything else kept (but a uid tag that proved a legacy claim, now in the claim). */
export function withClaim(tags: readonly Tag[], owner: string): Tag[] {
  return [...tags.filter((tag) => tag.Key !== tagKeys.owner && tag.Key !== tagKeys.uid), { Key: tagKeys.owner, Value: owner }];
}

export function withoutClaim(tags: readonly Tag[]): Tag[] {
  return tags.filter((tag) => tag.Key !== tagKeys.owner);
}

/** The bucket's tags; none for a bucket without tags. A missing bucket, or one in another region, is refused. */
async function readBucketTags(ctx: StepContext): Promise<Tag[]> {
  const { name, region } = ctx.resource.spec.bucket;
  try {
    const result = await ctx.aws.s3(region).send(new GetBucketTaggingCommand({ Bucket: name }), { abortSignal: ctx.signal });
    return result.TagSet ?? [];
  } catch (error) {
    if (hasAwsCode(error, "NoSuchTagSet")) return [];
    if (hasAwsCode(error, "NoSuchBucket")) throw new BucketNotFoundError(name, region);
    throw bucketInOtherRegion(error, name, region) ?? error;
  }
}

async function writeTags(ctx: StepContext, tags: Tag[]): Promise<void> {
  const { name, region } = ctx.resource.spec.bucket;
  const s3 = ctx.aws.s3(region);
  try {
    if (tags.length === 0) await s3.send(new DeleteBucketTaggingCommand({ Bucket: name }), { abortSignal: ctx.signal });
    else await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tags } }), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, "NotFound")) throw new BucketNotFoundError(name, region);
    throw error;
  }
}

/**
 * Makes sure the bucket is ours. The bucket owners' consent is checked first, on the same read of the tags
 * (consent.ts); then it throws OwnershipConflictError when another resource holds the bucket, after taking this
 * resource's own read grant out of the bucket policy (a race it lost may have left one).
 */
export async function claimBucket(ctx: StepContext): Promise<void> {
  const bucket = ctx.resource.spec.bucket.name;
  const ours = ownerKey(ctx.owner);
  const tags = await readBucketTags(ctx);
  requireBucketConsent(ctx, tags);
  const holder = claimOf(tags);
  if (holder === ours) return;
  const migrating = holder !== undefined && holder === legacyOwnerKey(ctx.owner) && (await provesLegacyClaim(ctx, tags));
  if (holder !== undefined && !migrating) await lostTo(ctx, holder);
  await writeTags(ctx, withClaim(tags, ours));
  await confirmClaim(ctx, ours);
  ctx.notices.push(
    migrating
      ? { kind: "changed", reason: "BucketClaimMigrated", message: `rewrote the claim on bucket ${bucket} with this cluster's uid and the resource's uid` }
      : { kind: "changed", reason: "BucketClaimed", message: `claimed bucket ${bucket} with tag ${tagKeys.owner}=${ours}` },
  );
}

/** Another resource holds the bucket: take our own grant back out, then stall. */
async function lostTo(ctx: StepContext, holder: string): Promise<never> {
  const bucket = ctx.resource.spec.bucket.name;
  if (await removeBucketPolicyStatement(ctx)) {
    ctx.notices.push({
      kind: "warning",
      reason: "BucketGrantWithdrawn",
      message: `removed this resource's read grant from the policy of bucket ${bucket}, which another resource holds`,
    });
  }
  throw new OwnershipConflictError(`bucket ${bucket}`, holder);
}

/**
 * Whether a claim in the format written before the cluster uid (`cluster/namespace/name`) is this resource's:
 * a uid tag on the bucket equal to its uid, or the statement that format's operator wrote (its legacy Sid)
 * granting a distribution created for its uid. Another cluster of the same CLUSTER_NAME fails both.
 */
async function provesLegacyClaim(ctx: StepContext, tags: readonly Tag[]): Promise<boolean> {
  if (tags.some((tag) => tag.Key === tagKeys.uid && tag.Value === ctx.resource.metadata.uid)) return true;
  const legacySid = legacyPolicyStatementId(ctx.owner);
  const statement = (await readPolicy(ctx))?.Statement.find((s) => s.Sid === legacySid);
  const id = /:distribution\/([A-Z0-9]+)$/.exec(statement === undefined ? "" : (sourceArnOf(statement) ?? ""))?.[1];
  if (id === undefined) return false;
  try {
    const result = await ctx.aws.cloudFront().send(new GetDistributionCommand({ Id: id }), { abortSignal: ctx.signal });
    return isCallerReferenceOf(result.Distribution?.DistributionConfig?.CallerReference, ctx.resource.metadata.uid);
  } catch (error) {
    if (isAwsError(error, "NotFound")) return false;
    throw error;
  }
}

/**
 * Bucket configuration is eventually consistent (S3 User Guide, "Amazon S3 data consistency model"), so a read
 * right after our write may not show it yet: a missing claim is read again after a pause, a bounded number of
 * times. Two resources racing for one bucket: whoever's tag is there after our write holds it, so only a
 * different owner is a conflict.
 */
export const claimConfirmationDelaysMs: readonly number[] = [100, 200, 400, 800, 1_600];

async function confirmClaim(ctx: StepContext, ours: string): Promise<void> {
  const bucket = ctx.resource.spec.bucket.name;
  for (let attempt = 0; ; attempt += 1) {
    const confirmed = claimOf(await readBucketTags(ctx));
    if (confirmed === ours) return;
    if (confirmed !== undefined) throw new OwnershipConflictError(`bucket ${bucket}`, confirmed);
    const pause = claimConfirmationDelaysMs[attempt];
    if (pause === undefined) {
      throw new TemporaryError("ClaimNotVisible", `wrote the claim tag on bucket ${bucket}, but S3 does not show it yet; looking again`);
    }
    await sleep(pause, undefined, { signal: ctx.signal });
  }
}

/** Removes our claim (and only ours), keeping the bucket's other tags. */
export async function releaseBucket(ctx: StepContext): Promise<void> {
  let tags: Tag[];
  try {
    tags = await readBucketTags(ctx);
  } catch (error) {
    if (error instanceof BucketNotFoundError) return;
    throw error;
  }
  if (claimOf(tags) !== ownerKey(ctx.owner)) return;
  await writeTags(ctx, withoutClaim(tags));
}
