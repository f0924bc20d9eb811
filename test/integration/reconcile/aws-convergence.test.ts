// The whole operator against the real kube-apiserver and the patched emulator: the procedure of "Authenticated
// Access to S3 with Amazon Cognito" (Simple AWS, "the article" below), applied by one SecuredContentBucket, kept
// in place against drift, and undone on deletion.
// The cases run in order: they follow one resource through its life, each starting from the state the one
// before left, and the last checks the IAM actions used over the whole run.
import {
  GetDistributionCommand,
  CloudFrontClient,
  GetOriginAccessControlCommand,
  GetResponseHeadersPolicyCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  UpdateResponseHeadersPolicyCommand,
} from "@aws-sdk/client-cloudfront";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketPolicyCommand, GetBucketTaggingCommand, GetObjectCommand, GetPublicAccessBlockCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { iamActionsFor, operatorPolicyActions } from "../../support/iam-actions.ts";
import { installCrd } from "../api/kube.ts";
import { retireDistribution } from "../moto/fixtures.ts";
import { isMutating, startTestOperator, useEmulator, type TestOperator } from "./operator.ts";

const namespace = "convergence";
const otherNamespace = "convergence-rival";
const bucket = "simple-aws-courses-content";
const exposureResyncMs = 2_000;

interface StoredScb {
  metadata: { generation: number };
  status: {
    observedGeneration: number;
    url: string;
    originAccessControlId: string;
    responseHeadersPolicyId: string;
    distribution: { id: string; arn: string; domainName: string; status: string };
    edgeFunction: { name: string; arn: string; version: string; codeSha256: string };
    conditions: { type: string; status: string; reason: string; message: string }[];
  };
}

