// Two resources in two namespaces claim one unclaimed bucket at the same moment. S3 tagging has no conditional
// write and bucket configuration is eventually consistent (the emulator's realistic mode shows the tag set as it
// was before a write to the next read), so both claims can be confirmed and both distributions granted. In the
// end only one may hold the claim and only its distribution may read: the other, on its next pass, finds the
// bucket held, takes its own grant back out and stalls without naming the holder.
import { CreateBucketCommand, GetBucketPolicyCommand, GetBucketTaggingCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseSecuredContentBucket, type SecuredContentBucket } from "../../../src/api/index.ts";
import { failureReason } from "../../../src/errors.ts";
import { claimBucket } from "../../../src/reconcile/bucket/claim.ts";
import { ensureBucketPolicy } from "../../../src/reconcile/bucket/exposure.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import type { OwnershipConflictError } from "../../../src/reconcile/common/errors.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { stepContext, useStepClients } from "../steps/step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
const s3 = new S3Client(awsClientConfig(env));
/** How many fresh buckets the race is tried on before the test gives up on seeing both claims confirmed. */
const maxRaceAttempts = 8;

afterAll(() => {
  s3.destroy();
});

function claimant(namespace: string, uid: string, bucket: string): SecuredContentBucket {
  const parsed = parseSecuredContentBucket({
    metadata: { name: "media", namespace, uid, resourceVersion: "1", generation: 1 },
    spec: { bucket: { name: bucket, region: "us-east-1" }, auth: { userPoolId: "us-east-1_AbCdEf123", clientIds: ["client1"], requiredGroups: ["students"] } },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

interface Claimant {
  readonly resource: SecuredContentBucket;
  readonly distributionArn: string;
}

function teams(bucket: string): { teamA: Claimant; teamB: Claimant } {
  return {
    teamA: { resource: claimant("team-a", "6a0e1f3c-0000-4000-8000-00000000000a", bucket), distributionArn: "arn:aws:cloudfront::123456789012:distribution/ETEAMA0000001" },
    teamB: { resource: claimant("team-b", "6a0e1f3c-0000-4000-8000-00000000000b", bucket), distributionArn: "arn:aws:cloudfront::123456789012:distribution/ETEAMB0000001" },
  };
}

/**
 * A bucket on which both claims were confirmed: the interleaving of the two claims decides whether the
 * emulator's stale read lets both through, so each try uses a fresh bucket, a bounded number of times.
 */
async function raced(): Promise<{ bucket: string; teamA: Claimant; teamB: Claimant }> {
  for (let attempt = 1; attempt <= maxRaceAttempts; attempt += 1) {
    const bucket = `contested-${String(attempt)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { teamA, teamB } = teams(bucket);
    const claims = await Promise.allSettled([claimBucket(stepContext(teamA.resource, clients.aws)), claimBucket(stepContext(teamB.resource, clients.aws))]);
    if (claims.every((claim) => claim.status === "fulfilled")) return { bucket, teamA, teamB };
  }
  throw new Error(`both claims were never confirmed in ${String(maxRaceAttempts)} tries`);
}

/** One pass as the operator composes it: the claim first, then the grant. Returns the failure, if any. */
async function pass(ctx: StepContext, distributionArn: string): Promise<unknown> {
  try {
    await claimBucket(ctx);
    await ensureBucketPolicy(ctx, distributionArn);
    return undefined;
  } catch (error) {
    return error;
  }
}

async function grantedArns(bucket: string): Promise<string[]> {
  const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch(() => ({ Policy: undefined }));
  const statements = (JSON.parse(policy.Policy ?? '{"Statement":[]}') as { Statement: { Condition?: { StringEquals?: Record<string, string> } }[] }).Statement;
  return statements.flatMap((s) => Object.values(s.Condition?.StringEquals ?? {})).sort();
}

async function claimTag(bucket: string): Promise<string | undefined> {
  // Past the emulator's stale read: the second read shows the last write.
  await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).catch(() => undefined);
  const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
  return tags.find((tag) => tag.Key === "securedcontent.io/owner")?.Value;
}

describe("a claim race", () => {
  it("ends with one claim and only the holder's distribution granted; the loser takes its grant back out", async () => {
    // Both claim at once and both see their own tag: the race the emulator's stale read makes possible.
    const { bucket, teamA, teamB } = await raced();
    // Minutes later (OAC, edge function, distribution in between) each grants its distribution.
    await ensureBucketPolicy(stepContext(teamA.resource, clients.aws), teamA.distributionArn);
    await ensureBucketPolicy(stepContext(teamB.resource, clients.aws), teamB.distributionArn);
    expect(await grantedArns(bucket)).toEqual([teamA.distributionArn, teamB.distributionArn]);
    // The next pass of each (an exposure resync) runs claim and grant again, and so does the one after.
    const later = [stepContext(teamA.resource, clients.aws), stepContext(teamB.resource, clients.aws)] as const;
    const second = await Promise.all([pass(later[0], teamA.distributionArn), pass(later[1], teamB.distributionArn)]);
    const third = await Promise.all([pass(stepContext(teamA.resource, clients.aws), teamA.distributionArn), pass(stepContext(teamB.resource, clients.aws), teamB.distributionArn)]);

    const holder = await claimTag(bucket);
    const winner = holder?.includes(teamA.resource.metadata.uid) === true ? teamA : teamB;
    const loser = winner === teamA ? teamB : teamA;
    expect(holder).toContain(winner.resource.metadata.uid);
    expect(await grantedArns(bucket)).toEqual([winner.distributionArn]);
    // The loser stalls as OwnershipConflict, and its message names neither the holder's namespace nor its name.
    const loserIndex = loser === teamA ? 0 : 1;
    const failure = third[loserIndex];
    expect(failureReason(failure)).toBe("OwnershipConflict");
    expect((failure as Error).message).not.toContain(winner.resource.metadata.namespace);
    expect((failure as OwnershipConflictError).holder).toBe(holder);
    expect(third[1 - loserIndex]).toBeUndefined();
    // Both were confirmed at first: the race the emulator's stale read makes possible did happen.
    expect(failureReason(second[loserIndex])).toBe("OwnershipConflict");
    expect(later[loserIndex].notices.map((notice) => notice.reason)).toContain("BucketGrantWithdrawn");
  });
});
