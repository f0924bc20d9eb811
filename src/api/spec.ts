// The desired state of a SecuredContentBucket: which bucket, who may read it, and how CloudFront serves it.
import { z } from "zod";
import {
  defaultCorsMaxAgeSeconds,
  maxClientIdLength,
  maxClientIds,
  maxCorsMaxAgeSeconds,
  maxCorsOriginLength,
  maxCorsOrigins,
  maxGroupNameLength,
  maxRequiredGroups,
} from "../../edge-auth/src/limits.ts";
import { withRules } from "./cel-rule.ts";
import { classNameRule } from "./class-rules.ts";
import {
  acmCertificateArnRule,
  aliasRule,
  aliasesNeedCertificateRule,
  allowedOriginRules,
  atLeastOneClientIdRule,
  atLeastOneOriginRule,
  atLeastOneGroupRule,
  atLeastOneTokenSourceRule,
  bucketNameRules,
  cachePolicyRule,
  clientIdRule,
  configMapNameRule,
  immutableBucketNameRule,
  immutableBucketRegionRule,
  regionRule,
  userPoolIdRule,
  webAclArnRule,
} from "./rules.ts";

/** A list whose items are unique; the API server enforces that through `x-kubernetes-list-type: set`. */
export function setOf<T extends z.ZodType>(item: T, maxItems: number) {
  return z
    .array(item)
    .max(maxItems)
    .refine((items) => new Set(items).size === items.length, { error: "must not contain duplicates" })
    .meta({ "x-kubernetes-list-type": "set" });
}

const bucketName = withRules(z.string().max(63), bucketNameRules);

export const tokenUses = ["id", "access"] as const;
export const tokenSources = ["authorizationHeader", "cookie"] as const;
export const priceClasses = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export const deletionPolicies = ["Delete", "Retain"] as const;
export const defaultPriceClass = "PriceClass_100";
export const defaultDeletionPolicy = "Delete";

export const bucketSchema = z
  .object({
    name: withRules(bucketName, [immutableBucketNameRule]).describe(
      "Name of an existing S3 bucket. The operator makes it private and never deletes it or its objects. Immutable.",
    ),
    region: withRules(z.string().max(32), [regionRule, immutableBucketRegionRule]).describe(
      "AWS region the bucket lives in, such as us-east-1. Immutable.",
    ),
  })
  .describe("The existing S3 bucket to serve. It is claimed with a tag, so only one SecuredContentBucket can own it.");

export const authSchema = z
  .object({
    userPoolId: withRules(z.string().max(55), [userPoolIdRule]).describe(
      "Cognito user pool that signs the tokens, as <region>_<id> (such as us-east-1_AbCdEf123); its region comes from the prefix.",
    ),
    clientIds: withRules(setOf(withRules(z.string().max(maxClientIdLength), [clientIdRule]), maxClientIds), [atLeastOneClientIdRule]).describe(
      "App clients whose tokens are accepted: the aud claim of ID tokens, or the client_id claim of access tokens, must be one of them.",
    ),
    requiredGroups: withRules(setOf(z.string().min(1).max(maxGroupNameLength), maxRequiredGroups), [atLeastOneGroupRule]).describe(
      "Cognito groups allowed to read the content: the cognito:groups claim must contain at least one of them.",
    ),
    tokenUse: z
      .enum(tokenUses)
      .default("id")
      .describe("Which Cognito token the viewer presents: id (the default) or access. Its token_use claim must match."),
    tokenSources: withRules(setOf(z.enum(tokenSources), 2), [atLeastOneTokenSourceRule])
      .default([...tokenSources])
      .describe(
        "Where the edge function looks for the token: authorizationHeader (Authorization: Bearer <jwt>) and cookie " +
          "(the Cognito/Amplify cookie, which makes <video src> work). Defaults to both.",
      ),
  })
  .describe("Who may read the content: signed-in users of a Cognito user pool, through given app clients, in given groups.");

export const corsSchema = z
  .object({
    allowedOrigins: withRules(setOf(withRules(z.string().max(maxCorsOriginLength), allowedOriginRules), maxCorsOrigins), [atLeastOneOriginRule]).describe(
      "Web app origins whose scripts may read the content cross-origin, each exactly as the browser sends it in the " +
        "Origin header: https://<host>[:port], lowercase, with no path, trailing slash, default port or wildcard. " +
        "http:// is accepted only for localhost, 127.0.0.1 and [::1], for local development.",
    ),
    allowCredentials: z
      .boolean()
      .default(false)
      .describe(
        "Whether those origins may send cookies: set it when the app reads with fetch credentials: include or a " +
          "use-credentials media element. Defaults to false.",
      ),
    maxAgeSeconds: z
      .int()
      .min(0)
      .max(maxCorsMaxAgeSeconds)
      .default(defaultCorsMaxAgeSeconds)
      .describe(`Seconds a browser may reuse a preflight's answer (Access-Control-Max-Age). Defaults to ${defaultCorsMaxAgeSeconds}; Chromium caps it at 7200.`),
  })
  .describe(
    "Cross-origin reads from web apps on other origins. The edge function answers their CORS preflights itself and " +
      "lets them read its 401 and 403. Omit to allow no cross-origin reads (every preflight is refused).",
  );

