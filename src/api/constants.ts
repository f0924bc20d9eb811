// Names that identify the SecuredContentBucket API: group, version, kind, condition types and the finalizer.

/** Where SecuredContentBucket lives in the Kubernetes API, as the CRD declares it. */
export const securedContentBucketResource = {
  group: "securedcontent.io",
  version: "v1alpha1",
  apiVersion: "securedcontent.io/v1alpha1",
  kind: "SecuredContentBucket",
  listKind: "SecuredContentBucketList",
  plural: "securedcontentbuckets",
  singular: "securedcontentbucket",
  shortNames: ["scb"],
  categories: ["securedcontent"],
  crdName: "securedcontentbuckets.securedcontent.io",
} as const;

/** Added before any AWS resource is created, removed once deletion has cleaned up. */
export const securedContentBucketFinalizer = "securedcontent.io/cleanup";

/**
 * Condition types. Ready, Reconciling and Stalled follow kstatus, so `kubectl wait --for=condition=Ready`,
 * Argo CD and Flux understand them; the others report one reconcile step each.
 */
export const conditionTypes = {
  ready: "Ready",
  reconciling: "Reconciling",
  stalled: "Stalled",
  bucketSecured: "BucketSecured",
  originAccessReady: "OriginAccessReady",
  edgeFunctionReady: "EdgeFunctionReady",
  distributionDeployed: "DistributionDeployed",
  /** The response headers policy (CORS, HSTS, Cache-Control: private) the distribution uses matches the spec. */
  responseHeadersReady: "ResponseHeadersReady",
  /** Whether CloudFront can decrypt what the bucket encrypts: Unknown when a KMS key policy must allow it. */
  encryptionCompatible: "EncryptionCompatible",
} as const;

export const conditionStatuses = ["True", "False", "Unknown"] as const;

export type ConditionStatus = (typeof conditionStatuses)[number];
