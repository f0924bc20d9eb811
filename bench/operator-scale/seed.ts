// What each round starts from, in an emptied emulator: N public content buckets (one per resource, each as public
// as the bucket in "Authenticated Access to S3 with Amazon Cognito" before its fix), one Cognito pool with its app
// client and group, and the edge functions' execution role.
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createEdgeRole } from "../../test/harness/aws-seed.ts";
import { seedUserPool } from "../../test/harness/cognito.ts";
import { awsClientConfig, type HarnessEnv } from "../../test/harness/env.ts";
import { resetMoto } from "../../test/harness/moto.ts";
import { forEachLimited } from "./limited.ts";

export interface Seeded {
  readonly buckets: readonly string[];
  readonly userPoolId: string;
  readonly clientId: string;
  readonly group: string;
  readonly edgeRoleArn: string;
}

export function bucketName(index: number): string {
  return `scale-content-${String(index).padStart(5, "0")}`;
}

/** Empties moto and seeds it for `count` resources. */
export async function resetAndSeed(env: HarnessEnv, count: number): Promise<Seeded> {
  await resetMoto(env.awsEndpoint);
  const group = "paid-students";
  const pool = await seedUserPool(env, { poolName: "scale", groups: [group], users: [] });
  const edgeRoleArn = await createEdgeRole(env);
  const buckets = Array.from({ length: count }, (_, i) => bucketName(i));
  const s3 = new S3Client(awsClientConfig(env));
  try {
    await forEachLimited(buckets, 8, async (bucket) => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "videos/lesson-1.mp4", Body: "lesson", ContentType: "video/mp4" }));
      const publicRead = {
        Version: "2012-10-17",
        Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
      };
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(publicRead) }));
    });
  } finally {
    s3.destroy();
  }
  return { buckets, userPoolId: pool.userPoolId, clientId: pool.clientId, group, edgeRoleArn };
}
