// The CloudFront distribution we want, as a pure function of the spec and the facts gathered so far, and the
// rules for updating a live one: start from its current config, change only the fields we own, and compare
// only those, so defaults CloudFront adds and settings others make never cause an update loop.
import type { DistributionConfig, LambdaFunctionAssociation, Origin } from "@aws-sdk/client-cloudfront";
import { managedCachePolicyIds, type ManagedCachePolicy, type SecuredContentBucket } from "../../api/index.ts";
import { deepEqual } from "../../util/deep-equal.ts";
import { fitted, limits } from "../common/naming.ts";

/** The id of a managed cache policy named in the spec, or the id the spec gives. */
export function cachePolicyId(nameOrId: string): string {
  return nameOrId in managedCachePolicyIds ? managedCachePolicyIds[nameOrId as ManagedCachePolicy] : nameOrId;
}

export interface DistributionInputs {
  /**
   * The CR's uid, or for a distribution that replaces one deleted out of band, the uid and the replaced id
   * (see replacementCallerReference): CloudFront refuses a second distribution with a caller reference it saw.
   */
  readonly callerReference: string;
  readonly bucket: string;
  readonly bucketRegion: string;
  readonly originAccessControlId: string;
  /**
   * The numbered version ARN of the edge function (Lambda@Edge never accepts $LATEST); undefined drops the
   * association, as deletion does before it disables the distribution.
   */
  readonly viewerRequestFunctionArn: string | undefined;
  /** The resource's response headers policy: CORS, HSTS and Cache-Control: private on every response. */
  readonly responseHeadersPolicyId: string;
  readonly priceClass: string;
  readonly aliases: readonly string[];
  readonly acmCertificateArn: string;
  readonly webAclArn: string;
  readonly cachePolicy: string;
  readonly compress: boolean;
  readonly logging: { readonly bucket: string; readonly prefix: string };
  readonly comment: string;
  readonly enabled: boolean;
}

export const originId = "securedcontent-s3";

/** What the other steps found out: the OAC, the edge function version and the headers policy the distribution must use. */
export interface DistributionFacts {
  readonly originAccessControlId: string;
  readonly viewerRequestFunctionArn: string | undefined;
  readonly responseHeadersPolicyId: string;
}

/**
 * The caller reference of a distribution created because the one recorded in status was deleted out of band.
 * CloudFront refuses a caller reference it has seen before, so the replacement cannot reuse the uid; naming the
 * replaced id keeps it deterministic, so a crash before the new id is recorded finds the replacement again.
 */
export function replacementCallerReference(uid: string, replacedId: string): string {
  return `${uid}/replaces/${replacedId}`;
}

export { isCallerReferenceOf } from "../common/naming.ts";

/** The inputs for a resource's distribution: the spec with its defaults, plus the facts. */
export function distributionInputs(resource: SecuredContentBucket, facts: DistributionFacts): DistributionInputs {
  const { metadata, spec } = resource;
  const distribution = spec.distribution;
  return {
    callerReference: metadata.uid,
    bucket: spec.bucket.name,
    bucketRegion: spec.bucket.region,
    originAccessControlId: facts.originAccessControlId,
    viewerRequestFunctionArn: facts.viewerRequestFunctionArn,
    responseHeadersPolicyId: facts.responseHeadersPolicyId,
    priceClass: distribution.priceClass,
    aliases: distribution.aliases,
    acmCertificateArn: distribution.acmCertificateArn ?? "",
    webAclArn: distribution.webAclArn ?? "",
    cachePolicy: distribution.cachePolicy,
    compress: distribution.compress,
    logging:
      distribution.logging === undefined
        ? { bucket: "", prefix: "" }
        : { bucket: loggingBucketDomain(distribution.logging.bucket), prefix: distribution.logging.prefix ?? "" },
    comment: distribution.comment ?? fitted(`${metadata.namespace}/${metadata.name}`, limits.distributionComment),
    enabled: true,
  };
}

/** CloudFront names the log bucket by its global S3 domain, whatever its region. */
export function loggingBucketDomain(bucket: string): string {
  return `${bucket}.s3.amazonaws.com`;
}

