// The benchmark's environment: the harness's control plane and moto (launched to deploy a new distribution after
// a set number of reads), the CRD, a Kubernetes client, and the CPU time of those processes.
import { KubeConfig } from "@kubernetes/client-node";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { securedContentBucketResource } from "../../src/api/constants.ts";
import { crdFilePath } from "../../src/api/crd/render.ts";
import { KubeRestClient } from "../../src/k8s/rest-client.ts";
import { startControlPlane } from "../../test/harness/control-plane.ts";
import type { HarnessEnv } from "../../test/harness/env.ts";
import { kubectl } from "../../test/harness/kubectl.ts";
import { startMoto } from "../../test/harness/moto.ts";
import { makeRunDir } from "../../test/harness/paths.ts";
import { cpuSecondsOf, pidsMentioning } from "./proc.ts";

export interface BenchEnvironment {
  readonly env: HarnessEnv;
  /** The benchmark's own client (cluster-admin); the operator has its own. */
  readonly kube: KubeRestClient;
  /** CPU seconds used so far by the emulator, and by etcd and kube-apiserver together. */
  cpuSeconds(): { moto: number; controlPlane: number };
  stop(): Promise<void>;
}

export async function startBenchEnvironment(options: { deployAfterReads: number; progress: (line: string) => void }): Promise<BenchEnvironment> {
  const runDir = makeRunDir("scale");
  mkdirSync(join(runDir, "logs"), { recursive: true });
  const started = await Promise.allSettled([
    startControlPlane({ runDir, progress: options.progress }),
    startMoto({ runDir, progress: options.progress, deployAfterReads: options.deployAfterReads }),
  ]);
  const [controlPlane, moto] = started;
  if (controlPlane.status === "rejected" || moto.status === "rejected") {
    await Promise.allSettled(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : Promise.resolve())));
    throw new Error(`the environment did not start: ${started.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])).join("; ")}`);
  }
  const env: HarnessEnv = {
    kubeconfig: controlPlane.value.kubeconfig,
    unprivilegedKubeconfig: controlPlane.value.unprivilegedKubeconfig,
    apiServerUrl: controlPlane.value.apiServerUrl,
    kubectl: controlPlane.value.kubectl,
    awsEndpoint: moto.value.endpoint,
    awsRegion: "us-east-1",
    runDir,
  };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env.kubeconfig);
  const kube = new KubeRestClient(kubeConfig);
  const stop = async (): Promise<void> => {
    await kube.close();
    await Promise.allSettled([controlPlane.value.stop(), moto.value.stop()]);
  };
  try {
    await kubectl(env, ["apply", "-f", crdFilePath]);
    await kubectl(env, ["wait", "--for=condition=Established", `crd/${securedContentBucketResource.crdName}`, "--timeout=60s"]);
  } catch (error) {
    await stop();
    throw error;
  }
  // etcd and kube-apiserver name the run folder on their command lines; moto names its port.
  const controlPlanePids = pidsMentioning(runDir).filter((pid) => pid !== process.pid);
  const motoPids = pidsMentioning(`--port\u0000${moto.value.port}\u0000`);
  const cpuSeconds = (): { moto: number; controlPlane: number } => ({ moto: cpuSecondsOf(motoPids), controlPlane: cpuSecondsOf(controlPlanePids) });
  return { env, kube, cpuSeconds, stop };
}
