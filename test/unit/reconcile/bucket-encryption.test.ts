import { describe, expect, it } from "vitest";
import { cloudFrontDecryptStatement, encryptionCondition } from "../../../src/reconcile/bucket/encryption.ts";

const arn = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE";

describe("what the bucket's default encryption means for CloudFront", () => {
  it("is fine without KMS: no rules, or SSE-S3", () => {
    expect(encryptionCondition([], arn, 3)).toMatchObject({ type: "EncryptionCompatible", status: "True", reason: "NoKmsKey", observedGeneration: 3 });
    expect(encryptionCondition([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }], arn, 3).status).toBe("True");
  });

  it("is False with the AWS managed key aws/s3, whose policy cannot let CloudFront in", () => {
    for (const keyId of [undefined, "alias/aws/s3", "arn:aws:kms:eu-west-1:123456789012:alias/aws/s3"]) {
      const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" as const, ...(keyId === undefined ? {} : { KMSMasterKeyID: keyId }) } };
      expect(encryptionCondition([rule], arn, 1)).toMatchObject({ status: "False", reason: "AwsManagedKmsKey" });
    }
  });

  it("is Unknown with a customer managed key, and names the key-policy statement this distribution needs", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const condition = encryptionCondition([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms:dsse", KMSMasterKeyID: key } }], arn, 1);
    expect(condition).toMatchObject({ status: "Unknown", reason: "KmsKeyPolicyUnverified" });
    expect(condition.message).toContain(key);
    expect(condition.message).toContain(JSON.stringify(cloudFrontDecryptStatement(arn)));
    expect(cloudFrontDecryptStatement(arn)).toEqual({
      Sid: "AllowCloudFrontToDecryptForSecuredContent",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "AWS:SourceArn": arn } },
    });
  });
});
