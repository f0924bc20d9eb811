// The bucket owners' consent, checked by the claim on the tags it has just read: unless the resource's class
// waives it, a bucket is claimed (and so made private and granted to a distribution) only when its owners
// tagged it with this cluster and the resource's namespace. Without consent nothing is written.
import type { Tag } from "@aws-sdk/client-s3";
import type { OwnerConsent } from "../../api/index.ts";
import { PermanentError } from "../../errors.ts";
import { consentEntry, consentGranted, consentTagKey } from "../../tenancy/consent.ts";
import type { StepContext } from "../common/context.ts";

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

/** Throws BucketConsentMissingError unless the class waives consent or the bucket's tags grant it. */
export function requireBucketConsent(ctx: StepContext, tags: readonly Tag[], ownerConsent: OwnerConsent = ctx.ownerConsent ?? "Required"): void {
  if (ownerConsent === "Waived") return;
  const value = tags.find((tag) => tag.Key === consentTagKey)?.Value;
  const { cluster, namespace } = ctx.owner;
  if (!consentGranted(value, cluster, namespace)) throw new BucketConsentMissingError(ctx.resource.spec.bucket.name, cluster, namespace);
}
