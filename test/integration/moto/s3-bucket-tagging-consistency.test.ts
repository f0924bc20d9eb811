// Patch s3_bucket_tagging_consistency: the first GetBucketTagging after a tagging write still sees the tag set
// from before the write (bucket configuration is eventually consistent on S3).
import { CreateBucketCommand, DeleteBucketTaggingCommand, GetBucketTaggingCommand, PutBucketTaggingCommand, type Tag } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import { awsError, clients } from "./fixtures.ts";

describe("S3 bucket tagging consistency", () => {
  const env = inject("harness");
  const { s3 } = clients(env);
  const owner: Tag = { Key: "securedcontent.io/owner", Value: "learning/courses" };
  const team: Tag = { Key: "team", Value: "video" };

  const read = async (bucket: string): Promise<Tag[] | string> => {
    try {
      return (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
    } catch (error) {
      return (error as Error).name;
    }
  };
  const put = (bucket: string, tags: Tag[]) => s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));

  it("returns the previous tag set once after PutBucketTagging, then the new one", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "stale-tags" }));
    await put("stale-tags", [team]);
    expect(await read("stale-tags")).toBe("NoSuchTagSet");
    expect(await read("stale-tags")).toEqual([team]);

    await put("stale-tags", [team, owner]);
    expect(await read("stale-tags")).toEqual([team]);
    expect(await read("stale-tags")).toEqual([team, owner]);
  });

  it("returns the previous tag set once after DeleteBucketTagging, then NoSuchTagSet", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "stale-delete" }));
    await put("stale-delete", [owner]);
    await read("stale-delete");
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: "stale-delete" }));
    expect(await read("stale-delete")).toEqual([owner]);
    expect(await read("stale-delete")).toBe("NoSuchTagSet");
  });

  it("still fails with NoSuchBucket for a bucket that does not exist", async () => {
    expect(await awsError(put("no-such-bucket-tags", [owner]))).toEqual({ name: "NoSuchBucket", status: 404 });
  });

  describe("with three stale reads set at run time", () => {
    beforeAll(async () => {
      await setMotoTransition(env.awsEndpoint, "s3::bucket-tagging", { progression: "manual", times: 3 });
    });
    afterAll(async () => {
      await unsetMotoTransition(env.awsEndpoint, "s3::bucket-tagging");
    });

    it("returns the previous tag set three times", async () => {
      await s3.send(new CreateBucketCommand({ Bucket: "stale-three" }));
      await put("stale-three", [owner]);
      expect([await read("stale-three"), await read("stale-three"), await read("stale-three")]).toEqual(["NoSuchTagSet", "NoSuchTagSet", "NoSuchTagSet"]);
      expect(await read("stale-three")).toEqual([owner]);
    });
  });

  describe("with consistency turned on at run time", () => {
    beforeAll(async () => {
      await setMotoTransition(env.awsEndpoint, "s3::bucket-tagging", { progression: "manual", times: 0 });
    });
    afterAll(async () => {
      await unsetMotoTransition(env.awsEndpoint, "s3::bucket-tagging");
    });

    it("returns the new tag set right away", async () => {
      await s3.send(new CreateBucketCommand({ Bucket: "fresh-tags" }));
      await put("fresh-tags", [owner]);
      expect(await read("fresh-tags")).toEqual([owner]);
    });
  });
});
