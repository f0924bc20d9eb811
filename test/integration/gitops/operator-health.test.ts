// What Argo CD (deploy/argocd/health.lua on Lua 5.1) and Flux (kstatus) make of the status the real operator
// writes: objects read back from the API server while CloudFront deploys, once Ready, when an ownership
// conflict stalls a second resource, and after a spec change the operator has not seen yet.
// The cases run in order: they follow one resource from deploying to Ready, then stop the operator and change
// the spec; the last relies on no operator running any more.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPublicContentBucket } from "../../harness/aws-seed.ts";
import { computeKstatus, ensureKstatus } from "../../harness/kstatus.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { ensureLua, type LuaInterpreter } from "../../harness/lua.ts";
import { waitFor } from "../../harness/wait.ts";
import { prepareLifecycle, type Lifecycle } from "../reconcile/lifecycle-fixtures.ts";
import { startTestOperator, type TestOperator } from "../reconcile/operator.ts";
import { argoHealth } from "./argocd.ts";

const namespace = "gitops-health";
const rivalNamespace = "gitops-health-rival";
const bucket = "gitops-health-content";

interface StoredScb {
  metadata: { generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string }[] };
}

describe("GitOps health of objects the operator wrote", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  let lifecycle: Lifecycle;
  let operator: TestOperator | undefined;
  let lua: LuaInterpreter;
  let kstatus: string;

  const read = async (name: string, ns: string): Promise<StoredScb> =>
    JSON.parse(await kubectl(env, ["get", "-n", ns, `scb/${name}`, "-o", "json"])) as StoredScb;

  /** Both tools' verdicts on the same stored object. */
  const healthOf = async (object: StoredScb) => {
    const [flux] = await computeKstatus(kstatus, [object]);
    return { argo: await argoHealth(lua, object), kstatus: flux };
  };

  const waitForCondition = (name: string, ns: string, type: string): Promise<StoredScb> =>
    waitFor(
      async () => {
        const object = await read(name, ns);
        return object.status?.conditions?.some((c) => c.type === type && c.status === "True") === true ? object : undefined;
      },
      { what: `${ns}/${name} to have ${type}=True`, timeoutMs: 60_000, intervalMs: 100 },
    );

  const apply = (name: string, ns: string): Promise<string> =>
    kubectl(env, ["apply", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name, namespace: ns },
        spec: {
          bucket: { name: bucket, region: "us-east-1" },
          auth: { userPoolId: lifecycle.pool.userPoolId, clientIds: [lifecycle.pool.clientId], requiredGroups: ["paid-students"] },
        },
      }),
    });

  beforeAll(async () => {
    const progress = (line: string): void => { console.log(`[harness] ${line}`); };
    [lua, kstatus] = await Promise.all([ensureLua(progress), ensureKstatus(progress)]);
    lifecycle = await prepareLifecycle(env, namespace, "gitops");
    await kubectl(env, ["create", "namespace", rivalNamespace]);
    await createPublicContentBucket(env, bucket, [{ key: "videos/lesson-1.mp4", body: "not really a video", contentType: "video/mp4" }]);
    operator = await startTestOperator(env, { edgeRoleArn: lifecycle.edgeRoleArn, exposureResyncMs: 60_000, fullResyncMs: 60_000, deployingRequeueMs: 1_000 });
  }, 15 * 60_000);

  afterAll(async () => {
    await operator?.stop();
    // With no operator left to run the finalizer, release the objects so later files' operators never see them.
    for (const [name, ns] of [["courses", namespace], ["rival", rivalNamespace], ["unseen", namespace]] as const) {
      await kubectl(env, ["patch", "-n", ns, `scb/${name}`, "--type=merge", "-p", '{"metadata":{"finalizers":null}}']).catch(() => undefined);
      await kubectl(env, ["delete", "-n", ns, `scb/${name}`, "--ignore-not-found", "--wait=true"]);
    }
    lifecycle.restore();
  });

  it("reads Progressing and InProgress while CloudFront deploys", async () => {
    await apply("courses", namespace);
    const deploying = await waitForCondition("courses", namespace, "Reconciling");
    const health = await healthOf(deploying);
    expect(health.argo.status).toBe("Progressing");
    expect(health.argo.message).toMatch(/^Deploying: /);
    expect(health.kstatus).toMatchObject({ status: "InProgress", reason: "Deploying" });
  });

  it("reads Healthy and Current once Ready", async () => {
    const ready = await waitForCondition("courses", namespace, "Ready");
    expect(await healthOf(ready)).toEqual({
      argo: { status: "Healthy", message: `serving bucket ${bucket} to members of paid-students` },
      kstatus: { status: "Current", message: "Resource is Ready" },
    });
  });

  it("reads Degraded and Failed, with the reason, for a resource stalled by an ownership conflict", async () => {
    await apply("rival", rivalNamespace);
    const stalled = await waitForCondition("rival", rivalNamespace, "Stalled");
    const health = await healthOf(stalled);
    expect(health.argo.status).toBe("Degraded");
    // The tenant is told the bucket is held, never by whom (the holder is in the operator's log).
    expect(health.argo.message).toMatch(/^OwnershipConflict: bucket .* is claimed by another resource/);
    expect(health.kstatus).toMatchObject({ status: "Failed", reason: "OwnershipConflict" });
    expect(health.argo.message).toBe(`OwnershipConflict: ${health.kstatus?.message ?? ""}`);
  });

  it("reads Progressing and InProgress after a spec change the operator has not observed yet", async () => {
    await operator?.stop();
    operator = undefined;
    await kubectl(env, ["patch", "-n", namespace, "scb/courses", "--type=merge", "-p", '{"spec":{"auth":{"requiredGroups":["paid-students","staff"]}}}']);
    const changed = await read("courses", namespace);
    expect(changed.metadata.generation).toBe(2);
    expect(changed.status?.observedGeneration).toBe(1);
    expect(await healthOf(changed)).toEqual({
      argo: { status: "Progressing", message: "Waiting for the operator to observe generation 2 (status describes generation 1)" },
      kstatus: {
        status: "InProgress",
        reason: "LatestGenerationNotObserved",
        message: "SecuredContentBucket generation is 2, but latest observed generation is 1",
      },
    });
  });

  it("reads Progressing and InProgress for a new resource no operator has seen, thanks to the status default", async () => {
    expect(operator).toBeUndefined();
    await kubectl(env, ["create", "-f", "-"], {
      input: JSON.stringify({
        apiVersion: "securedcontent.io/v1alpha1",
        kind: "SecuredContentBucket",
        metadata: { name: "unseen", namespace },
        spec: { bucket: { name: "unseen-bucket", region: "us-east-1" }, auth: { userPoolId: lifecycle.pool.userPoolId, clientIds: [lifecycle.pool.clientId], requiredGroups: ["staff"] } },
      }),
    });
    const unseen = await read("unseen", namespace);
    expect(unseen.status).toEqual({ observedGeneration: -1 });
    const health = await healthOf(unseen);
    expect(health.argo.status).toBe("Progressing");
    expect(health.kstatus).toMatchObject({ status: "InProgress", reason: "LatestGenerationNotObserved" });
  });
});
