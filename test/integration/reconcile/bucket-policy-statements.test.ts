// The whole operator on buckets whose policies hold other people's statements: it removes only the ones S3
// considers public (S3's documented rule, which the emulator's Block Public Access follows too), keeps the rest,
// and reaches Ready under full Block Public Access.
import { CreateBucketCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole } from "../../harness/aws-seed.ts";
import { seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { installCrd } from "../api/kube.ts";
import { startTestOperator, useEmulator, type TestOperator } from "./operator.ts";

const namespace = "bucket-policy-statements";

describe("bucket policies with statements of their own", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  let operator: TestOperator;
  let restoreEnv: () => void;
  let pool: { userPoolId: string; clientId: string };

  const read = (bucket: string, extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${bucket}/*`,
    ...extra,
  });

  async function bucketWithPolicy(bucket: string, statements: readonly object[]): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
  }

  async function applyAndWaitReady(name: string, bucket: string): Promise<void> {
    const manifest = {
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name, namespace },
      spec: { bucket: { name: bucket, region: "us-east-1" }, auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups: ["staff"] } },
    };
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(manifest) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=60s"]);
  }

  async function statementsOf(bucket: string): Promise<{ Sid?: string; Principal?: unknown }[]> {
    const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    return (JSON.parse(policy.Policy ?? "{}") as { Statement: { Sid?: string; Principal?: unknown }[] }).Statement;
  }

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    pool = await seedUserPool(env, { poolName: "staff", groups: ["staff"], users: [] });
    operator = await startTestOperator(env, { edgeRoleArn: await createEdgeRole(env), exposureResyncMs: 60_000, fullResyncMs: 600_000, deployingRequeueMs: 500 });
  });

  afterAll(async () => {
    await operator.stop();
    restoreEnv();
    s3.destroy();
  });

  it("keeps the office network's aws:SourceIp grant, removes the grant to everyone, and is Ready", async () => {
    const bucket = "office-reports-content";
    const office = read(bucket, { Sid: "OfficeRead", Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8:1234::/48"] } } });
    await bucketWithPolicy(bucket, [office, read(bucket, { Sid: "PublicRead" })]);
    await applyAndWaitReady("office-reports", bucket);

    const statements = await statementsOf(bucket);
    expect(statements.map((s) => s.Sid)).toEqual(["OfficeRead", expect.stringMatching(/^SecuredContent/) as string]);
    expect(statements[0]).toEqual(office);
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(false);
    const events = await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", "involvedObject.name=office-reports", "-o", "jsonpath={.items[*].message}"]);
    expect(events).toContain("removed a public statement (PublicRead)");
    expect(events).not.toContain("removed a public statement (OfficeRead)");
    // The office network reads too: the operator says so instead of calling its distribution the only reader.
    expect(events).toContain('1 other statement(s) that let someone else read objects ("OfficeRead")');
  });

  it("removes a grant limited only by StringNotEquals, which S3 would refuse under Block Public Access, and is Ready", async () => {
    const bucket = "vpce-reports-content";
    const notFromVpce = read(bucket, { Sid: "NotFromVpce", Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } });
    const fromVpc = read(bucket, { Sid: "FromVpc", Condition: { StringEquals: { "aws:SourceVpc": "vpc-91237329" } } });
    await bucketWithPolicy(bucket, [notFromVpce, fromVpc]);
    await applyAndWaitReady("vpce-reports", bucket);

    expect((await statementsOf(bucket)).map((s) => s.Sid)).toEqual(["FromVpc", expect.stringMatching(/^SecuredContent/) as string]);
    const writes = operator.reconciles.filter((r) => r.key === `${namespace}/vpce-reports`).flatMap((r) => r.calls);
    expect(writes.filter((c) => c.operation === "PutBucketPolicy").map((c) => c.outcome)).toEqual(["success"]);
  });
});
