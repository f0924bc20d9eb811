// The origin access controls resources use, and how a live one differs: pure, no I/O.
//
// An OAC is not tied to a bucket: it only tells CloudFront to sign requests to an S3 origin (the bucket policy
// decides which distribution may read). AWS allows 100 OACs per account and 100 distributions per OAC by
// default (CloudFront quotas, "Origin access controls per AWS account", "Distributions per origin access
// control"), so the resources of a cluster share them: number 1 until CloudFront refuses a 101st distribution,
// then number 2, and so on. Resources created before OACs were shared keep their own.
import type { OriginAccessControlConfig, OriginAccessControlSummary } from "@aws-sdk/client-cloudfront";
import {
  fitted,
  legacySharedOriginAccessControlIndex,
  legacySharedOriginAccessControlName,
  originAccessControlName,
  sharedOriginAccessControlIndex,
  sharedOriginAccessControlName,
  type ClusterIdentity,
  type OwnerIdentity,
} from "../common/naming.ts";

type ConfigKey = "Name" | "Description" | "OriginAccessControlOriginType" | "SigningBehavior" | "SigningProtocol";
/** Every setting of an OAC; we own them all. */
export type OwnedSettings = { readonly [K in ConfigKey]-?: NonNullable<OriginAccessControlConfig[K]> };

const signing = { OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" } as const;

/** A description stays well within what CloudFront accepts. */
const maxDescription = 128;

/** The cluster's shared OAC number `index`: it signs every request to an S3 origin with SigV4. */
export function sharedOriginAccessControl(cluster: ClusterIdentity, index: number): OwnedSettings {
  return sharedSettings(cluster, sharedOriginAccessControlName(cluster, index));
}

/** A shared OAC named before the cluster uid (from the cluster name alone), as such OACs were created. */
function legacySharedOriginAccessControl(cluster: ClusterIdentity, index: number): OwnedSettings {
  return sharedSettings(cluster, legacySharedOriginAccessControlName(cluster, index));
}

function sharedSettings(cluster: ClusterIdentity, name: string): OwnedSettings {
  return { Name: name, Description: fitted(`Shared by the SecuredContentBuckets of cluster ${cluster.cluster}`, maxDescription), ...signing };
}

/** A resource's own OAC, as created before OACs were shared. */
export function ownOriginAccessControl(owner: OwnerIdentity): OwnedSettings {
  return { Name: originAccessControlName(owner), Description: fitted(`SecuredContentBucket ${owner.namespace}/${owner.name}`, maxDescription), ...signing };
}

/**
 * The OAC a live one should be, when it is one this resource may use: the cluster's shared OAC of that number, or
 * the resource's own. Undefined for any other OAC (another cluster's, another resource's, someone else's).
 *
 * With `legacy`, also a shared OAC named the way it was before the cluster uid (from CLUSTER_NAME alone), which
 * a resource whose distribution already uses it keeps: an OAC only signs requests, the bucket policy names the
 * distribution, so sharing one with a cluster of the same name grants nothing, and moving would redeploy.
 */
export function desiredFor(owner: OwnerIdentity, name: string | undefined, options: { legacy?: boolean } = {}): OwnedSettings | undefined {
  const index = sharedOriginAccessControlIndex(owner, name);
  if (index !== undefined) return sharedOriginAccessControl(owner, index);
  const legacyIndex = options.legacy === true ? legacySharedOriginAccessControlIndex(owner, name) : undefined;
  if (legacyIndex !== undefined) return legacySharedOriginAccessControl(owner, legacyIndex);
  const own = ownOriginAccessControl(owner);
  return name === own.Name ? own : undefined;
}

/** The number of a shared OAC this resource may use (the cluster's, or one named the legacy way); else undefined. */
export function sharedIndexOf(owner: OwnerIdentity, name: string | undefined): number | undefined {
  return sharedOriginAccessControlIndex(owner, name) ?? legacySharedOriginAccessControlIndex(owner, name);
}

/** The settings that differ from what we want, by name; empty when in sync. */
export function driftedSettings(current: Partial<OwnedSettings>, desired: OwnedSettings): string[] {
  return (Object.keys(desired) as (keyof OwnedSettings)[]).filter((key) => (current[key] ?? "") !== desired[key]);
}

/** The settings of a config or a listing's summary (which carries every setting we compare). */
export function settingsOf(config: OriginAccessControlConfig | OriginAccessControlSummary): Partial<OwnedSettings> {
  return {
    ...(config.Name === undefined ? {} : { Name: config.Name }),
    ...(config.Description === undefined ? {} : { Description: config.Description }),
    ...(config.OriginAccessControlOriginType === undefined ? {} : { OriginAccessControlOriginType: config.OriginAccessControlOriginType }),
    ...(config.SigningBehavior === undefined ? {} : { SigningBehavior: config.SigningBehavior }),
    ...(config.SigningProtocol === undefined ? {} : { SigningProtocol: config.SigningProtocol }),
  };
}
