// Two replicas of the controller share one Lease: only the leader reconciles, and a standby takes over.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { installWidgetCrd, startWidgetOperator, widgetManifest, type WidgetOperator } from "./widgets.ts";

const namespace = "machinery-leader";
const lease = { namespace, name: "widget-operator", leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };

describe("leader election", () => {
  const env = inject("harness");
  const operators: WidgetOperator[] = [];

  beforeAll(async () => {
    await kubectl(env, ["create", "namespace", namespace]);
    await installWidgetCrd(env);
  });

  afterAll(async () => {
    for (const operator of operators) await operator.stop();
  });

  it("lets only the leader reconcile, and hands over when the leader stops", async () => {
    const first = await startWidgetOperator(env.kubeconfig, { namespace, leaderElection: { ...lease, identity: "first" }, onLostLeadership: () => undefined });
    operators.push(first);
    await waitFor(() => (first.manager.isLeader() ? true : undefined), { what: "the first replica to lead", timeoutMs: 10_000 });
    const second = await startWidgetOperator(env.kubeconfig, { namespace, leaderElection: { ...lease, identity: "second" }, onLostLeadership: () => undefined });
    operators.push(second);

    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "one", { size: 1 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/one", "--timeout=30s"]);
    await waitFor(() => (second.manager.informer.hasSynced() ? true : undefined), { what: "the standby's cache", timeoutMs: 10_000 });
    expect(first.reconciler.calls.length).toBeGreaterThan(0);
    expect(second.reconciler.calls).toEqual([]);
    expect(second.manager.isLeader()).toBe(false);

    const heldBy = JSON.parse(await kubectl(env, ["get", "lease", "-n", namespace, lease.name, "-o", "json"])) as {
      spec: { holderIdentity: string; renewTime: string };
    };
    expect(heldBy.spec.holderIdentity).toBe("first");
    expect(heldBy.spec.renewTime).toMatch(/\.\d{6}Z$/);

    const stoppedAt = Date.now();
    await first.stop();
    operators.splice(operators.indexOf(first), 1);
    await waitFor(() => (second.manager.isLeader() ? true : undefined), { what: "the standby to take over", timeoutMs: lease.leaseDurationMs });
    // A released lease is taken within a retry period or two, well inside the lease duration.
    expect(Date.now() - stoppedAt).toBeLessThan(lease.leaseDurationMs);

    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "two", { size: 2 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/two", "--timeout=30s"]);
    expect(second.reconciler.calls.some((c) => c.key === `${namespace}/two`)).toBe(true);
    await kubectl(env, ["delete", "-n", namespace, "widget/one", "widget/two", "--timeout=30s"]);
  });
});
