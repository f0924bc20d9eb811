// The SecuredContentBucket reconciler's Kubernetes side against the real API server and the generated CRD,
// with a recording Convergence in place of AWS: Ready, InvalidSpec without a retry storm, and deletion.
// The cases run in order: the last one deletes the resource the first one applied.
import { KubeConfig } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { securedContentBucketResource, type SecuredContentBucket } from "../../../src/api/index.ts";
import { securedContentBucketCrd } from "../../../tools/crd/crd.ts";
import { createControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import { EventRecorder } from "../../../src/controller/events.ts";
import { Manager } from "../../../src/controller/manager.ts";
import { ResourceClient } from "../../../src/k8s/resource-client.ts";
import { KubeRestClient } from "../../../src/k8s/rest-client.ts";
import type { Convergence, ConvergenceResult, RetireResult } from "../../../src/reconcile/convergence.ts";
import { SecuredContentBucketReconciler } from "../../../src/reconcile/reconciler.ts";
import { repoRoot } from "../../harness/paths.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installCrd } from "../api/kube.ts";

const namespace = "reconciler-core";

class RecordingConvergence implements Convergence {
  readonly converged: string[] = [];
  readonly cleanUps: string[] = [];

  converge(resource: SecuredContentBucket): Promise<ConvergenceResult> {
    this.converged.push(resource.metadata.name);
    const domainName = `d-${resource.metadata.name}.cloudfront.net`;
    const step = (type: string) => ({ type, status: "True" as const, reason: "InSync", message: "matches the spec" });
    return Promise.resolve({
      conditions: ["BucketSecured", "OriginAccessReady", "EdgeFunctionReady", "DistributionDeployed"].map(step),
      fields: {
        url: `https://${domainName}`,
        distribution: { id: "E2EXAMPLE", arn: "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE", domainName, status: "Deployed" },
      },
      progress: { state: "ready", reason: "Deployed", message: "serving only to group members" },
      notices: [],
    });
  }

  retire(resource: SecuredContentBucket): Promise<RetireResult> {
    this.cleanUps.push(resource.metadata.name);
    const first = this.cleanUps.filter((n) => n === resource.metadata.name).length === 1;
    return Promise.resolve(
      first
        ? { complete: false, waitingFor: "the distribution to be disabled", requeueAfterMs: 500, notices: [] }
        : { complete: true, waitingFor: "", notices: [{ kind: "deleted" as const, reason: "DistributionDeleted", message: "AWS resources removed" }] },
    );
  }
}

/** The CRD without its validation, standing in for an older or looser CRD the parser must still guard against. */
function relaxedCrd(): unknown {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== "object" || node === null) return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => !["x-kubernetes-validations", "pattern", "minItems", "minLength"].includes(key))
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  return strip(securedContentBucketCrd());
}

describe("SecuredContentBucket reconciler (Kubernetes side)", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  const convergence = new RecordingConvergence();
  const kubeConfig = new KubeConfig();
  let manager: Manager;
  let client: KubeRestClient;
  let reconcileCalls = 0;

  beforeAll(async () => {
    kubeConfig.loadFromFile(env.kubeconfig);
    client = new KubeRestClient(kubeConfig);
    await installCrd(env);
    await kubectl(env, ["create", "namespace", namespace]);
    const resources = new ResourceClient(client, securedContentBucketResource);
    const log = pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" });
    const events = new EventRecorder({ client, component: "securedcontent", instance: "test", log });
    const reconciler = new SecuredContentBucketReconciler({ resources, convergence, events, log });
    manager = new Manager({
      client,
      collectionPath: resources.collectionPath(namespace),
      controllerName: "securedcontentbucket",
      reconciler: { reconcile: (request, signal) => { reconcileCalls += 1; return reconciler.reconcile(request, signal); } },
      concurrency: 2,
      resyncIntervalsMs: [],
      metrics: createControllerMetrics(),
      log,
      shutdownGraceMs: 5_000,
      backoff: { baseMs: 200, maxMs: 2_000, jitter: 0 },
    });
    await manager.start();
  });

  afterAll(async () => {
    await manager.stop();
    await client.close();
    await installCrd(env);
  });

  it("adds the finalizer and reports Ready, which kubectl get scb shows", async () => {
    const example = readFileSync(`${repoRoot}/examples/secured-content-bucket.yaml`, "utf8").replace(/namespace: \S+/, `namespace: ${namespace}`);
    await kubectl(env, ["apply", "-f", "-"], { input: example });
    const name = (await kubectl(env, ["get", "scb", "-n", namespace, "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", `scb/${name}`, "--timeout=30s"]);
    const table = await kubectl(env, ["get", "scb", "-n", namespace]);
    expect(table).toMatch(/^NAME\s+READY\s+BUCKET\s+DOMAIN\s+AGE/m);
    expect(table).toMatch(new RegExp(`^${name}\\s+True\\s+simple-aws-courses-content\\s+d-${name}\\.cloudfront\\.net\\s`, "m"));
    const stored = JSON.parse(await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "json"])) as { metadata: { finalizers: string[] } };
    expect(stored.metadata.finalizers).toEqual(["securedcontent.io/cleanup"]);
  });

  it("marks a spec the parser rejects InvalidSpec, with an Event, no AWS work and no retry storm", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(relaxedCrd()) });
    const bad = {
      apiVersion: securedContentBucketResource.apiVersion,
      kind: securedContentBucketResource.kind,
      metadata: { name: "bad-pool", namespace },
      spec: { bucket: { name: "bad-pool-bucket", region: "us-east-1" }, auth: { userPoolId: "not-a-pool", clientIds: ["abc"], requiredGroups: ["paid"] } },
    };
    await waitFor(() => kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(bad) }), { what: "the relaxed CRD to accept the object", timeoutMs: 20_000, intervalMs: 250 });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Stalled", "scb/bad-pool", "--timeout=30s"]);
    const before = reconcileCalls;
    const status = JSON.parse(await kubectl(env, ["get", "-n", namespace, "scb/bad-pool", "-o", "jsonpath={.status}"])) as {
      conditions: { type: string; status: string; reason: string; message: string }[];
    };
    expect(status.conditions.find((c) => c.type === "Stalled")).toMatchObject({ status: "True", reason: "InvalidSpec" });
    expect(status.conditions.find((c) => c.type === "Stalled")?.message).toMatch(/spec\.auth\.userPoolId/);
    expect(status.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(convergence.converged).not.toContain("bad-pool");

    // Left alone for a few seconds, a terminal failure is not retried.
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 3_000));
    expect(reconcileCalls).toBe(before);
    const events = await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", "involvedObject.name=bad-pool", "-o", "jsonpath={.items[*].reason}"]);
    expect(events.trim()).toBe("InvalidSpec");
    await kubectl(env, ["delete", "-n", namespace, "scb/bad-pool", "--timeout=30s"]);
  });

  it("reports what deletion waits for, then removes the finalizer", async () => {
    const name = (await kubectl(env, ["get", "scb", "-n", namespace, "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    await kubectl(env, ["delete", "-n", namespace, `scb/${name}`, "--wait=false"]);
    await waitFor(
      async () => {
        const message = await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", 'jsonpath={.status.conditions[?(@.type=="Reconciling")].message}']);
        return message.includes("waiting for the distribution to be disabled") ? true : undefined;
      },
      { what: "status to say what deletion waits for", timeoutMs: 20_000 },
    );
    await kubectl(env, ["wait", "-n", namespace, "--for=delete", `scb/${name}`, "--timeout=30s"]);
    expect(convergence.cleanUps.filter((n) => n === name).length).toBe(2);
  });
});
