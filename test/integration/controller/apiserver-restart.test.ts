// The controller survives its API server going away: the informer reconnects by itself and catches up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "../../harness/control-plane.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { makeRunDir } from "../../harness/paths.ts";
import { installWidgetCrd, startWidgetOperator, widgetManifest, type WidgetOperator } from "./widgets.ts";

const namespace = "machinery-restart";

describe("API server restart", () => {
  // This file restarts kube-apiserver, so it runs its own control plane instead of the shared one.
  let controlPlane: ControlPlane;
  let env: HarnessEnv;
  let operator: WidgetOperator;

  beforeAll(async () => {
    const runDir = makeRunDir("restart");
    controlPlane = await startControlPlane({ runDir, progress: () => undefined });
    env = {
      kubeconfig: controlPlane.kubeconfig,
      unprivilegedKubeconfig: controlPlane.unprivilegedKubeconfig,
      apiServerUrl: controlPlane.apiServerUrl,
      kubectl: controlPlane.kubectl,
      awsEndpoint: "http://127.0.0.1:9",
      awsRegion: "us-east-1",
      runDir,
    };
    await kubectl(env, ["create", "namespace", namespace]);
    await installWidgetCrd(env);
    operator = await startWidgetOperator(env.kubeconfig, { namespace });
  });

  afterAll(async () => {
    await operator.stop();
    await controlPlane.stop();
  });

  it("recovers without a restart of its own and picks up changes made while it was cut off", async () => {
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "before", { size: 1 }) });
    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/before", "--timeout=30s"]);

    await controlPlane.restartApiServer(2_000);
    // Changed and created while the operator's watch was broken: it only learns of them by reconnecting.
    await kubectl(env, ["patch", "-n", namespace, "widget/before", "--type=merge", "-p", JSON.stringify({ spec: { size: 7 } })]);
    await kubectl(env, ["apply", "-f", "-"], { input: widgetManifest(namespace, "during", { size: 3 }) });

    await kubectl(env, ["wait", "-n", namespace, "--for=condition=Ready", "widget/during", "--timeout=60s"]);
    await kubectl(env, ["wait", "-n", namespace, "--for=jsonpath={.status.size}=7", "widget/before", "--timeout=60s"]);
    expect(operator.manager.informer.keys().sort()).toEqual([`${namespace}/before`, `${namespace}/during`]);
  });
});
