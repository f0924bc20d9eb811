// The observed state of a SecuredContentBucket: the AWS resources the operator manages, and its conditions.
import { z } from "zod";
import { conditionStatuses } from "./constants.ts";

// The patterns and limits of metav1.Condition, so conditions written by any tool fit.
const conditionTypePattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const conditionReasonPattern = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const conditionSchema = z
  .object({
    type: z.string().max(316).regex(conditionTypePattern).describe(
      "Type of the condition: Ready, Reconciling and Stalled (kstatus), or one per step: BucketSecured, " +
        "OriginAccessReady, EdgeFunctionReady, ResponseHeadersReady, DistributionDeployed, EncryptionCompatible.",
    ),
    status: z.enum(conditionStatuses).describe("Status of the condition: True, False or Unknown."),
    observedGeneration: z
      .int()
      .min(0)
      .exactOptional()
      .describe("The metadata.generation the condition was set for. Older than metadata.generation means stale."),
    lastTransitionTime: z.iso
      .datetime({ offset: true })
      .describe("When the condition last changed from one status to another."),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(conditionReasonPattern)
      .describe("Machine-readable reason for the last transition, in CamelCase, such as InvalidSpec or OwnershipConflict."),
    message: z.string().max(32768).describe("Human-readable details about the last transition. May be empty."),
  })
  .describe("A metav1.Condition.");

export const distributionStatuses = ["InProgress", "Deployed"] as const;

export const distributionStatusSchema = z
  .object({
    id: z.string().max(64).describe("CloudFront distribution id, such as E2QWRUHAPOMQZL."),
    arn: z.string().max(256).describe("ARN of the distribution; the bucket policy trusts it as AWS:SourceArn."),
    domainName: z.string().max(256).describe("Domain name CloudFront assigned, such as d111111abcdef8.cloudfront.net."),
    status: z
      .enum(distributionStatuses)
      .describe("Deployment status as CloudFront reports it: InProgress while changes propagate, then Deployed."),
  })
  .describe("The CloudFront distribution in front of the bucket.");

export const edgeFunctionStatusSchema = z
  .object({
    name: z.string().max(64).describe("Name of the Lambda@Edge function, in us-east-1."),
    arn: z.string().max(256).describe("ARN of the function, without a version qualifier."),
    version: z
      .string()
      .max(16)
      .exactOptional()
      .describe("Numbered version associated with the distribution's viewer-request event."),
    codeSha256: z
      .string()
      .max(64)
      .exactOptional()
      .describe("Base64 sha256 of the deployed package; a new version is published only when it changes."),
  })
  .describe("The Lambda@Edge function that checks the Cognito token on every viewer request.");

/** The status the API server fills in before the operator writes one: nothing observed yet. */
export const notYetObserved = -1;

export const securedContentBucketStatusSchema = z
  .object({
    observedGeneration: z
      .int()
      .min(notYetObserved)
      .exactOptional()
      .describe(
        "The metadata.generation this status describes; -1 (the default) until the operator has seen the resource, " +
          "so kstatus and Flux read a new resource as InProgress rather than Current.",
      ),
    url: z
      .string()
      .max(2048)
      .exactOptional()
      .describe("Base URL to hand out for the content, such as https://d111111abcdef8.cloudfront.net."),
    distribution: distributionStatusSchema.exactOptional(),
    originAccessControlId: z
      .string()
      .max(64)
      .exactOptional()
      .describe("Id of the CloudFront origin access control that signs requests to the bucket."),
    edgeFunction: edgeFunctionStatusSchema.exactOptional(),
    responseHeadersPolicyId: z
      .string()
      .max(64)
      .exactOptional()
      .describe("Id of the CloudFront response headers policy (CORS, HSTS, Cache-Control: private) the distribution uses."),
    conditions: z
      .array(conditionSchema)
      .max(32)
      .exactOptional()
      .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] })
      .describe("Current state: Ready, Reconciling and Stalled (kstatus), plus one condition per reconcile step."),
  })
  .describe("The observed state, written by the operator.");

export type DistributionStatus = z.output<typeof distributionStatusSchema>;
export type EdgeFunctionStatus = z.output<typeof edgeFunctionStatusSchema>;
export type SecuredContentBucketStatus = z.output<typeof securedContentBucketStatusSchema>;
