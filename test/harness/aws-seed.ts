// Seeds the emulator with what a platform team would have before installing the operator: a content bucket
// that is public today (the article's starting point), and the edge function's execution role.
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsClientConfig, type HarnessEnv } from "./env.ts";

type AwsEnv = Pick<HarnessEnv, "awsEndpoint" | "awsRegion">;

const edgeTrustPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] },
      Action: "sts:AssumeRole",
    },
  ],
};

/** Creates the execution role edge functions run as, trusted by lambda and edgelambda; returns its ARN. */
export async function createEdgeRole(env: AwsEnv, name = "securedcontent-edge"): Promise<string> {
  const iam = new IAMClient(awsClientConfig(env));
  const role = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(edgeTrustPolicy) }));
  const arn = role.Role?.Arn;
  if (arn === undefined) throw new Error("CreateRole returned no ARN");
  return arn;
}

export interface ContentObject {
  readonly key: string;
  readonly body: string | Uint8Array;
  readonly contentType: string;
}

/** A bucket with content and, as in the article before the fix, a policy that lets anyone read it. */
export async function createPublicContentBucket(env: AwsEnv, bucket: string, objects: readonly ContentObject[]): Promise<void> {
  const s3 = new S3Client(awsClientConfig(env));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const object of objects) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.contentType }));
  }
  const publicRead = {
    Version: "2012-10-17",
    Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
  };
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(publicRead) }));
}
