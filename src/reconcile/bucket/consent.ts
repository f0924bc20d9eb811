// The bucket owners' consent, read before the claim: unless the resource's class waives it, a bucket is
// claimed (and so made private and granted to a distribution) only when its owners tagged it with this cluster
// and the resource's namespace. Only a read happens here; without consent nothing is written.
import { GetBucketTaggingCommand, type Tag } from "@aws-sdk/client-s3";
import type { OwnerConsent } from "../../api/index.ts";
import { hasAwsCode } from "../../aws/errors.ts";
import { PermanentError } from "../../errors.ts";
import { consentEntry, consentGranted, consentTagKey } from "../../tenancy/consent.ts";
import type { StepContext } from "../common/context.ts";
import { BucketNotFoundError, bucketInOtherRegion } from "./claim.ts";

export class BucketConsentMissingError extends PermanentError {
  constructor(bucket: string, cluster: string, namespace: string) {
    const entry = consentEntry(cluster, namespace);
    super(
      "BucketConsentMissing",
      `bucket ${bucket} does not consent to namespace ${namespace} of cluster ${cluster}: its owners must add ` +
        `${entry} to the space-separated value of the bucket's tag ${consentTagKey} (or create the tag with the ` +
        `value ${entry}); nothing was changed on the bucket`,
    );
  }
}

async function readTags(ctx: StepContext): Promise<Tag[]> {
  const { name, region } = ctx.resource.spec.bucket;
  try {
    const result = await ctx.aws.s3(region).send(new GetBucketTaggingCommand({ Bucket: name }), { abortSignal: ctx.signal });
    return result.TagSet ?? [];
  } catch (error) {
    // A bucket without tags answers NoSuchTagSet: no consent, like a bucket whose tags do not name us.
    if (hasAwsCode(error, "NoSuchTagSet")) return [];
    if (hasAwsCode(error, "NoSuchBucket")) throw new BucketNotFoundError(name, region);
    throw bucketInOtherRegion(error, name, region) ?? error;
  }
}

/** Throws BucketConsentMissingError unless the class waives consent or the bucket's tag grants it. */
export async function requireBucketConsent(ctx: StepContext, ownerConsent: OwnerConsent = ctx.ownerConsent ?? "Required"): Promise<void> {
  if (ownerConsent === "Waived") return;
  const tags = await readTags(ctx);
  const value = tags.find((tag) => tag.Key === consentTagKey)?.Value;
  const { cluster, namespace } = ctx.owner;
  if (!consentGranted(value, cluster, namespace)) throw new BucketConsentMissingError(ctx.resource.spec.bucket.name, cluster, namespace);
}
