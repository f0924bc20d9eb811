// Deterministic names and tags for everything the operator creates, derived from the cluster and the CR, so
// resources are found again by name after a crash or a restart instead of being created twice.
//
// A cluster is identified by its kube-system namespace's uid, not only by CLUSTER_NAME: two clusters sharing an
// AWS account can carry the same name (a copied overlay, a dev cluster), and a name alone let one adopt the
// other's claims and functions. The uid goes into the claim, the owner tags and the hash of every name derived
// from the cluster; CLUSTER_NAME stays in them only to be readable. Claims, tags and names written before
// (docs/adr/0011-cluster-identity.md) are recognised through the legacy* functions and migrated only on proof.
import { createHash } from "node:crypto";

/** This cluster: CLUSTER_NAME, readable, and the kube-system namespace's uid, unique. */
export interface ClusterIdentity {
  readonly cluster: string;
  readonly clusterUid: string;
}

export interface OwnerIdentity extends ClusterIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export const tagKeys = {
  /** The claim marker on the bucket, and the owner of every created resource. */
  owner: "securedcontent.io/owner",
  cluster: "securedcontent.io/cluster",
  /** The kube-system namespace's uid of the cluster that owns the resource. */
  clusterUid: "securedcontent.io/cluster-uid",
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

/**
 * `<prefix>-<readable part>-<hash>`, cut to `max` characters, with only the characters `allowed` permits. The
 * hash is of `hashed`.
 */
function boundedName(prefix: string, owner: OwnerIdentity, hashed: string, limit: { max: number; allowed: RegExp }): string {
  const { max, allowed } = limit;
  const hash = shortHash(hashed, 10);
  const readable = `${owner.namespace}-${owner.name}`.replace(allowed, "-").replace(/-+/g, "-");
  const room = max - prefix.length - hash.length - 2;
  return `${prefix}-${readable.slice(0, room).replace(/-$/, "")}-${hash}`;
}

/**
 * The key that identifies the owner in the claim tag and the owner tag: the cluster's uid and the resource's
 * uid first (unique, and never cut), then cluster, namespace and name for whoever reads the tag, fitted to a
 * tag value's 256 characters.
 */
export function ownerKey(owner: OwnerIdentity): string {
  return fitted(`${owner.clusterUid}/${owner.uid}/${owner.cluster}/${owner.namespace}/${owner.name}`, limits.tagValue);
}

/** The claim as written before the cluster uid: `cluster/namespace/name`, which two clusters can share. */
export function legacyOwnerKey(owner: Pick<OwnerIdentity, "cluster" | "namespace" | "name">): string {
  return fitted(`${owner.cluster}/${owner.namespace}/${owner.name}`, limits.tagValue);
}

const oacNameLimit = { max: 64, allowed: /[^a-zA-Z0-9-]/g };
const functionNameLimit = { max: 64, allowed: /[^a-zA-Z0-9-_]/g };

/**
 * The name of a resource's own origin access control, as the operator created them before OACs were shared.
 * Such an OAC is still used, and deleted with its resource; new resources use the shared ones, so this name
 * keeps its old hash.
 */
export function originAccessControlName(owner: OwnerIdentity): string {
  return boundedName("scb", owner, `${owner.cluster}/${owner.namespace}/${owner.name}`, oacNameLimit);
}

function sharedName(readableCluster: string, hashed: string, index: number): string {
  const suffix = `-${shortHash(hashed, 8)}-${String(index)}`;
  const readable = readableCluster.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-+/g, "-");
  const prefix = "scb-shared-";
  return `${prefix}${readable.slice(0, 64 - prefix.length - suffix.length).replace(/-$/, "")}${suffix}`;
}

/**
 * The name of the cluster's shared origin access control number `index` (1, 2, ...): up to 64 characters,
 * readable, and unique per cluster through a hash of the cluster's uid and name.
 */
export function sharedOriginAccessControlName(cluster: ClusterIdentity, index: number): string {
  return sharedName(cluster.cluster, `${cluster.clusterUid}/${cluster.cluster}`, index);
}

