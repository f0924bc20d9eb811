// The bucket policy step against the patched emulator, whose BlockPublicPolicy and GetBucketPolicyStatus follow
// S3's documented rule (the same cases as the operator's rule): statements S3 does not consider public are kept,
// public ones removed, and S3's verdict is asked after a write and never on an in-sync pass. Where S3 would
// disagree with the rule, or IAM would refuse, S3's answers are injected into the client (the emulator cannot
// disagree with a rule it shares, and it does not evaluate IAM).
import { CreateBucketCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import type { InitializeMiddleware, MetadataBearer } from "@smithy/types";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { SecuredContentBucket } from "../../../src/api/index.ts";
import { isPermanent, type OperatorError } from "../../../src/errors.ts";
import { ensureBlockPublicAccess, ensureBucketPolicy } from "../../../src/reconcile/bucket/exposure.ts";
import { policyStatementId } from "../../../src/reconcile/common/naming.ts";
import type { StepContext } from "../../../src/reconcile/common/context.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { stepContext, stepResource, useStepClients } from "./step-fixtures.ts";

const env = inject("harness");
const clients = useStepClients(env);
/** The bucket's owner, with the console or another tool. */
const raw = new S3Client(awsClientConfig(env));
const distributionArn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE";

afterAll(() => {
  raw.destroy();
});

interface PolicyStatement {
  readonly Sid?: string;
  readonly [field: string]: unknown;
}

const officeRead = (bucket: string): PolicyStatement => ({
  Sid: "OfficeRead",
  Effect: "Allow",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: `arn:aws:s3:::${bucket}/*`,
  Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
});
const publicRead = (bucket: string): PolicyStatement => ({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });

/** A bucket `<name>-content` with these statements, put before Block Public Access is on, and a context for it. */
async function bucketWith(name: string, statements: readonly PolicyStatement[]): Promise<StepContext> {
  const resource = stepResource(name);
  const bucket = resource.spec.bucket.name;
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  if (statements.length > 0) await raw.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
  const ctx = stepContext(resource, clients.aws);
  await ensureBlockPublicAccess(ctx);
  return ctx;
}

async function storedStatements(ctx: StepContext): Promise<PolicyStatement[]> {
  const policy = await raw.send(new GetBucketPolicyCommand({ Bucket: ctx.resource.spec.bucket.name }));
  return (JSON.parse(policy.Policy ?? "{}") as { Statement: PolicyStatement[] }).Statement;
}

/** Runs the step; returns the AWS operations it called (`Operation` or `Operation:Error`) and what it threw. */
async function run(ctx: StepContext): Promise<{ changed?: boolean; error?: OperatorError; calls: string[] }> {
  const mark = clients.calls.length;
  const calls = () => clients.calls.slice(mark).map((c) => (c.outcome === "success" ? c.operation : `${c.operation}:${c.outcome}`));
  try {
    return { changed: (await ensureBucketPolicy(ctx, distributionArn)).changed, calls: calls() };
  } catch (error) {
    return { error: error as OperatorError, calls: calls() };
  }
}

/** Answers one S3 command in the operator's client instead of the emulator, until the returned function is called. */
function answer(commandName: string, respond: () => Promise<object>): () => void {
  const name = `answer${commandName}`;
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) =>
    context.commandName === commandName ? { output: { $metadata: {}, ...(await respond()) }, response: {} } : next(args);
  clients.aws.s3("us-east-1").middlewareStack.add(middleware, { step: "initialize", name });
  return () => {
    clients.aws.s3("us-east-1").middlewareStack.remove(name);
  };
}

const accessDenied = (): Promise<never> =>
  Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));

function stalledAs(resource: SecuredContentBucket, reason: string): SecuredContentBucket {
  const condition = { type: "Stalled", status: "True" as const, reason, message: "", lastTransitionTime: "2025-01-01T00:00:00Z", observedGeneration: 1 };
  return { ...resource, status: { ...resource.status, observedGeneration: 1, conditions: [condition] } };
}

