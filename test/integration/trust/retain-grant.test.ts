// deletionPolicy Retain leaves the distribution reading the bucket. It must not leave that read unaccounted for:
// the claim stays with the grant, so the next resource naming the bucket sees it held (OwnershipConflict,
// without the holder's name) instead of certifying that only its own distribution reads. Once an administrator
// removes the claim tag but not the statement, the new claimant reports the other read grant, by its Sid.
import { DeleteBucketTaggingCommand, GetBucketPolicyCommand, GetBucketTaggingCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { applyBucketResource, prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator } from "../reconcile/operator.ts";
import { applyOverExistingBucket, conditionOf, scbStatus, warningsOf } from "./trust-fixtures.ts";

const namespace = "trust-retain";
const nextNamespace = "trust-retain-next";
const bucket = "retained-content";

interface PolicyStatement {
  readonly Sid?: string;
  readonly Condition?: { readonly StringEquals?: Record<string, string> };
}

describe("a bucket left by deletionPolicy Retain", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  let lifecycle: Lifecycle;
  let operator: TestOperator;
  let retained: { id: string; arn: string; sid: string };

  beforeAll(async () => {
    lifecycle = await prepareLifecycle(env, namespace, "trust-retain");
    await kubectl(env, ["create", "namespace", nextNamespace]);
    operator = await startTestOperator(env, { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 600_000, deployingRequeueMs: 300 });
  });

  afterAll(async () => {
    await operator.stop();
    lifecycle.restore();
    s3.destroy();
  });

  async function statements(): Promise<PolicyStatement[]> {
    const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    return (JSON.parse(policy.Policy ?? "{}") as { Statement: PolicyStatement[] }).Statement;
  }

  /** The claim tag, read twice: the emulator, like S3, may show the tag set as it was before the last write once. */
  async function claim(): Promise<string | undefined> {
    const read = async () => ((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).catch(() => ({ TagSet: [] }))).TagSet ?? []).find((t) => t.Key === "securedcontent.io/owner")?.Value;
    await read();
    return read();
  }

  async function nudge(value: string): Promise<void> {
    await kubectl(env, ["annotate", "--overwrite", "-n", nextNamespace, "scb/next", `test.securedcontent.io/nudge=${value}`]);
  }

  it("keeps the claim and the grant when the resource is deleted", async () => {
    await applyBucketResource(env, { name: "old", namespace, bucket, pool: lifecycle.pool, deletionPolicy: "Retain" });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/old", "--timeout=60s"]);
    const distribution = (await scbStatus(env, namespace, "old")).distribution;
    const grant = (await statements()).find((s) => s.Condition?.StringEquals?.["AWS:SourceArn"] === distribution?.arn);
    retained = { id: distribution?.id ?? "", arn: distribution?.arn ?? "", sid: grant?.Sid ?? "" };
    expect(retained.sid).toMatch(/^SecuredContentCloudFrontRead/);
    await kubectl(env, ["delete", "-n", namespace, "scb/old", "--timeout=60s"]);

    expect(await claim()).toContain(`/${namespace}/old`);
    expect((await statements()).map((s) => s.Sid)).toContain(retained.sid);
  });

  it("makes the next claimant stall as OwnershipConflict, without naming the holder", async () => {
    await applyOverExistingBucket(env, { object: `${nextNamespace}/next`, bucket, pool: lifecycle.pool });
    await kubectl(env, ["wait", "-n", nextNamespace, "--for=condition=Stalled", "scb/next", "--timeout=30s"]);
    const stalled = conditionOf(await scbStatus(env, nextNamespace, "next"), "Stalled");
    expect(stalled?.reason).toBe("OwnershipConflict");
    expect(stalled?.message).not.toContain(namespace);
    expect(stalled?.message).not.toMatch(/\bold\b/);
    expect((await statements()).flatMap((s) => Object.values(s.Condition?.StringEquals ?? {}))).toEqual([retained.arn]);
  });

  it("reports the retained grant by its Sid once the claim alone is released, instead of certifying exclusivity", async () => {
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
    expect(await claim()).toBeUndefined();
    await nudge("1");
    await kubectl(env, ["wait", "-n", nextNamespace, "--for=condition=Ready", "scb/next", "--timeout=60s"]);
    const secured = conditionOf(await scbStatus(env, nextNamespace, "next"), "BucketSecured");
    expect(secured?.reason).toBe("OtherReaders");
    expect(secured?.message).toContain(`1 other statement(s) that let someone else read objects ("${retained.sid}")`);
    expect(secured?.message).not.toContain(retained.id);
    const warnings = await warningsOf(env, `${nextNamespace}/next`, "OtherReadGrants");
    expect(warnings.find((w) => w.reason === "OtherReadGrants")?.message).toContain(retained.sid);
  });

  it("certifies exclusivity again once the administrator removes the retained statement", async () => {
    const rest = (await statements()).filter((s) => s.Sid !== retained.sid);
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: rest }) }));
    await nudge("2");
    await waitFor(async () => (conditionOf(await scbStatus(env, nextNamespace, "next"), "BucketSecured")?.reason === "InSync" ? true : undefined), {
      what: "BucketSecured to say only the distribution reads",
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(conditionOf(await scbStatus(env, nextNamespace, "next"), "BucketSecured")?.message).toBe("Block Public Access is on and only the distribution may read");
  });
});
