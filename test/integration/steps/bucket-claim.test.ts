// The bucket claim against the emulator in its realistic mode: the claim is confirmed although S3 shows the old
// tags right after the write, another owner's claim is a conflict, and a bucket in another region than the spec
// says stalls naming its region.
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseSecuredContentBucket, type SecuredContentBucket } from "../../../src/api/index.ts";
import { failureReason, isPermanent } from "../../../src/errors.ts";
import { claimBucket } from "../../../src/reconcile/bucket/claim.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const s3 = new S3Client({ ...awsClientConfig(env), forcePathStyle: true });

afterAll(() => {
  s3.destroy();
});

function inRegion(name: string, region: string): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name, namespace: "learning", uid: `uid-${name}`, resourceVersion: "1", generation: 1 },
    spec: { bucket: { name: `${name}-content`, region }, auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["client1"], requiredGroups: ["students"] } },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe("claimBucket", () => {
  it("claims a bucket although the first read after its write still shows the old tags", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "courses-content" }));
    const ctx = stepContext(stepResource("courses"), clients.aws);
    const mark = clients.names.length;
    await claimBucket(ctx);
    expect(clients.names.slice(mark)).toEqual(["GetBucketTagging", "PutBucketTagging", "GetBucketTagging", "GetBucketTagging"]);
    expect(ctx.notices).toEqual([expect.objectContaining({ reason: "BucketClaimed" })]);
  });

  it("refuses a bucket another resource claims, naming only the claim", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "videos-content" }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: "videos-content", Tagging: { TagSet: [{ Key: "securedcontent.io/owner", Value: "other/learning/videos" }] } }));
    const error = await claimBucket(stepContext(stepResource("videos"), clients.aws)).then(() => undefined, (failure: unknown) => failure);
    expect(failureReason(error)).toBe("OwnershipConflict");
  });

  it("stalls as BucketInOtherRegion, naming the bucket's region, when the spec names another", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "lessons-content" }));
    const error = await claimBucket(stepContext(inRegion("lessons", "eu-west-1"), clients.aws)).then(() => undefined, (failure: unknown) => failure);
    expect(isPermanent(error)).toBe(true);
    expect(failureReason(error)).toBe("BucketInOtherRegion");
    expect((error as Error).message).toMatch(/^bucket lessons-content is in region us-east-1, not eu-west-1; /);
  });
});