/** The shared OAC's name before the cluster uid, from the cluster name alone: two clusters can share it. */
export function legacySharedOriginAccessControlName(cluster: Pick<ClusterIdentity, "cluster">, index: number): string {
  return sharedName(cluster.cluster, cluster.cluster, index);
}

function indexIn(name: string | undefined, nameOf: (index: number) => string): number | undefined {
  const match = name === undefined ? null : /-(\d{1,6})$/.exec(name);
  const index = match?.[1] === undefined ? undefined : Number(match[1]);
  return index !== undefined && index >= 1 && nameOf(index) === name ? index : undefined;
}

/** The index of a shared origin access control of this cluster, from its name; undefined for any other name. */
export function sharedOriginAccessControlIndex(cluster: ClusterIdentity, name: string | undefined): number | undefined {
  return indexIn(name, (index) => sharedOriginAccessControlName(cluster, index));
}

/** The index of a shared OAC named the legacy way for this cluster name; undefined for any other name. */
export function legacySharedOriginAccessControlIndex(cluster: Pick<ClusterIdentity, "cluster">, name: string | undefined): number | undefined {
  return indexIn(name, (index) => legacySharedOriginAccessControlName(cluster, index));
}

/** Every edge function's name starts with this: the sweeper looks only at functions named so. */
export const edgeFunctionNamePrefix = "scb-edge-";

/**
 * Lambda function names: up to 64 characters of letters, digits, hyphens and underscores, hashed over the
 * cluster's uid and the resource's namespace and name (not its uid: a resource created again under the same
 * name takes back the function its predecessor left pending deletion).
 */
export function edgeFunctionName(owner: OwnerIdentity): string {
  return boundedName(edgeFunctionNamePrefix.slice(0, -1), owner, `${owner.clusterUid}/${owner.cluster}/${owner.namespace}/${owner.name}`, functionNameLimit);
}

/** The function's name before the cluster uid: two clusters of one name made the same one. */
export function legacyEdgeFunctionName(owner: OwnerIdentity): string {
  return boundedName(edgeFunctionNamePrefix.slice(0, -1), owner, `${owner.cluster}/${owner.namespace}/${owner.name}`, functionNameLimit);
}

/** Bucket-policy statement ids: letters and digits only, from the cluster's uid and the resource's uid. */
export function policyStatementId(owner: OwnerIdentity): string {
  return `SecuredContentCloudFrontRead${shortHash(`${owner.clusterUid}/${owner.uid}`, 12)}`;
}

/** The statement id before the cluster uid, from cluster, namespace and name; removed when ours is written. */
export function legacyPolicyStatementId(owner: Pick<OwnerIdentity, "cluster" | "namespace" | "name">): string {
  return `SecuredContentCloudFrontRead${shortHash(`${owner.cluster}/${owner.namespace}/${owner.name}`, 12)}`;
}

/** Tags every created resource carries. */
export function ownershipTags(owner: OwnerIdentity): Record<string, string> {
  return {
    [tagKeys.owner]: ownerKey(owner),
    [tagKeys.cluster]: owner.cluster,
    [tagKeys.clusterUid]: owner.clusterUid,
    [tagKeys.namespace]: owner.namespace,
    [tagKeys.name]: owner.name,
    [tagKeys.uid]: owner.uid,
  };
}

/**
 * What identifies the cluster in the names of AWS resources its SecuredContentBuckets share: the kube-system
 * namespace's uid with CLUSTER_NAME, so two clusters given the same name in one account never share them.
 */
export function clusterKey(owner: ClusterIdentity): string {
  return `${owner.clusterUid}/${owner.cluster}`;
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

/**
 * Whether a distribution's caller reference says it was created for the resource with this uid: the uid, or a
 * replacement's `<uid>/replaces/<id>`. The bucket's claim check uses it too, to prove a legacy claim.
 */
export function isCallerReferenceOf(callerReference: string | undefined, uid: string): boolean {
  return callerReference === uid || (callerReference?.startsWith(`${uid}/replaces/`) ?? false);
}
