// Patch s3_bucket_region: a signed request for a bucket in another region gets 301 PermanentRedirect with
// the bucket's region in x-amz-bucket-region, as S3 answers on a regional endpoint that is not the bucket's.
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";

describe("S3 bucket in another region", () => {
  const env = inject("harness");
  const inEurope = new S3Client(awsClientConfig({ ...env, awsRegion: "eu-west-1" }));
  const inVirginia = new S3Client(awsClientConfig({ ...env, awsRegion: "us-east-1" }));

  const redirectOf = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      if (error instanceof S3ServiceException) {
        const headers = (error.$response?.headers ?? {}) as Record<string, string | undefined>;
        return { name: error.name, status: error.$metadata.httpStatusCode, region: headers["x-amz-bucket-region"] };
      }
      throw error;
    }
    throw new Error("expected the request to be redirected, but it succeeded");
  };

  beforeAll(async () => {
    await inEurope.send(new CreateBucketCommand({ Bucket: "eu-lessons", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await inEurope.send(new PutObjectCommand({ Bucket: "eu-lessons", Key: "lesson-1.mp4", Body: "video bytes" }));
  });

  it("serves the bucket to requests signed for its own region", async () => {
    const object = await inEurope.send(new GetObjectCommand({ Bucket: "eu-lessons", Key: "lesson-1.mp4" }));
    expect(await object.Body?.transformToString()).toBe("video bytes");
  });

  it("answers object and bucket requests signed for another region with 301 PermanentRedirect and x-amz-bucket-region", async () => {
    expect(await redirectOf(inVirginia.send(new GetObjectCommand({ Bucket: "eu-lessons", Key: "lesson-1.mp4" })))).toEqual({
      name: "PermanentRedirect",
      status: 301,
      region: "eu-west-1",
    });
    expect(await redirectOf(inVirginia.send(new GetBucketTaggingCommand({ Bucket: "eu-lessons" })))).toEqual({
      name: "PermanentRedirect",
      status: 301,
      region: "eu-west-1",
    });
  });

  it("answers HeadBucket from another region with 301 and the bucket's region, without a body", async () => {
    const redirected = await redirectOf(inVirginia.send(new HeadBucketCommand({ Bucket: "eu-lessons" })));
    expect(redirected.status).toBe(301);
    expect(redirected.region).toBe("eu-west-1");
  });

  it("still tells any region where the bucket is through GetBucketLocation", async () => {
    expect((await inVirginia.send(new GetBucketLocationCommand({ Bucket: "eu-lessons" }))).LocationConstraint).toBe("eu-west-1");
  });

  it("leaves unsigned requests alone: the region of an anonymous request is unknown", async () => {
    const response = await fetch(`${env.awsEndpoint}/eu-lessons/lesson-1.mp4`);
    await response.body?.cancel();
    expect(response.status).toBe(403);
  });
});
