// Whether CloudFront can read what the bucket encrypts. Objects encrypted with SSE-KMS are served through an
// origin access control only if the KMS key's policy lets the CloudFront service principal decrypt for this
// distribution ("Restrict access to an Amazon S3 origin", CloudFront Developer Guide, the SSE-KMS section);
// otherwise every object is 403 at the edge. The operator's least-privilege role cannot read key policies, so it
// reports what it sees in the bucket's default encryption and the statement the key policy needs.
import { GetBucketEncryptionCommand, type ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import { conditionTypes } from "../../api/index.ts";
import { hasAwsCode } from "../../aws/errors.ts";
import type { ConditionUpdate } from "../../controller/conditions.ts";
import type { StepContext } from "../common/context.ts";

/** The key-policy statement that lets CloudFront decrypt objects for one distribution, and nothing else. */
export function cloudFrontDecryptStatement(distributionArn: string): Record<string, unknown> {
  return {
    Sid: "AllowCloudFrontToDecryptForSecuredContent",
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
  };
}

/** The AWS managed key for S3: its key policy cannot be edited, so CloudFront can never decrypt with it. */
function isAwsManagedS3Key(keyId: string | undefined): boolean {
  return keyId === undefined || keyId === "" || keyId === "alias/aws/s3" || keyId.endsWith(":alias/aws/s3");
}

/** The condition for the bucket's default encryption rules, as a pure function of what S3 returned. */
export function encryptionCondition(rules: readonly ServerSideEncryptionRule[], distributionArn: string, generation: number): ConditionUpdate {
  const type = conditionTypes.encryptionCompatible;
  const kms = rules.map((rule) => rule.ApplyServerSideEncryptionByDefault).find((byDefault) => byDefault?.SSEAlgorithm?.startsWith("aws:kms") === true);
  if (kms === undefined) {
    return { type, status: "True", reason: "NoKmsKey", message: "new objects are not encrypted with a KMS key, so CloudFront can read them", observedGeneration: generation };
  }
  if (isAwsManagedS3Key(kms.KMSMasterKeyID)) {
    return {
      type,
      status: "False",
      reason: "AwsManagedKmsKey",
      message:
        "the bucket encrypts new objects with the AWS managed key aws/s3, whose key policy cannot let CloudFront decrypt: " +
        "objects encrypted with it are 403 through CloudFront. Use SSE-S3 or a customer managed key",
      observedGeneration: generation,
    };
  }
  return {
    type,
    status: "Unknown",
    reason: "KmsKeyPolicyUnverified",
    message:
      `the bucket encrypts new objects with KMS key ${kms.KMSMasterKeyID ?? ""}; unless its key policy has this statement, ` +
      `objects are 403 through CloudFront: ${JSON.stringify(cloudFrontDecryptStatement(distributionArn))}`,
    observedGeneration: generation,
  };
}

/** Reads the bucket's default encryption and reports what it means for CloudFront. */
export async function checkEncryption(ctx: StepContext, distributionArn: string): Promise<ConditionUpdate> {
  const { name, region } = ctx.resource.spec.bucket;
  let rules: readonly ServerSideEncryptionRule[] = [];
  try {
    const result = await ctx.aws.s3(region).send(new GetBucketEncryptionCommand({ Bucket: name }), { abortSignal: ctx.signal });
    rules = result.ServerSideEncryptionConfiguration?.Rules ?? [];
  } catch (error) {
    if (!hasAwsCode(error, "ServerSideEncryptionConfigurationNotFoundError")) throw error;
  }
  return encryptionCondition(rules, distributionArn, ctx.resource.metadata.generation);
}
