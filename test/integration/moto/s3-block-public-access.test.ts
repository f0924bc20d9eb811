// Patches s3_block_public_access, s3_anonymous_access and s3_object_acl_default: Block Public Access is
// enforced on writes (BlockPublicPolicy, BlockPublicAcls) and on reads (RestrictPublicBuckets, IgnorePublicAcls).
import {
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { anonymous, asCloudFront, awsError, clients, createLessonBucket } from "./fixtures.ts";

const distributionArn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

describe("S3 Block Public Access", () => {
  const env = inject("harness");
  const { s3 } = clients(env);
  let bucket = "";
  let counter = 0;

  beforeEach(async () => {
    counter += 1;
    bucket = `bpa-bucket-${String(counter)}`;
    await createLessonBucket(s3, bucket);
  });

  const block = (settings: PublicAccessBlockConfiguration) =>
    s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: settings }));
  const putPolicy = (statement: object) =>
    s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
  const publicRead = () => ({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });
  const cloudFrontRead = () => ({
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
  });

  it("RestrictPublicBuckets denies anonymous GETs under a public policy that was already in place", async () => {
    await putPolicy(publicRead());
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(200);
    await block({ RestrictPublicBuckets: true });
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(403);
  });

  it("RestrictPublicBuckets keeps a service principal's access", async () => {
    await putPolicy({ ...publicRead(), Principal: { Service: "cloudfront.amazonaws.com", AWS: "*" } });
    await block({ RestrictPublicBuckets: true });
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`, { headers: asCloudFront(distributionArn) })).status).toBe(200);
  });

  it("IgnorePublicAcls stops a public-read object ACL from granting anonymous reads", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "trailer.mp4", Body: "free", ACL: "public-read" }));
    expect(await anonymous(env, `${bucket}/trailer.mp4`)).toEqual({ status: 200, body: "free" });
    await block({ IgnorePublicAcls: true });
    expect((await anonymous(env, `${bucket}/trailer.mp4`)).status).toBe(403);
  });

  it("IgnorePublicAcls stops a public-read bucket ACL from granting anonymous listing", async () => {
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }));
    expect((await anonymous(env, bucket)).status).toBe(200);
    await block({ IgnorePublicAcls: true });
    expect((await anonymous(env, bucket)).status).toBe(403);
  });

  it("gives new objects a private ACL even in a bucket whose ACL is public-read", async () => {
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lesson-2.mp4", Body: "video bytes" }));
    expect((await anonymous(env, `${bucket}/lesson-2.mp4`)).status).toBe(403);
  });

  it("BlockPublicPolicy rejects a public policy with AccessDenied (403) and keeps the previous policy", async () => {
    await block({ BlockPublicPolicy: true });
    expect(await awsError(putPolicy(publicRead()))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await awsError(putPolicy({ ...publicRead(), Principal: { AWS: "*" } }))).toEqual({ name: "AccessDenied", status: 403 });
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(403);
  });

  it("BlockPublicPolicy accepts the CloudFront-only policy, which grants to a fixed service principal", async () => {
    await block({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    await putPolicy(cloudFrontRead());
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`, { headers: asCloudFront(distributionArn) })).status).toBe(200);
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(403);
  });

  it("BlockPublicAcls rejects public ACLs on objects and on the bucket with AccessDenied (403)", async () => {
    await block({ BlockPublicAcls: true });
    const publicPut = s3.send(new PutObjectCommand({ Bucket: bucket, Key: "trailer.mp4", Body: "free", ACL: "public-read" }));
    expect(await awsError(publicPut)).toEqual({ name: "AccessDenied", status: 403 });
    const publicObjectAcl = s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "lesson-1.mp4", ACL: "public-read" }));
    expect(await awsError(publicObjectAcl)).toEqual({ name: "AccessDenied", status: 403 });
    expect(await awsError(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" })))).toEqual({
      name: "AccessDenied",
      status: 403,
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "private.mp4", Body: "x", ACL: "private" }));
  });
});
