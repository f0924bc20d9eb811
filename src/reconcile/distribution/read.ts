// Reading distributions: one by id (its config, ETag and deployment status in a single GetDistribution), and
// the ones in front of a bucket, which is how a distribution whose id was lost is found again by its caller
// reference.
import { GetDistributionCommand, paginateListDistributions, type Distribution, type DistributionSummary } from "@aws-sdk/client-cloudfront";
import type { DistributionStatus } from "../../api/index.ts";
import { isAwsError } from "../../aws/errors.ts";
import type { Notice, StepContext } from "../common/context.ts";
import { isCallerReferenceOf, s3OriginDomain } from "./desired.ts";

/** A distribution as read: where it stands, its config, and the ETag a write must name. */
export interface LiveDistribution {
  readonly state: DistributionStatus;
  readonly config: NonNullable<Distribution["DistributionConfig"]>;
  readonly etag: string;
}

/** Bounds of the search for a distribution whose id we lost. */
const maxListPages = 10;
const maxCandidates = 10;

/** GetDistribution; undefined when there is no such distribution. */
export async function getDistribution(ctx: StepContext, id: string): Promise<LiveDistribution | undefined> {
  try {
    const result = await ctx.aws.cloudFront().send(new GetDistributionCommand({ Id: id }), { abortSignal: ctx.signal });
    return liveOf(result.Distribution, result.ETag, "GetDistribution");
  } catch (error) {
    if (isAwsError(error, "NotFound")) return undefined;
    throw error;
  }
}

export function liveOf(distribution: Distribution | undefined, etag: string | undefined, operation: string): LiveDistribution {
  const { Id: id, ARN: arn, DomainName: domainName, Status: status, DistributionConfig: config } = distribution ?? {};
  if (id === undefined || arn === undefined || domainName === undefined || config === undefined || etag === undefined) {
    throw new Error(`CloudFront ${operation} returned an incomplete distribution`);
  }
  return { state: { id, arn, domainName, status: status === "Deployed" ? "Deployed" : "InProgress" }, config, etag };
}

function hasOrigin(summary: DistributionSummary, originDomain: string): boolean {
  return summary.Origins?.Items?.some((origin) => origin.DomainName === originDomain) ?? false;
}

/** The ids of the distributions with this origin, from a bounded listing. */
export async function distributionsWithOrigin(ctx: StepContext, originDomain: string): Promise<string[]> {
  const matches: string[] = [];
  let pages = 0;
  for await (const page of paginateListDistributions({ client: ctx.aws.cloudFront(), pageSize: 100 }, {})) {
    const items = page.DistributionList?.Items ?? [];
    matches.push(...items.filter((item) => hasOrigin(item, originDomain)).flatMap((item) => (item.Id === undefined ? [] : [item.Id])));
    pages += 1;
    if (pages >= maxListPages) break;
  }
  return matches;
}

/** The live distributions in front of the resource's bucket whose caller reference passes `ours`. */
export async function findDistributions(ctx: StepContext, ours: (callerReference: string | undefined) => boolean): Promise<LiveDistribution[]> {
  const { name, region } = ctx.resource.spec.bucket;
  const found: LiveDistribution[] = [];
  for (const id of (await distributionsWithOrigin(ctx, s3OriginDomain(name, region))).slice(0, maxCandidates)) {
    const live = await getDistribution(ctx, id);
    if (live !== undefined && ours(live.config.CallerReference)) found.push(live);
  }
  return found;
}

/** The distributions created for this resource (under its uid or a replacement of it). */
export function findOwnedDistributions(ctx: StepContext): Promise<LiveDistribution[]> {
  const uid = ctx.resource.metadata.uid;
  return findDistributions(ctx, (callerReference) => isCallerReferenceOf(callerReference, uid));
}

/** Status named a distribution that is not ours: said without naming it, since it is someone else's. */
export function notOursNotice(): Notice {
  return {
    kind: "warning",
    reason: "DistributionNotOwned",
    message: "status.distribution names a distribution that was not created for this resource; it is ignored and left untouched",
  };
}
