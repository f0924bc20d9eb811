// Patch s3_anonymous_access: unsigned requests are decided by the bucket policy as S3 decides them.
import {
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { anonymous, asCloudFront, clients, createLessonBucket } from "./fixtures.ts";

const distributionArn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

/** The statement the operator writes: GetObject for CloudFront's service principal, only on behalf of one distribution. */
const cloudFrontOnly = (bucket: string, sourceArn = distributionArn) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "securedcontent-learning-courses",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": sourceArn } },
    },
  ],
});

const publicRead = (bucket: string, principal: unknown) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: principal, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
});

describe("S3 bucket policy evaluation", () => {
  const env = inject("harness");
  const { s3 } = clients(env);
  let bucket = "";
  let counter = 0;

  beforeEach(async () => {
    counter += 1;
    bucket = `policy-bucket-${String(counter)}`;
    await createLessonBucket(s3, bucket);
  });

  const putPolicy = (policy: object) => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));

  it("denies anonymous reads and listing of a bucket with no policy, without telling missing keys apart", async () => {
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(403);
    expect((await anonymous(env, `${bucket}/no-such-lesson.mp4`)).status).toBe(403);
    expect((await anonymous(env, bucket)).status).toBe(403);
    expect((await anonymous(env, `${bucket}/uploaded.txt`, { method: "PUT", body: "x" })).status).toBe(403);
  });

  it("answers an anonymous GET with 403 AccessDenied when the only statement allows the CloudFront service principal", async () => {
    await putPolicy(cloudFrontOnly(bucket));
    const response = await anonymous(env, `${bucket}/lesson-1.mp4`);
    expect(response.status).toBe(403);
    expect(response.body).toContain("<Code>AccessDenied</Code>");
  });

  it("lets CloudFront read for the distribution named in AWS:SourceArn, and no other distribution", async () => {
    await putPolicy(cloudFrontOnly(bucket));
    expect(await anonymous(env, `${bucket}/lesson-1.mp4`, { headers: asCloudFront(distributionArn) })).toEqual({
      status: 200,
      body: "video bytes",
    });
    const other = await anonymous(env, `${bucket}/lesson-1.mp4`, { headers: asCloudFront(`${distributionArn}2`) });
    expect(other.status).toBe(403);
  });

  it.each([
    ['"*"', "*"],
    ['{"AWS": "*"}', { AWS: "*" }],
  ])("lets anonymous GETs through a policy with Principal %s when Block Public Access is off", async (_, principal) => {
    await putPolicy(publicRead(bucket, principal));
    expect(await anonymous(env, `${bucket}/lesson-1.mp4`)).toEqual({ status: 200, body: "video bytes" });
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`, { method: "HEAD" })).status).toBe(200);
    // GetObject alone does not reveal which keys exist: listing stays denied, and so does a missing key.
    expect((await anonymous(env, bucket)).status).toBe(403);
    expect((await anonymous(env, `${bucket}/no-such-lesson.mp4`)).status).toBe(403);
  });

  it("answers 404 for a missing key once the policy also allows listing", async () => {
    await putPolicy({
      Version: "2012-10-17",
      Statement: [
        ...publicRead(bucket, "*").Statement,
        { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
      ],
    });
    expect((await anonymous(env, `${bucket}/no-such-lesson.mp4`)).status).toBe(404);
    expect((await anonymous(env, bucket)).status).toBe(200);
  });

  it("lets an explicit Deny win over an Allow", async () => {
    await putPolicy({
      Version: "2012-10-17",
      Statement: [
        ...publicRead(bucket, "*").Statement,
        { Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/lesson-*` },
      ],
    });
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`)).status).toBe(403);
  });

  it("keeps signed requests working as the account admin, whatever the policy says", async () => {
    await putPolicy({
      Version: "2012-10-17",
      Statement: [
        ...cloudFrontOnly(bucket).Statement,
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    });
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "lesson-1.mp4" }));
    expect(await object.Body?.transformToString()).toBe("video bytes");
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["lesson-1.mp4"]);
    expect((await anonymous(env, `${bucket}/lesson-1.mp4`, { headers: asCloudFront(distributionArn) })).status).toBe(200);
  });

  it("reports in GetBucketPolicyStatus that a wildcard grant is public and the CloudFront-only policy is not", async () => {
    const isPublic = async () => (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic;
    await putPolicy(cloudFrontOnly(bucket));
    expect(await isPublic()).toBe(false);
    await putPolicy(publicRead(bucket, { AWS: "*" }));
    expect(await isPublic()).toBe(true);
    // A condition that does not pin the caller down leaves the grant public.
    await putPolicy({
      Version: "2012-10-17",
      Statement: [{ ...publicRead(bucket, "*").Statement[0], Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    });
    expect(await isPublic()).toBe(true);
  });
});