export function s3OriginDomain(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com`;
}

function viewerRequestAssociation(functionArn: string): LambdaFunctionAssociation {
  return { EventType: "viewer-request", LambdaFunctionARN: functionArn, IncludeBody: false };
}

function ownedOrigin(inputs: DistributionInputs): Origin {
  return {
    Id: originId,
    DomainName: s3OriginDomain(inputs.bucket, inputs.bucketRegion),
    OriginPath: "",
    CustomHeaders: { Quantity: 0, Items: [] },
    S3OriginConfig: { OriginAccessIdentity: "" },
    OriginAccessControlId: inputs.originAccessControlId,
    ConnectionAttempts: 3,
    ConnectionTimeout: 10,
  };
}

function list<T>(items: readonly T[]): { Quantity: number; Items: T[] } {
  return { Quantity: items.length, Items: [...items] };
}

/** The fields of a distribution config this operator owns, for a create or for overlaying onto a live config. */
function ownedTopLevel(inputs: DistributionInputs): Partial<DistributionConfig> {
  const certificate =
    inputs.acmCertificateArn === ""
      ? { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: "TLSv1" as const }
      : { ACMCertificateArn: inputs.acmCertificateArn, SSLSupportMethod: "sni-only" as const, MinimumProtocolVersion: "TLSv1.2_2021" as const };
  return {
    Comment: inputs.comment,
    Enabled: inputs.enabled,
    PriceClass: inputs.priceClass as DistributionConfig["PriceClass"],
    Aliases: list(inputs.aliases),
    ViewerCertificate: certificate,
    WebACLId: inputs.webAclArn,
    Logging: {
      Enabled: inputs.logging.bucket !== "",
      IncludeCookies: false,
      Bucket: inputs.logging.bucket,
      Prefix: inputs.logging.prefix,
    },
    HttpVersion: "http2and3",
    IsIPV6Enabled: true,
  };
}

/** The default behaviour's fields we own; the rest of the behaviour is left as CloudFront has it. */
function ownedBehaviour(inputs: DistributionInputs): Record<string, unknown> {
  return {
    TargetOriginId: originId,
    // https only: a token must never travel in clear, not even to be redirected (and the viewer-request function
    // does not run on CloudFront's redirect). OPTIONS lets browsers' CORS preflights reach the edge function,
    // which answers them; only GET and HEAD are cached.
    ViewerProtocolPolicy: "https-only",
    AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } },
    CachePolicyId: cachePolicyId(inputs.cachePolicy),
    ResponseHeadersPolicyId: inputs.responseHeadersPolicyId,
    Compress: inputs.compress,
    LambdaFunctionAssociations: list(
      inputs.viewerRequestFunctionArn === undefined ? [] : [viewerRequestAssociation(inputs.viewerRequestFunctionArn)],
    ),
  };
}

/** A complete config for CreateDistribution. */
export function desiredDistributionConfig(inputs: DistributionInputs): DistributionConfig {
  return {
    CallerReference: inputs.callerReference,
    DefaultRootObject: "",
    Origins: list([ownedOrigin(inputs)]),
    DefaultCacheBehavior: {
      ...ownedBehaviour(inputs),
      SmoothStreaming: false,
      FieldLevelEncryptionId: "",
    } as DistributionConfig["DefaultCacheBehavior"],
    CacheBehaviors: { Quantity: 0, Items: [] },
    CustomErrorResponses: { Quantity: 0, Items: [] },
    Restrictions: { GeoRestriction: { RestrictionType: "none", Quantity: 0, Items: [] } },
    ...ownedTopLevel(inputs),
  } as DistributionConfig;
}

/** The live config with our fields overlaid; other origins, behaviours and settings are kept as they are. */
export function withOwnedFields(current: DistributionConfig, inputs: DistributionInputs): DistributionConfig {
  const origins = current.Origins?.Items ?? [];
  const ours = ownedOrigin(inputs);
  const existing = origins.find((o) => o.Id === originId);
  // Only the leaves we set are ours: CloudFront fills in others (S3OriginConfig.OriginReadTimeout, say), and a
  // value someone else set there survives our update.
  const mergedOrigin: Origin =
    existing === undefined
      ? ours
      : {
          ...existing,
          DomainName: ours.DomainName,
          OriginAccessControlId: ours.OriginAccessControlId,
          S3OriginConfig: { ...existing.S3OriginConfig, OriginAccessIdentity: "" },
        };
  const mergedOrigins = existing === undefined ? [mergedOrigin, ...origins] : origins.map((o) => (o.Id === originId ? mergedOrigin : o));
  return {
    ...current,
    ...ownedTopLevel(inputs),
    Origins: list(mergedOrigins),
    DefaultCacheBehavior: { ...withoutLegacyCaching(current.DefaultCacheBehavior), ...ownedBehaviour(inputs) } as DistributionConfig["DefaultCacheBehavior"],
  };
}

/** CloudFront refuses ForwardedValues beside a CachePolicyId; a behaviour switched to legacy caching by hand loses it. */
function withoutLegacyCaching(behaviour: DistributionConfig["DefaultCacheBehavior"]): Partial<NonNullable<DistributionConfig["DefaultCacheBehavior"]>> {
  return Object.fromEntries(Object.entries(behaviour ?? {}).filter(([key]) => key !== "ForwardedValues"));
}

/**
 * The owned fields an update would change, named as in the config (`Comment`, `Origin.OriginAccessControlId`,
 * `DefaultCacheBehavior.LambdaFunctionAssociations`, ...), for Events and logs; empty when in sync.
 */
export function changedOwnedFields(current: DistributionConfig, inputs: DistributionInputs): string[] {
  const before = flatten(ownedProjection(current));
  const after = flatten(ownedProjection(withOwnedFields(current, inputs)));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((key) => !deepEqual(before[key], after[key]));
}

const projectionNames: Readonly<Record<string, string>> = { origin: "Origin", behaviour: "DefaultCacheBehavior" };

/** One level down into the origin and the behaviour, so a change names the field rather than the block. */
function flatten(projection: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(projection)) {
    const prefix = projectionNames[key];
    if (prefix === undefined || typeof value !== "object" || value === null) flat[prefix ?? key] = value;
    else for (const [inner, innerValue] of Object.entries(value)) flat[`${prefix}.${inner}`] = innerValue;
  }
  return flat;
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, object[k]])) as Pick<T, K>;
}

/**
 * Exactly the leaves we own, normalized: CloudFront omits empty Items lists, adds defaults we do not manage, and
 * does not keep the order of set-like lists (methods, aliases), so those are compared as sets.
 */
function ownedProjection(config: DistributionConfig): Record<string, unknown> {
  const origin = config.Origins?.Items?.find((o) => o.Id === originId);
  const behaviour = (config.DefaultCacheBehavior ?? {}) as Record<string, unknown>;
  const topLevel = pick(config, ["Comment", "Enabled", "PriceClass", "WebACLId", "Logging", "HttpVersion", "IsIPV6Enabled"]);
  return normalizeLists({
    ...topLevel,
    Aliases: setOf(config.Aliases?.Items),
    ViewerCertificate: certificateProjection(config.ViewerCertificate),
    origin:
      origin === undefined
        ? undefined
        : {
            DomainName: origin.DomainName,
            "S3OriginConfig.OriginAccessIdentity": origin.S3OriginConfig?.OriginAccessIdentity,
            OriginAccessControlId: origin.OriginAccessControlId,
          },
    behaviour: {
      ...Object.fromEntries(Object.keys(ownedBehaviourKeys).map((k) => [k, behaviour[k]])),
      AllowedMethods: setOf(config.DefaultCacheBehavior?.AllowedMethods?.Items),
      "AllowedMethods.CachedMethods": setOf(config.DefaultCacheBehavior?.AllowedMethods?.CachedMethods?.Items),
    },
  }) as Record<string, unknown>;
}

/** A set-like list as CloudFront may return it, in any order: sorted, and absent counted as empty. */
function setOf(items: readonly string[] | undefined): string[] {
  return [...(items ?? [])].sort();
}

/**
 * CloudFront returns the certificate with fields it derives (CertificateSource, Certificate, IAMCertificateId,
 * an SSLSupportMethod for the default certificate), so only what decides the certificate is compared.
 */
function certificateProjection(certificate: DistributionConfig["ViewerCertificate"]): unknown {
  if (certificate === undefined) return undefined;
  if (certificate.CloudFrontDefaultCertificate === true) return { CloudFrontDefaultCertificate: true };
  return pick(certificate, ["ACMCertificateArn", "SSLSupportMethod", "MinimumProtocolVersion"]);
}

const ownedBehaviourKeys = {
  TargetOriginId: true,
  ViewerProtocolPolicy: true,
  AllowedMethods: true,
  CachePolicyId: true,
  ResponseHeadersPolicyId: true,
  Compress: true,
  LambdaFunctionAssociations: true,
} as const;

/** `{Quantity: 0}` and `{Quantity: 0, Items: []}` mean the same; so do absent and empty strings for a few fields. */
function normalizeLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeLists);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalizeLists(v)] as const);
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (typeof object["Quantity"] === "number" && object["Items"] === undefined) object["Items"] = [];
  return object;
}

/** The live config, disabled and without the viewer-request association; everything else as it is. */
export function disabledForDeletion(config: DistributionConfig): DistributionConfig {
  return {
    ...config,
    Enabled: false,
    DefaultCacheBehavior: { ...config.DefaultCacheBehavior, LambdaFunctionAssociations: { Quantity: 0, Items: [] } } as DistributionConfig["DefaultCacheBehavior"],
  };
}

/** Whether deletion must still disable the distribution or drop its association before it can delete it. */
export function needsDisabling(config: DistributionConfig): boolean {
  return config.Enabled === true || (config.DefaultCacheBehavior?.LambdaFunctionAssociations?.Quantity ?? 0) > 0;
}
