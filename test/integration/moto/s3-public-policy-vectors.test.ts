// The emulator's notion of a public bucket policy (test/harness/moto/patches/bucket_policy.py), held to the same
// table as the operator's (test/fixtures/public-policy-vectors.json): GetBucketPolicyStatus reports each case as
// the table says, and BlockPublicPolicy refuses exactly the public ones with AccessDenied (403).
import { CreateBucketCommand, GetBucketPolicyStatusCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { publicPolicyVectors, type PublicPolicyVector } from "../../support/public-policy-vectors.ts";
import { awsError, clients } from "./fixtures.ts";

const vectors = publicPolicyVectors();

describe("the emulator's public-policy rule against the shared cases", () => {
  const env = inject("harness");
  const { s3 } = clients(env);
  const open = "vectors-open";
  const blocked = "vectors-blocked";

  const policyFor = (bucket: string, vector: PublicPolicyVector): string =>
    JSON.stringify({ Version: "2012-10-17", Statement: [JSON.parse(JSON.stringify(vector.statement).replaceAll("BUCKET", bucket)) as unknown] });

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: open }));
    await s3.send(new CreateBucketCommand({ Bucket: blocked }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: blocked, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s", async (_name, vector) => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: open, Policy: policyFor(open, vector) }));
    const status = await s3.send(new GetBucketPolicyStatusCommand({ Bucket: open }));
    expect(status.PolicyStatus?.IsPublic).toBe(vector.public);

    const put = s3.send(new PutBucketPolicyCommand({ Bucket: blocked, Policy: policyFor(blocked, vector) }));
    if (vector.public) expect(await awsError(put)).toEqual({ name: "AccessDenied", status: 403 });
    else await put;
  });
});
