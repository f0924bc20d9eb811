// The SecuredContentClass API: what a platform team lets the namespaces of a cluster secure, and with what.
// It follows the StorageClass / GatewayClass pattern: cluster-scoped, written by the platform team, named by
// each SecuredContentBucket in spec.className (or chosen as the cluster's default class).
import { z } from "zod";
import { withRules } from "./cel-rule.ts";
import {
  aliasSuffixRule,
  atLeastOnePatternRule,
  atLeastOneUserPoolRule,
  bucketNamePatternRules,
  edgeRoleWithRoleRule,
  externalIdNeedsRoleRule,
  externalIdRule,
  labelSelectorOperators,
  roleArnRule,
  selectorOnlyWithSelectorRule,
  selectorRequiredRule,
  selectorRequirementValuesRule,
  userPoolPatternRule,
} from "./class-rules.ts";
import { acmCertificateArnRule, webAclArnRule } from "./rules.ts";
import { storedObjectMetaSchema } from "./secured-content-bucket.ts";
import { deletionPolicies, loggingSchema, priceClasses, setOf } from "./spec.ts";
import { conditionSchema } from "./status.ts";

/** Where SecuredContentClass lives in the Kubernetes API, as its CRD declares it. */
export const securedContentClassResource = {
  group: "securedcontent.io",
  version: "v1alpha1",
  apiVersion: "securedcontent.io/v1alpha1",
  kind: "SecuredContentClass",
  listKind: "SecuredContentClassList",
  plural: "securedcontentclasses",
  singular: "securedcontentclass",
  shortNames: ["scbclass"],
  categories: ["securedcontent"],
  crdName: "securedcontentclasses.securedcontent.io",
} as const;

/** The annotation that makes a class the one used by resources without spec.className (as for StorageClass). */
export const defaultClassAnnotation = "securedcontent.io/is-default-class";

/** The condition a class reports: whether the operator can use it. */
export const classConditionTypes = { accepted: "Accepted" } as const;

export const namespacesFrom = ["All", "Selector"] as const;
export const ownerConsents = ["Required", "Waived"] as const;

const labelSelectorRequirementSchema = withRules(
  z.object({
    key: z.string().min(1).max(317).describe("The label key the requirement applies to."),
    operator: z.enum(labelSelectorOperators).describe("How the key relates to the values: In, NotIn, Exists or DoesNotExist."),
    values: z
      .array(z.string().max(63))
      .max(64)
      .exactOptional()
      .describe("Values for In and NotIn; empty for Exists and DoesNotExist."),
  }),
  [selectorRequirementValuesRule],
).describe("A label selector requirement, as in metav1.LabelSelector.");

export const labelSelectorSchema = z
  .object({
    matchLabels: z
      .record(z.string(), z.string().max(63))
      .exactOptional()
      .describe("Labels a namespace must all have, with these values."),
    matchExpressions: z
      .array(labelSelectorRequirementSchema)
      .max(32)
      .exactOptional()
      .describe("Requirements a namespace's labels must all meet."),
  })
  .describe("A metav1.LabelSelector over namespace labels; matchLabels and matchExpressions must all hold.");

export const classNamespacesSchema = withRules(
  z.object({
    from: z
      .enum(namespacesFrom)
      .describe("All: every namespace may use the class. Selector: only namespaces whose labels match selector."),
    selector: labelSelectorSchema.exactOptional(),
  }),
  [selectorRequiredRule, selectorOnlyWithSelectorRule],
).describe(
  "Which namespaces may use the class, as Gateway API's allowedRoutes.namespaces. To select namespaces by name, " +
    "match the label kubernetes.io/metadata.name that Kubernetes puts on every namespace.",
);

export const classBucketsSchema = z
  .object({
    namePatterns: withRules(setOf(withRules(z.string().min(1).max(63), bucketNamePatternRules), 64), [atLeastOnePatternRule]).describe(
      "Bucket names the class allows, each a bucket name in which * stands for any run of characters, such as courses-*.",
    ),
    ownerConsent: z
      .enum(ownerConsents)
      .default("Required")
      .describe(
        "Required (the default): a bucket is used only when its owners tagged it securedcontent.io/allowed-consumers " +
          "with this cluster and the resource's namespace. Waived: the class alone decides, for buckets the platform team owns.",
      ),
  })
  .describe("Which buckets resources of the class may secure.");