describe("ensureBucketPolicy", { concurrent: false, shuffle: false }, () => {
  it("keeps a statement limited to an office network, removes the public one, and asks S3's verdict after writing", async () => {
    const ctx = await bucketWith("office", [officeRead("office-content"), publicRead("office-content")]);
    const first = await run(ctx);
    expect(first).toEqual({ changed: true, calls: ["GetBucketPolicy", "PutBucketPolicy", "GetBucketPolicyStatus"] });
    const sid = policyStatementId(ctx.owner);
    expect((await storedStatements(ctx)).map((s) => s.Sid)).toEqual(["OfficeRead", sid]);
    const status = await raw.send(new GetBucketPolicyStatusCommand({ Bucket: "office-content" }));
    expect(status.PolicyStatus?.IsPublic).toBe(false);
    const removed = ctx.notices.filter((n) => n.reason === "PublicStatementRemoved");
    expect(removed.map((n) => n.message)).toEqual([
      'removed a public statement (PublicRead) from the policy of bucket office-content: it grants to Principal "*" and no condition pins the caller to fixed values',
    ]);

    expect(await run(ctx)).toEqual({ changed: false, calls: ["GetBucketPolicy"] });
  });

  it("removes a statement limited only by StringNotEquals, which BlockPublicPolicy would refuse, and writes the rest", async () => {
    const bucket = "negated-content";
    const notFromVpce = { ...publicRead(bucket), Sid: "NotFromVpce", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } };
    const ctx = await bucketWith("negated", [officeRead(bucket), notFromVpce]);
    const outcome = await run(ctx);
    expect(outcome.error).toBeUndefined();
    expect(outcome.calls).toEqual(["GetBucketPolicy", "PutBucketPolicy", "GetBucketPolicyStatus"]);
    expect((await storedStatements(ctx)).map((s) => s.Sid)).toEqual(["OfficeRead", policyStatementId(ctx.owner)]);
  });

  it("reports PublicPolicyRejected, naming the statement, when S3 refuses a statement the rule keeps and calls the policy public", async () => {
    const ctx = await bucketWith("disputed", [officeRead("disputed-content")]);
    const restore = [answer("PutBucketPolicyCommand", accessDenied), answer("GetBucketPolicyStatusCommand", () => Promise.resolve({ PolicyStatus: { IsPublic: true } }))];
    try {
      const { error, calls } = await run(ctx);
      expect(error?.reason).toBe("PublicPolicyRejected");
      expect(isPermanent(error)).toBe(true);
      expect(error?.message).toContain("S3 refused the policy for bucket disputed-content: Block Public Access (BlockPublicPolicy) is on");
      expect(error?.message).toContain('"OfficeRead" (it grants to Principal "*", but IpAddress aws:SourceIp limits it');
      expect(calls).toEqual(["GetBucketPolicy", "GetPublicAccessBlock"]); // the answered calls do not reach the emulator
    } finally {
      for (const undo of restore) undo();
    }
    expect((await storedStatements(ctx)).map((s) => s.Sid)).toEqual(["OfficeRead"]);
  });

  it("keeps an IAM denial as AccessDenied, naming the action, when S3 does not call the statements it would keep public", async () => {
    const ctx = await bucketWith("denied", [officeRead("denied-content")]);
    const restore = answer("PutBucketPolicyCommand", accessDenied);
    try {
      const { error, calls } = await run(ctx);
      expect(error?.reason).toBe("AccessDenied");
      expect(error?.message).toMatch(/^access denied for s3:PutBucketPolicy: Access Denied$/);
      expect(calls).toEqual(["GetBucketPolicy", "GetPublicAccessBlock", "GetBucketPolicyStatus"]);
    } finally {
      restore();
    }
  });

  it("keeps an IAM denial as AccessDenied without asking S3's verdict when the policy grants to fixed principals only", async () => {
    const ctx = await bucketWith("fixed", []);
    const restore = answer("PutBucketPolicyCommand", accessDenied);
    try {
      const { error, calls } = await run(ctx);
      expect(error?.reason).toBe("AccessDenied");
      expect(calls).toEqual(["GetBucketPolicy:NoSuchBucketPolicy", "GetPublicAccessBlock"]);
    } finally {
      restore();
    }
  });

  it("stalls as BucketPolicyStillPublic while S3 calls the written policy public, and looks again only while stalled so", async () => {
    const ctx = await bucketWith("verdict", [officeRead("verdict-content"), publicRead("verdict-content")]);
    const restore = answer("GetBucketPolicyStatusCommand", () => Promise.resolve({ PolicyStatus: { IsPublic: true } }));
    try {
      const { error, calls } = await run(ctx);
      expect(error?.reason).toBe("BucketPolicyStillPublic");
      expect(error?.message).toContain("S3 reports the policy of bucket verdict-content as public (GetBucketPolicyStatus)");
      expect(error?.message).toContain('"OfficeRead"');
      expect(calls).toEqual(["GetBucketPolicy", "PutBucketPolicy"]);
      const stalled = stepContext(stalledAs(ctx.resource, "BucketPolicyStillPublic"), clients.aws);
      expect((await run(stalled)).error?.reason).toBe("BucketPolicyStillPublic");
    } finally {
      restore();
    }
    const stalled = stepContext(stalledAs(ctx.resource, "BucketPolicyStillPublic"), clients.aws);
    expect(await run(stalled)).toEqual({ changed: false, calls: ["GetBucketPolicy", "GetBucketPolicyStatus"] });
    expect(await run(stepContext(stalledAs(ctx.resource, "AccessDenied"), clients.aws))).toEqual({ changed: false, calls: ["GetBucketPolicy"] });
  });
});
