// What converging costs in AWS calls, for the operator's own choices (`make bench-scale` measures them at scale):
// a requeue while CloudFront deploys re-reads the distribution, and exposure only when it is due; new resources
// find their origin access controls through one shared listing instead of a listing each.
// The cases run in order: they share one operator and its record of calls, and later cases use resources
// earlier ones created (lessons, videos) and count calls and OACs made since the first.
import { CloudFrontClient, ListOriginAccessControlsCommand } from "@aws-sdk/client-cloudfront";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool } from "../../harness/cognito.ts";
import { awsClientConfig } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { setMotoTransition, unsetMotoTransition } from "../../harness/moto.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";
import { startTestOperator, useEmulator, type TestOperator } from "./operator.ts";

const namespace = "converge-cost";
const exposureResyncMs = 60_000;
const distributionModel = "cloudfront::distribution";

describe("the AWS calls of converging", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const cloudFront = new CloudFrontClient(awsClientConfig(env));
  let operator: TestOperator;
  let restoreEnv: () => void;
  let pool: { userPoolId: string; clientId: string };

  function manifest(name: string, bucket: string): string {
    return JSON.stringify({
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name, namespace },
      spec: { bucket: { name: bucket, region: "us-east-1" }, auth: { userPoolId: pool.userPoolId, clientIds: [pool.clientId], requiredGroups: ["paid-students"] } },
    });
  }

  async function applyAndWaitReady(names: readonly string[]): Promise<void> {
    for (const name of names) {
      await createPublicContentBucket(env, `${name}-content`, [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
      await kubectl(env, ["apply", "-f", "-"], { input: manifest(name, `${name}-content`) });
    }
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", ...names.map((n) => `scb/${n}`), "--timeout=60s"]);
  }

  const operations = (name: string): string[][] =>
    operator.reconciles.filter((r) => r.key === `${namespace}/${name}`).map((r) => r.calls.map((c) => c.operation));

  beforeAll(async () => {
    restoreEnv = useEmulator(env);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    pool = await seedUserPool(env, { poolName: "courses", groups: ["paid-students"], users: [] });
    const edgeRoleArn = await createEdgeRole(env);
    operator = await startTestOperator(env, { edgeRoleArn, exposureResyncMs, fullResyncMs: 600_000, deployingRequeueMs: 500 });
  });

  afterAll(async () => {
    await operator.stop();
    restoreEnv();
  });

  it("while CloudFront deploys, requeues read the distribution only, not the OAC, the function, or exposure read moments ago", async () => {
    await applyAndWaitReady(["lessons"]);
    const [first, ...requeues] = operations("lessons");
    expect(first).toEqual(expect.arrayContaining(["CreateOriginAccessControl", "CreateFunction", "CreateResponseHeadersPolicy", "CreateDistributionWithTags", "GetBucketPolicy"]));
    // The emulator deploys after two reads: at least one requeue saw InProgress, the last one Deployed.
    expect(requeues.length).toBeGreaterThanOrEqual(2);
    for (const calls of requeues) expect(calls).toEqual(["GetDistribution"]);
  });

  it("re-reads exposure in a requeue once half an exposure interval has passed since it was read", async () => {
    // CloudFront keeps deploying until told otherwise, so requeues go on while the clock moves.
    await setMotoTransition(env.awsEndpoint, distributionModel, { progression: "manual", times: 1_000_000 });
    try {
      await createPublicContentBucket(env, "quizzes-content", [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
      await kubectl(env, ["apply", "-f", "-"], { input: manifest("quizzes", "quizzes-content") });
      await waitFor(() => (operations("quizzes").length >= 2 ? true : undefined), { what: "a requeue", timeoutMs: 20_000, intervalMs: 20 });
      expect(operations("quizzes")[1]).toEqual(["GetDistribution"]);
      operator.advanceClock(exposureResyncMs / 2);
      const seen = operations("quizzes").length;
      const exposed = await waitFor(() => operations("quizzes").slice(seen).find((calls) => calls.length > 1), { what: "a requeue reading exposure", timeoutMs: 20_000, intervalMs: 20 });
      expect(exposed).toEqual(["GetBucketTagging", "GetPublicAccessBlock", "GetDistribution", "GetBucketPolicy"]);
    } finally {
      await unsetMotoTransition(env.awsEndpoint, distributionModel);
    }
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/quizzes", "--timeout=60s"]);
  });

  it("caches only metadata of the resources it watches, without managedFields", () => {
    const cached = operator.manager.informer.get(`${namespace}/lessons`);
    expect(Object.keys(cached ?? {}).sort()).toEqual(["apiVersion", "kind", "metadata"]);
    expect(cached?.metadata).not.toHaveProperty("managedFields");
    expect(cached?.metadata.finalizers).toEqual(["securedcontent.io/cleanup"]);
  });

  it("gives new resources the cluster's shared origin access control, through one shared listing and one create in all", async () => {
    const before = operator.calls.calls.filter((c) => c.operation === "ListOriginAccessControls").length;
    await applyAndWaitReady(["videos", "assignments", "slides"]);
    const listings = operator.calls.calls.filter((c) => c.operation === "ListOriginAccessControls").length - before;
    expect(listings).toBe(0); // the listing made for the first resource still serves
    expect(operator.calls.calls.filter((c) => c.operation === "CreateOriginAccessControl")).toHaveLength(1);
    const ids = await Promise.all(
      ["lessons", "videos", "assignments", "slides"].map(async (name) => (await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status.originAccessControlId}"])).trim()),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it("gives resources with the same CORS settings one shared response headers policy, created once", async () => {
    expect(operator.calls.calls.filter((c) => c.operation === "CreateResponseHeadersPolicy")).toHaveLength(1);
    const ids = await Promise.all(
      ["lessons", "videos", "assignments", "slides"].map(async (name) => (await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status.responseHeadersPolicyId}"])).trim()),
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe("");
  });

  it("keeps the shared origin access control while other distributions use it, when one resource is deleted and created again", async () => {
    const sharedId = (await kubectl(env, ["get", "-n", namespace, "scb/videos", "-o", "jsonpath={.status.originAccessControlId}"])).trim();
    await kubectl(env, ["delete", "-n", namespace, "scb/videos", "--timeout=60s"]);
    const kept = await cloudFront.send(new ListOriginAccessControlsCommand({}));
    expect(kept.OriginAccessControlList?.Items?.map((oac) => oac.Id)).toContain(sharedId);
    await kubectl(env, ["apply", "-f", "-"], { input: manifest("videos", "videos-content") });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "scb/videos", "--timeout=60s"]);
    const recreated = (await kubectl(env, ["get", "-n", namespace, "scb/videos", "-o", "jsonpath={.status.originAccessControlId}"])).trim();
    expect(recreated).toBe(sharedId);
    const listed = await waitFor(async () => (await cloudFront.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items, { what: "the OAC list", timeoutMs: 5_000 });
    expect(listed).toHaveLength(1);
  });
});
