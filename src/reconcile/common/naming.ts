// Deterministic names and tags for everything the operator creates, derived from the cluster and the CR, so
// resources are found again by name after a crash or a restart instead of being created twice.
import { createHash } from "node:crypto";

export interface OwnerIdentity {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export const tagKeys = {
  /** The claim marker on the bucket, and the owner of every created resource. */
  owner: "securedcontent.io/owner",
  cluster: "securedcontent.io/cluster",
  namespace: "securedcontent.io/namespace",
  name: "securedcontent.io/name",
  uid: "securedcontent.io/uid",
  /** Set on an edge function whose CR is gone; the sweeper deletes it once AWS allows. */
  pendingDeletion: "securedcontent.io/pending-deletion",
} as const;

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * AWS's length limits on what the operator writes. Each is a 400 on AWS when exceeded (the API references of
 * DistributionConfig and CreateFunction, and the tag rules of S3, CloudFront and Lambda).
 */
export const limits = {
  distributionComment: 128,
  lambdaDescription: 256,
  tagValue: 256,
} as const;

/**
 * `text` when it fits in `max` characters; otherwise cut, ending in a hash of the whole text, so the result is
 * deterministic and two long texts that differ only at the end stay different.
 */
export function fitted(text: string, max: number): string {
  if (text.length <= max) return text;
  const hash = shortHash(text, 10);
  return `${text.slice(0, max - hash.length - 1)}~${hash}`;
}

/** `<prefix>-<readable part>-<hash>`, cut to `max` characters, with only the characters `allowed` permits. */
function boundedName(prefix: string, owner: OwnerIdentity, max: number, allowed: RegExp): string {
  const hash = shortHash(`${owner.cluster}/${owner.namespace}/${owner.name}`, 10);
  const readable = `${owner.namespace}-${owner.name}`.replace(allowed, "-").replace(/-+/g, "-");
  const room = max - prefix.length - hash.length - 2;
  return `${prefix}-${readable.slice(0, room).replace(/-$/, "")}-${hash}`;
}

/**
 * The key that identifies the owner in the claim tag: cluster, namespace and name (the uid is a separate tag),
 * fitted to a tag value's 256 characters (only names longer than any claim written so far are cut).
 */
export function ownerKey(owner: Pick<OwnerIdentity, "cluster" | "namespace" | "name">): string {
  return fitted(`${owner.cluster}/${owner.namespace}/${owner.name}`, limits.tagValue);
}

/**
 * The name of a resource's own origin access control, as the operator created them before OACs were shared.
 * Such an OAC is still used, and deleted with its resource; new resources use the shared ones.
 */
export function originAccessControlName(owner: OwnerIdentity): string {
  return boundedName("scb", owner, 64, /[^a-zA-Z0-9-]/g);
}

/**
 * The name of the cluster's shared origin access control number `index` (1, 2, ...): up to 64 characters,
 * readable, and unique per cluster through a hash of the cluster name.
 */
export function sharedOriginAccessControlName(cluster: string, index: number): string {
  const suffix = `-${shortHash(cluster, 8)}-${String(index)}`;
  const readable = cluster.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-+/g, "-");
  const prefix = "scb-shared-";
  return `${prefix}${readable.slice(0, 64 - prefix.length - suffix.length).replace(/-$/, "")}${suffix}`;
}

/** The index of a shared origin access control of this cluster, from its name; undefined for any other name. */
export function sharedOriginAccessControlIndex(cluster: string, name: string | undefined): number | undefined {
  const match = name === undefined ? null : /-(\d{1,6})$/.exec(name);
  const index = match?.[1] === undefined ? undefined : Number(match[1]);
  return index !== undefined && index >= 1 && sharedOriginAccessControlName(cluster, index) === name ? index : undefined;
}

/** Every edge function's name starts with this: the sweeper looks only at functions named so. */
export const edgeFunctionNamePrefix = "scb-edge-";

/** Lambda function names: up to 64 characters of letters, digits, hyphens and underscores. */
export function edgeFunctionName(owner: OwnerIdentity): string {
  return boundedName(edgeFunctionNamePrefix.slice(0, -1), owner, 64, /[^a-zA-Z0-9-_]/g);
}

/** Bucket-policy statement ids: letters and digits only. */
export function policyStatementId(owner: OwnerIdentity): string {
  return `SecuredContentCloudFrontRead${shortHash(`${owner.cluster}/${owner.namespace}/${owner.name}`, 12)}`;
}

/** Tags every created resource carries. */
export function ownershipTags(owner: OwnerIdentity): Record<string, string> {
  return {
    [tagKeys.owner]: ownerKey(owner),
    [tagKeys.cluster]: owner.cluster,
    [tagKeys.namespace]: owner.namespace,
    [tagKeys.name]: owner.name,
    [tagKeys.uid]: owner.uid,
  };
}

/**
 * What identifies the cluster in the names of AWS resources its SecuredContentBuckets share: the one place a
 * richer cluster identity (say CLUSTER_NAME with the kube-system namespace's uid) would come in.
 */
export function clusterKey(owner: Pick<OwnerIdentity, "cluster">): string {
  return owner.cluster;
}

/** Every shared response headers policy's name starts with this. */
export const responseHeadersPolicyNamePrefix = "scb-headers-";

/**
 * The name of the cluster's response headers policy number `index` (1, 2, ...) for one content, given as a hash
 * of the policy's canonical settings: `scb-headers-<cluster hash>-<content hash>-<index>`. A policy has neither
 * tags nor a caller reference, so this name is how it is found again; resources with the same settings compute
 * the same name and share the policy. CloudFront's API reference gives no length limit for the name; at most 40
 * characters of letters, digits and hyphens stay well inside what the console accepts.
 */
export function sharedResponseHeadersPolicyName(cluster: string, contentHash: string, index: number): string {
  return `${responseHeadersPolicyNamePrefix}${shortHash(cluster, 8)}-${contentHash}-${String(index)}`;
}

/**
 * The content hash and number of a shared response headers policy of this cluster, from its name; undefined for
 * any other name (another cluster's policy, someone else's).
 */
export function parseResponseHeadersPolicyName(cluster: string, name: string | undefined): { contentHash: string; index: number } | undefined {
  const match = name === undefined ? null : /^scb-headers-[0-9a-f]{8}-([0-9a-f]{1,64})-(\d{1,6})$/.exec(name);
  const contentHash = match?.[1];
  const index = match?.[2] === undefined ? undefined : Number(match[2]);
  if (contentHash === undefined || index === undefined || index < 1) return undefined;
  return sharedResponseHeadersPolicyName(cluster, contentHash, index) === name ? { contentHash, index } : undefined;
}

/** A short, stable hash of a canonical text: what names a shared resource by its content. */
export function contentHash(canonical: string): string {
  return shortHash(canonical, 12);
}