export const classDomainsSchema = z
  .object({
    aliasSuffixes: setOf(withRules(z.string().max(253), [aliasSuffixRule]), 64)
      .default([])
      .describe(
        "Domains under which aliases are allowed: an alias must be one of them or end with . and one of them. " +
          "Empty (the default): no aliases.",
      ),
    allowWildcardAliases: z
      .boolean()
      .default(false)
      .describe("Whether aliases such as *.courses.example.com are allowed (under a listed suffix). Defaults to false."),
    certificateArns: setOf(withRules(z.string().max(256), [acmCertificateArnRule]), 64)
      .default([])
      .describe("ACM certificates resources of the class may use as acmCertificateArn. Empty (the default): none."),
  })
  .prefault({})
  .describe("Which alternate domain names and certificates resources of the class may use. Omit to allow none.");

export const classAwsSchema = withRules(
  z.object({
    roleArn: withRules(z.string().max(2048), [roleArnRule])
      .exactOptional()
      .describe(
        "IAM role the operator assumes through STS for everything resources of this class manage (their buckets, " +
          "distributions and edge functions are in that role's account), so one operator can serve several " +
          "accounts. Its trust policy must let the operator's identity assume it. Omit to act as the operator itself.",
      ),
    externalId: withRules(z.string().min(2).max(1224), [externalIdRule])
      .exactOptional()
      .describe("External id to pass when assuming roleArn, if its trust policy requires one."),
    edgeFunctionRoleArn: withRules(z.string().max(2048), [roleArnRule])
      .exactOptional()
      .describe(
        "Execution role of the edge functions in roleArn's account (deploy/iam/edge-function-role.json), required " +
          "with roleArn: Lambda only passes a role of the function's own account.",
      ),
  }),
  [externalIdNeedsRoleRule, edgeRoleWithRoleRule],
).describe("The AWS identity to act as. Omit to use the operator's own identity.");

export const classDefaultsSchema = z
  .object({
    priceClass: z.enum(priceClasses).exactOptional().describe("spec.distribution.priceClass for resources that leave it out."),
    webAclArn: withRules(z.string().max(512), [webAclArnRule])
      .exactOptional()
      .describe("spec.distribution.webAclArn for resources that leave it out."),
    logging: loggingSchema.exactOptional(),
    deletionPolicy: z.enum(deletionPolicies).exactOptional().describe("spec.deletionPolicy for resources that leave it out."),
  })
  .describe("Values for the optional fields a resource leaves out. A field the resource sets is never overridden.");

export const securedContentClassSpecSchema = z
  .object({
    namespaces: classNamespacesSchema,
    buckets: classBucketsSchema,
    userPools: withRules(setOf(withRules(z.string().max(64), [userPoolPatternRule]), 64), [atLeastOneUserPoolRule]).describe(
      "Cognito user pools whose tokens resources of the class may trust, by id, or as a pattern with * (a pattern " +
        "trusts pools in any account, including ones the tenant controls: use it only for development).",
    ),
    domains: classDomainsSchema,
    aws: classAwsSchema.exactOptional(),
    defaults: classDefaultsSchema.exactOptional(),
  })
  .describe("What resources of the class may secure, and the defaults they get.");

export const securedContentClassStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).exactOptional().describe("The metadata.generation this status describes."),
    resourceCount: z
      .int()
      .min(0)
      .exactOptional()
      .describe("How many SecuredContentBuckets use the class (by spec.className, or as the default class), allowed or not."),
    conditions: z
      .array(conditionSchema)
      .max(8)
      .exactOptional()
      .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] })
      .describe("Accepted: True when the operator can use the class, False with the reason when it cannot."),
  })
  .describe("The observed state, written by the operator.");

/** A stored object's metadata, without a namespace: classes are cluster-scoped. */
export const classObjectMetaSchema = storedObjectMetaSchema.omit({ namespace: true });

export const securedContentClassSchema = z.object({
  apiVersion: z.literal(securedContentClassResource.apiVersion).default(securedContentClassResource.apiVersion),
  kind: z.literal(securedContentClassResource.kind).default(securedContentClassResource.kind),
  metadata: classObjectMetaSchema,
  spec: securedContentClassSpecSchema,
  status: securedContentClassStatusSchema.exactOptional(),
});

export type SecuredContentClassSpec = z.output<typeof securedContentClassSpecSchema>;
export type SecuredContentClassSpecInput = z.input<typeof securedContentClassSpecSchema>;
export type SecuredContentClassStatus = z.output<typeof securedContentClassStatusSchema>;
export type SecuredContentClass = z.output<typeof securedContentClassSchema>;
export type LabelSelector = z.output<typeof labelSelectorSchema>;
export type OwnerConsent = (typeof ownerConsents)[number];