describe("SecuredContentBucket against AWS (emulated)", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const s3 = new S3Client(awsClientConfig(env));
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  const lambda = new LambdaClient(awsClientConfig(env));
  let operator: TestOperator;
  let restoreEnv: () => void;
  let clientId: string;
  let userPoolId: string;

  async function scbUid(name: string): Promise<string> {
    return (await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.metadata.uid}"])).trim();
  }

  async function scb(name: string, ns = namespace): Promise<StoredScb> {
    return JSON.parse(await kubectl(env, ["get", "-n", ns, `scb/${name}`, "-o", "json"])) as StoredScb;
  }

  function manifest(name: string, ns: string, groups: readonly string[]): string {
    return JSON.stringify({
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name, namespace: ns },
      spec: {
        bucket: { name: bucket, region: "us-east-1" },
        auth: { userPoolId, clientIds: [clientId], requiredGroups: groups },
        export: { configMapName: `${name}-content` },
      },
    });
  }

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    await kubectl(env, ["create", "namespace", otherNamespace]);
    const pool = await seedUserPool(env, { poolName: "courses", groups: ["paid-students", "staff"], users: [] });
    clientId = pool.clientId;
    userPoolId = pool.userPoolId;
    const edgeRoleArn = await createEdgeRole(env);
    await createPublicContentBucket(env, bucket, [{ key: "videos/lesson-1.mp4", body: "not really a video", contentType: "video/mp4" }]);
    operator = await startTestOperator(env, { edgeRoleArn, exposureResyncMs, fullResyncMs: 60_000, deployingRequeueMs: 1_000 });
  });

  afterAll(async () => {
    await operator.stop();
    restoreEnv();
  });

  it("applies the article's procedure and reports Ready, passing through Reconciling while CloudFront deploys", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: manifest("courses", namespace, ["paid-students"]) });
    const seen = await waitFor(
      async () => {
        const stored: Partial<StoredScb> = await scb("courses");
        const reconciling = stored.status?.conditions.find((c) => c.type === "Reconciling");
        return reconciling?.status === "True" ? reconciling : undefined;
      },
      { what: "Reconciling=True while the distribution deploys", timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(seen.reason).toBe("Deploying");
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/courses", "--timeout=60s"]);
  });

  it("records the way to Ready in at most 4 Events: one Created Event lists what it made", async () => {
    const events = JSON.parse(
      await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", "involvedObject.name=courses", "-o", "json"]),
    ) as { items: { reason: string; type: string; message: string; count?: number }[] };
    const emitted = events.items.reduce((sum, event) => sum + (event.count ?? 1), 0);
    expect(emitted).toBeGreaterThan(0);
    expect(emitted).toBeLessThanOrEqual(4);
    const created = events.items.find((event) => event.reason === "Created");
    expect(created?.type).toBe("Normal");
    for (const part of ["claimed bucket", "created origin access control", "created edge function", "created response headers policy", "created distribution", "lets only"]) {
      expect(created?.message).toContain(part);
    }
  });

  it("makes the bucket private: Block Public Access on, the public statement replaced by the CloudFront grant, claimed", async () => {
    const { status } = await scb("courses");
    // 1. The bucket is private: Block Public Access on, the public statement gone, only CloudFront may read.
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "{}") as { Statement: Record<string, unknown>[] };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Condition: { StringEquals: { "AWS:SourceArn": status.distribution.arn } },
    });
    expect((await fetch(`${env.awsEndpoint}/${bucket}/videos/lesson-1.mp4`)).status).toBe(403);
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
    // The claim names the cluster's uid and the resource's uid, then cluster, namespace and name.
    expect(tags).toContainEqual({ Key: "securedcontent.io/owner", Value: expect.stringMatching(new RegExp(`^[0-9a-f-]{36}/${await scbUid("courses")}/test/${namespace}/courses$`)) as string });

  });

  it("puts CloudFront with an origin access control and the edge function in front, and exports the address", async () => {
    const { status } = await scb("courses");
    // 2. The origin access control, and a distribution that uses it, with the edge function on viewer requests.
    const oac = await cloudFront.send(new GetOriginAccessControlCommand({ Id: status.originAccessControlId }));
    expect(oac.OriginAccessControl?.OriginAccessControlConfig).toMatchObject({ SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" });
    const distribution = (await cloudFront.send(new GetDistributionCommand({ Id: status.distribution.id }))).Distribution;
    const config = distribution?.DistributionConfig;
    expect(config?.Origins?.Items?.[0]).toMatchObject({
      DomainName: `${bucket}.s3.us-east-1.amazonaws.com`,
      OriginAccessControlId: status.originAccessControlId,
      S3OriginConfig: { OriginAccessIdentity: "" },
    });
    expect(config?.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe("https-only");
    expect(config?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items).toEqual([
      expect.objectContaining({ EventType: "viewer-request", LambdaFunctionARN: `${status.edgeFunction.arn}:${status.edgeFunction.version}` }),
    ]);
    const distributionTags = await cloudFront.send(new ListTagsForResourceCommand({ Resource: status.distribution.arn }));
    expect(distributionTags.Tags?.Items).toContainEqual({ Key: "securedcontent.io/uid", Value: expect.any(String) as string });

    // 3. The function, in us-east-1, with the deployed code's hash in status.
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: status.edgeFunction.name }));
    expect(fn.Configuration).toMatchObject({ Runtime: "nodejs22.x", Handler: "index.handler", MemorySize: 128, Timeout: 5, CodeSha256: status.edgeFunction.codeSha256 });
    expect(fn.Configuration?.Environment?.Variables ?? {}).toEqual({});

    // 4. The address, for the Content Delivery service.
    expect(status.url).toBe(`https://${status.distribution.domainName}`);
    const exported = await kubectl(env, ["get", "configmap", "-n", namespace, "courses-content", "-o", "jsonpath={.data.url}"]);
    expect(exported).toBe(status.url);
  });

  it("gives the distribution the resource's response headers policy: HSTS and Cache-Control: private, no CORS without spec.cors", async () => {
    const { status } = await scb("courses");
    const behaviour = (await cloudFront.send(new GetDistributionCommand({ Id: status.distribution.id }))).Distribution?.DistributionConfig?.DefaultCacheBehavior;
    expect(behaviour?.ResponseHeadersPolicyId).toBe(status.responseHeadersPolicyId);
    const headers = (await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId }))).ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    expect(headers).toMatchObject({
      SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, Override: true } },
      CustomHeadersConfig: { Items: [{ Header: "Cache-Control", Value: "private", Override: true }] },
    });
    expect(headers?.CorsConfig).toBeUndefined();
    expect(status.conditions).toContainEqual(expect.objectContaining({ type: "ResponseHeadersReady", status: "True" }));
  });

  it("makes zero mutating AWS calls for an in-sync resource, on an exposure pass and on a full pass", async () => {
    const key = `${namespace}/courses`;
    const runOnce = async (): Promise<readonly { operation: string }[]> => {
      const seen = operator.reconciles.length;
      operator.manager.controller.queue.add(key);
      const record = await waitFor(() => operator.reconciles.slice(seen).find((r) => r.key === key), { what: "a reconcile", timeoutMs: 20_000, intervalMs: 50 });
      return record.calls;
    };
    const exposure = await runOnce();
    expect(exposure.filter((c) => isMutating(c.operation))).toEqual([]);
    expect(exposure.length).toBeLessThanOrEqual(4);
    operator.advanceClock(120_000);
    const full = await runOnce();
    expect(full.filter((c) => isMutating(c.operation))).toEqual([]);
  });

  it("puts back a response headers policy edited by hand on the next full pass, as drift", async () => {
    const { status } = await scb("courses");
    const driftBefore = operator.metrics.driftCorrections.get({ kind: "response-headers-policy" });
    const read = await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId }));
    const config = read.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    if (config === undefined) throw new Error("the emulator returned no policy config");
    const shared = { ...config, CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "Cache-Control", Value: "public, max-age=86400", Override: true }] } };
    await cloudFront.send(new UpdateResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId, IfMatch: read.ETag, ResponseHeadersPolicyConfig: shared }));

    operator.advanceClock(120_000); // a full pass is due
    operator.manager.controller.queue.add(`${namespace}/courses`);
    await waitFor(
      async () => {
        const now = await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId }));
        const restored = now.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.CustomHeadersConfig?.Items?.[0]?.Value === "private";
        // The metric is counted when the reconcile ends, a moment after the write.
        const counted = operator.metrics.driftCorrections.get({ kind: "response-headers-policy" }) > driftBefore;
        return restored && counted ? true : undefined;
      },
      { what: "Cache-Control: private to be put back, and counted as drift", timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(operator.metrics.driftCorrections.get({ kind: "response-headers-policy" })).toBe(driftBefore + 1);
  });

  it("reverts Block Public Access switched off and a public statement added by hand, within one exposure interval", async () => {
    const driftBefore = operator.metrics.driftCorrections.get({ kind: "public-policy-statement" });
    const leak = { Sid: "Oops", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` };
    // A reconcile may land between the two writes and turn Block Public Access back on, which then refuses the
    // public statement (BlockPublicPolicy): the drift is made again, a bounded number of times.
    for (let attempt = 1; ; attempt += 1) {
      await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } }));
      const current = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "{}") as { Statement: unknown[] };
      const written = await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ ...current, Statement: [...current.Statement, leak] }) })).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 5 || (error as { name?: string }).name !== "AccessDenied") throw error;
          return false;
        },
      );
      if (written) break;
    }
    expect((await fetch(`${env.awsEndpoint}/${bucket}/videos/lesson-1.mp4`)).status).toBe(200);
    const drifted = Date.now();

    await waitFor(
      async () => {
        const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
        const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "";
        return block.PublicAccessBlockConfiguration?.RestrictPublicBuckets === true && !policy.includes("Oops") ? true : undefined;
      },
      { what: "exposure drift to be reverted", timeoutMs: exposureResyncMs * 3, intervalMs: 100 },
    );
    expect(Date.now() - drifted).toBeLessThan(exposureResyncMs + 1_500);
    expect((await fetch(`${env.awsEndpoint}/${bucket}/videos/lesson-1.mp4`)).status).toBe(403);
    expect(operator.metrics.driftCorrections.get({ kind: "public-policy-statement" })).toBe(driftBefore + 1);
    await waitFor(
      async () => {
        const messages = await kubectl(env, [
          "get", "events", "-n", namespace, "--field-selector", "involvedObject.name=courses,reason=DriftCorrected", "-o", "jsonpath={.items[*].message}",
        ]);
        return messages.includes("turned on Block Public Access settings that were off") && messages.includes("removed a public statement") ? true : undefined;
      },
      { what: "a DriftCorrected Event naming both corrections", timeoutMs: 10_000 },
    );
  });

  it("publishes a new function version and updates the distribution when the required group changes", async () => {
    const before = (await scb("courses")).status;
    await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--type=merge", "-p", JSON.stringify({ spec: { auth: { requiredGroups: ["paid-students", "staff"] } } })]);
    await waitFor(
      async () => {
        const current = await scb("courses");
        const ready = current.status.conditions.find((c) => c.type === "Ready");
        return current.status.observedGeneration === current.metadata.generation && ready?.status === "True" ? current : undefined;
      },
      { what: "Ready for the new generation", timeoutMs: 60_000, intervalMs: 250 },
    );
    const after = (await scb("courses")).status;
    expect(Number(after.edgeFunction.version)).toBeGreaterThan(Number(before.edgeFunction.version));
    expect(after.edgeFunction.codeSha256).not.toBe(before.edgeFunction.codeSha256);
    const config = (await cloudFront.send(new GetDistributionCommand({ Id: after.distribution.id }))).Distribution?.DistributionConfig;
    expect(config?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toBe(`${after.edgeFunction.arn}:${after.edgeFunction.version}`);
    expect(after.distribution.id).toBe(before.distribution.id);
  });

  it("moves the distribution to the shared response headers policy of the new CORS settings, and deletes the old one nothing uses", async () => {
    const before = (await scb("courses")).status;
    const cors = { allowedOrigins: ["https://app.example.com"], allowCredentials: true };
    await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--type=merge", "-p", JSON.stringify({ spec: { cors } })]);
    const after = await waitFor(
      async () => {
        const current = await scb("courses");
        const ready = current.status.conditions.find((c) => c.type === "Ready");
        return current.status.observedGeneration === current.metadata.generation && ready?.status === "True" ? current.status : undefined;
      },
      { what: "Ready for the new generation", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(after.responseHeadersPolicyId).not.toBe(before.responseHeadersPolicyId);
    const behaviour = (await cloudFront.send(new GetDistributionCommand({ Id: after.distribution.id }))).Distribution?.DistributionConfig?.DefaultCacheBehavior;
    expect(behaviour?.ResponseHeadersPolicyId).toBe(after.responseHeadersPolicyId);
    const headers = (await cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: after.responseHeadersPolicyId }))).ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    expect(headers?.CorsConfig?.AccessControlAllowOrigins?.Items).toEqual(cors.allowedOrigins);
    await expect(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: before.responseHeadersPolicyId }))).rejects.toMatchObject({ name: "NoSuchResponseHeadersPolicy" });
  });

  it("refuses a bucket claimed by a resource in another namespace, and leaves the owner untouched", async () => {
    const ownerBefore = await scb("courses");
    const callsBefore = operator.calls.mark();
    await kubectl(env, ["apply", "-f", "-"], { input: manifest("rival", otherNamespace, ["staff"]) });
    await kubectl(env, ["wait", "-n", otherNamespace, "--for=condition=Stalled", "scb/rival", "--timeout=30s"]);
    const stalled = (await scb("rival", otherNamespace)).status.conditions.find((c) => c.type === "Stalled");
    expect(stalled?.reason).toBe("OwnershipConflict");
    // The tenant is told the bucket is held, never by whom.
    expect(stalled?.message).toContain("is claimed by another resource");
    expect(stalled?.message).not.toContain(namespace);
    const rivalWrites = operator.calls.since(callsBefore).filter((c) => isMutating(c.operation));
    expect(rivalWrites).toEqual([]);
    expect((await scb("courses")).status.distribution).toEqual(ownerBefore.status.distribution);
    await kubectl(env, ["delete", "-n", otherNamespace, "scb/rival", "--timeout=30s"]);
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
    // The claim names the cluster's uid and the resource's uid, then cluster, namespace and name.
    expect(tags).toContainEqual({ Key: "securedcontent.io/owner", Value: expect.stringMatching(new RegExp(`^[0-9a-f-]{36}/${await scbUid("courses")}/test/${namespace}/courses$`)) as string });
  });

  it("recreates a distribution deleted out of band, under a new caller reference, and moves the bucket policy to its ARN", async () => {
    const before = (await scb("courses")).status;
    await retireDistribution(cloudFront, before.distribution.id);
    operator.advanceClock(120_000); // the next pass is a full one, which reads the distribution

    const after = await waitFor(
      async () => {
        const current = await scb("courses");
        const ready = current.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
        return ready && current.status.distribution.id !== before.distribution.id ? current.status : undefined;
      },
      { what: "a new distribution in status, Ready", timeoutMs: 60_000, intervalMs: 200 },
    );
    const config = (await cloudFront.send(new GetDistributionCommand({ Id: after.distribution.id }))).Distribution?.DistributionConfig;
    expect(config?.CallerReference).toBe(`${(await scbUid("courses"))}/replaces/${before.distribution.id}`);
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "{}") as { Statement: { Condition?: unknown }[] };
    const sourceArns = policy.Statement.map((statement) => JSON.stringify(statement.Condition ?? {}));
    expect(sourceArns.some((condition) => condition.includes(after.distribution.arn))).toBe(true);
    expect(sourceArns.some((condition) => condition.includes(before.distribution.arn))).toBe(false);
    expect(after.url).toBe(`https://${after.distribution.domainName}`);
  });

  it("deletes cleanly: distribution disabled then deleted, response headers policy and OAC deleted, function marked, statement and claim removed, bucket kept private", async () => {
    const { status } = await scb("courses");
    await kubectl(env, ["delete", "-n", namespace, "scb/courses", "--wait=false"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=delete", "scb/courses", "--timeout=90s"]);

    const listed = await cloudFront.send(new ListDistributionsCommand({}));
    expect(listed.DistributionList?.Items ?? []).toEqual([]);
    await expect(cloudFront.send(new GetOriginAccessControlCommand({ Id: status.originAccessControlId }))).rejects.toMatchObject({ name: "NoSuchOriginAccessControl" });
    await expect(cloudFront.send(new GetResponseHeadersPolicyCommand({ Id: status.responseHeadersPolicyId }))).rejects.toMatchObject({ name: "NoSuchResponseHeadersPolicy" });
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: status.edgeFunction.name }));
    expect(Object.keys(fn.Tags ?? {})).toContain("securedcontent.io/pending-deletion");
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: "NoSuchBucketPolicy" });
    // Bucket tags are eventually consistent: a read right after the operator's write may still show the claim.
    const claimGone = async () => {
      const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).catch(() => ({ TagSet: [] }))).TagSet ?? [];
      return tags.some((t) => t.Key === "securedcontent.io/owner") ? undefined : true;
    };
    await expect(waitFor(claimGone, { what: "the claim tag to be gone", timeoutMs: 5_000, intervalMs: 100 })).resolves.toBe(true);
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration?.RestrictPublicBuckets).toBe(true);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "videos/lesson-1.mp4" }));
    expect(await object.Body?.transformToString()).toBe("not really a video");
  });

  it("used only AWS actions that deploy/iam/operator-policy.json grants, across this whole lifecycle", () => {
    const granted = operatorPolicyActions();
    const used = new Set(operator.calls.calls.flatMap((c) => iamActionsFor(c.service, c.operation)));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((action) => !granted.has(action)).sort()).toEqual([]);
  });
});