export const loggingSchema = z
  .object({
    bucket: bucketName.describe(
      "Name of the S3 bucket that receives CloudFront standard logs. It must have ACLs enabled, and the shipped " +
        "operator policy lets CloudFront set its ACL only on buckets named *-cloudfront-logs (deploy/iam/README.md).",
    ),
    prefix: z.string().max(256).exactOptional().describe("Key prefix of the log files, such as cloudfront/courses/. Defaults to none."),
  })
  .describe("CloudFront standard logging. Omit to turn logging off.");

export const distributionSchema = withRules(
  z.object({
    // Defaulted by the parser, not the API server, so a class's default can apply when the field is left out.
    priceClass: z
      .enum(priceClasses)
      .optional()
      .transform((priceClass) => priceClass ?? defaultPriceClass)
      .describe(
        "Which edge locations serve the content: PriceClass_100, PriceClass_200 or PriceClass_All. Left out, the " +
          "class's default applies, else PriceClass_100 (the cheapest).",
      ),
    aliases: setOf(withRules(z.string().max(253), [aliasRule]), 100)
      .default([])
      .describe("Alternate domain names (CNAMEs) such as courses.example.com. They require acmCertificateArn."),
    acmCertificateArn: withRules(z.string().max(256), [acmCertificateArnRule])
      .exactOptional()
      .describe("ARN of an ACM certificate in us-east-1 that covers the aliases. Without it, the CloudFront domain is used."),
    webAclArn: withRules(z.string().max(512), [webAclArnRule])
      .exactOptional()
      .describe("ARN of a WAFv2 web ACL with CloudFront scope to attach to the distribution. Omit for none."),
    cachePolicy: withRules(z.string().max(64), [cachePolicyRule])
      .default("CachingOptimized")
      .describe("Cache policy of the default behaviour: CachingOptimized (the default), CachingDisabled, or the id of a cache policy."),
    compress: z.boolean().default(true).describe("Whether CloudFront compresses content it can compress. Defaults to true."),
    logging: loggingSchema.exactOptional(),
    comment: z.string().max(128).exactOptional().describe("Comment on the distribution, shown in the CloudFront console."),
  }),
  [aliasesNeedCertificateRule],
)
  .prefault({})
  .describe("How CloudFront serves the bucket. Every field is optional and has a sensible default.");

export const exportSchema = z
  .object({
    configMapName: withRules(z.string().max(253), [configMapNameRule])
      .exactOptional()
      .describe(
        "Name of a ConfigMap, in the namespace of this resource, that receives the distribution's domain, URL and ids " +
          "for the Content Delivery service. Omit for none.",
      ),
  })
  .describe("Where to publish the distribution's address for other workloads.");

export const securedContentBucketSpecSchema = z
  .object({
    bucket: bucketSchema,
    auth: authSchema,
    distribution: distributionSchema,
    cors: corsSchema.exactOptional(),
    export: exportSchema.exactOptional(),
    // Defaulted by the parser, not the API server, so a class's default can apply when the field is left out.
    deletionPolicy: z
      .enum(deletionPolicies)
      .optional()
      .transform((policy) => policy ?? defaultDeletionPolicy)
      .describe(
        "What deleting this resource does in AWS. Delete removes the distribution, the response headers policy (once " +
          "no other resource uses it), origin access control, edge function and bucket policy statement; Retain leaves them. The bucket and its objects are never deleted. " +
          "Left out, the class's default applies, else Delete.",
      ),
    className: withRules(z.string().min(1).max(253), [classNameRule])
      .exactOptional()
      .describe(
        "Name of the SecuredContentClass that allows this resource: which namespaces, buckets, user pools and " +
          "domains it may use, and defaults for the fields left out. Left out, the class annotated " +
          "securedcontent.io/is-default-class: \"true\" applies.",
      ),
  })
  .describe("The desired state: the bucket to secure, who may read it, and how CloudFront serves it.");

export type SecuredContentBucketSpec = z.output<typeof securedContentBucketSpecSchema>;
export type SecuredContentBucketSpecInput = z.input<typeof securedContentBucketSpecSchema>;
export type TokenUse = (typeof tokenUses)[number];
export type TokenSource = (typeof tokenSources)[number];
export type CorsSpec = z.output<typeof corsSchema>;
