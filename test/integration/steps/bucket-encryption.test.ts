// The bucket's default encryption against the emulator: what GetBucketEncryption answers for no encryption
// configured, SSE-S3, the AWS managed KMS key and a customer managed key, and the condition each gives.
import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client, type ServerSideEncryptionByDefault } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, inject, it } from "vitest";
import { checkEncryption } from "../../../src/reconcile/bucket/encryption.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const s3 = new S3Client({ ...awsClientConfig(env), forcePathStyle: true });
const distributionArn = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE";

afterAll(() => {
  s3.destroy();
});

async function bucketWith(name: string, encryption: ServerSideEncryptionByDefault | undefined): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: `${name}-content` }));
  if (encryption === undefined) return;
  await s3.send(new PutBucketEncryptionCommand({ Bucket: `${name}-content`, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: encryption }] } }));
}

describe("checkEncryption", () => {
  it("reads no KMS key where none is configured, or with SSE-S3", async () => {
    await bucketWith("plain", undefined);
    await bucketWith("sses3", { SSEAlgorithm: "AES256" });
    expect(await checkEncryption(stepContext(stepResource("plain"), clients.aws), distributionArn)).toMatchObject({ status: "True", reason: "NoKmsKey" });
    expect(await checkEncryption(stepContext(stepResource("sses3"), clients.aws), distributionArn)).toMatchObject({ status: "True", reason: "NoKmsKey" });
  });

  it("says the AWS managed key cannot work, and gives the statement a customer managed key's policy needs", async () => {
    await bucketWith("managed", { SSEAlgorithm: "aws:kms" });
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    await bucketWith("customer", { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key });
    expect(await checkEncryption(stepContext(stepResource("managed"), clients.aws), distributionArn)).toMatchObject({ status: "False", reason: "AwsManagedKmsKey" });
    const customer = await checkEncryption(stepContext(stepResource("customer"), clients.aws), distributionArn);
    expect(customer).toMatchObject({ type: "EncryptionCompatible", status: "Unknown", reason: "KmsKeyPolicyUnverified" });
    expect(customer.message).toContain(key);
    expect(customer.message).toContain(`"AWS:SourceArn":"${distributionArn}"`);
  });
});
