// The controller machinery against the real kube-apiserver, driven by a reconciler with no AWS in it.
// The first describe's cases run in order: they share one operator, and the metrics case expects the counts
// that the reconciles of the cases before it produced.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installWidgetCrd, startWidgetOperator, widgetFinalizer, widgetManifest, type WidgetOperator } from "./widgets.ts";

const namespace = "machinery";

describe("controller manager", { concurrent: false, shuffle: false }, () => {
  const env = inject("harness");
  let operator: WidgetOperator;

  beforeAll(async () => {
    await kubectl(env, ["create", "namespace", namespace]);
    await installWidgetCrd(env);
    operator = await startWidgetOperator(env.kubeconfig, { namespace, behaviour: { failTimes: 0 } });
  });

  afterAll(async () => {
    await operator.stop();
  });

  it("reconciles a new object until kubectl wait --for=condition=Ready succeeds", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "alpha", { size: 1 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/alpha", "--timeout=30s"]);
    const widget = JSON.parse(await kubectl(env, ["get", "-n", namespace, "widget/alpha", "-o", "json"])) as {
      metadata: { finalizers: string[]; generation: number };
      status: { observedGeneration: number; size: number };
    };
    expect(widget.metadata.finalizers).toEqual([widgetFinalizer]);
    expect(widget.status.observedGeneration).toBe(widget.metadata.generation);
    expect(widget.status.size).toBe(1);
  });

  it("keeps conditions it does not own when it writes status, and reacts to spec changes", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "beta", { size: 1 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/beta", "--timeout=30s"]);
    const current = JSON.parse(await kubectl(env, ["get", "-n", namespace, "widget/beta", "-o", "json"])) as {
      status: { conditions: unknown[] };
    };
    const foreign = { type: "AuditedBy", status: "True", reason: "Manual", message: "someone else", lastTransitionTime: "2026-01-01T00:00:00Z" };
    await kubectl(env, [
      "patch", "-n", namespace, "widget/beta", "--subresource=status", "--type=merge",
      "-p", JSON.stringify({ status: { conditions: [...current.status.conditions, foreign] } }),
    ]);
    await kubectl(env, ["patch", "-n", namespace, "widget/beta", "--type=merge", "-p", JSON.stringify({ spec: { size: 5 } })]);
    const updated = await waitFor(
      async () => {
        const widget = JSON.parse(await kubectl(env, ["get", "-n", namespace, "widget/beta", "-o", "json"])) as {
          metadata: { generation: number };
          status: { size: number; observedGeneration: number; conditions: { type: string }[] };
        };
        return widget.status.size === 5 ? widget : undefined;
      },
      { what: "status.size to follow the spec", timeoutMs: 20_000 },
    );
    expect(updated.status.observedGeneration).toBe(updated.metadata.generation);
    expect(updated.status.conditions.map((c) => c.type)).toEqual(["Ready", "Reconciling", "Stalled", "AuditedBy"]);
  });

  it("runs the finalizer lifecycle: cleanup happens before the object disappears", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "gamma", { size: 1 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/gamma", "--timeout=30s"]);
    await kubectl(env, ["delete", "-n", namespace, "widget/gamma", "--timeout=30s"]);
    expect(operator.reconciler.cleanedUp).toContain(`${namespace}/gamma`);
    await expect(kubectl(env, ["get", "-n", namespace, "widget/gamma"])).rejects.toThrow(/NotFound/);
  });

  it("serves /healthz, /readyz and controller-runtime metrics", async () => {
    const base = `http://127.0.0.1:${String(operator.manager.healthPort)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^controller_runtime_reconcile_time_seconds_count\{controller="widget"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^workqueue_adds_total\{name="widget",controller="widget"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^leader_election_master_status\{name="widget"\} 1$/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});

describe("a reconcile that throws", () => {
  const env = inject("harness");

  it("is retried with growing delays and counted in the metrics", async () => {
    const ns = "machinery-retry";
    await kubectl(env, ["create", "namespace", ns]);
    await installWidgetCrd(env);
    const operator = await startWidgetOperator(env.kubeconfig, { namespace: ns, behaviour: { failTimes: 3 } });
    try {
      await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(ns, "flaky", { size: 1 }) });
      await kubectl(env, ["wait", "-n", ns, "--for=condition=Ready", "widget/flaky", "--timeout=30s"]);
      const times = operator.reconciler.calls.filter((c) => c.key === `${ns}/flaky`).map((c) => c.at);
      const gaps = times.slice(1, 4).map((t, i) => t - (times[i] ?? 0));
      // Backoff base 200 ms, doubling: 200, 400, 800 (timers never fire early).
      expect(gaps[0]).toBeGreaterThanOrEqual(200);
      expect(gaps[1]).toBeGreaterThanOrEqual(400);
      expect(gaps[2]).toBeGreaterThanOrEqual(800);
      expect(operator.metrics.reconcileErrors.get({ controller: "widget" })).toBe(3);
      expect(operator.metrics.queueRetries.get({ name: "widget", controller: "widget" })).toBe(3);
    } finally {
      await kubectl(env, ["delete", "-n", ns, "widget/flaky", "--timeout=30s"]);
      await operator.stop();
    }
  });
});
