// The bucket owners' consent, read before the claim: unless the resource's class waives it, a bucket is
// claimed (and so made private and granted to a distribution) only when its owners tagged it with this cluster
// and the resource's namespace. Only a read happens here; without consent nothing is written.
import type { Tag } from "@aws-sdk/client-s3";
import type { OwnerConsent } from "../../api/index.ts";
import { PermanentError } from "../../errors.ts";
import { consentEntry, consentGranted, consentTagKey } from "../../tenancy/consent.ts";
import type { StepContext } from "../common/context.ts";
import { readBucketTags } from "./claim.ts";

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

/**
 * Throws BucketConsentMissingError unless the class waives consent or the bucket's tag grants it. Returns the
 * tags it read, for the claim that follows (undefined when consent is waived and nothing was read).
 */
export async function requireBucketConsent(ctx: StepContext, ownerConsent: OwnerConsent = ctx.ownerConsent ?? "Required"): Promise<Tag[] | undefined> {
  if (ownerConsent === "Waived") return undefined;
  const tags = await readBucketTags(ctx);
  const value = tags.find((tag) => tag.Key === consentTagKey)?.Value;
  const { cluster, namespace } = ctx.owner;
  if (!consentGranted(value, cluster, namespace)) throw new BucketConsentMissingError(ctx.resource.spec.bucket.name, cluster, namespace);
  return tags;
}
