// The benchmark's environment: the harness's control plane and moto, moto told to deploy a new distribution
// after a set number of reads, the CRD, a Kubernetes client, and the CPU time of those processes.
import { KubeConfig } from "@kubernetes/client-node";
import { securedContentBucketResource } from "../../src/api/constants.ts";
import { securedContentClassResource } from "../../src/api/secured-content-class.ts";
import { crdFilePaths } from "../../tools/crd/render.ts";
import { installPermissiveClass } from "../../test/harness/classes.ts";
import { KubeRestClient } from "../../src/k8s/rest-client.ts";
import type { HarnessEnv } from "../../test/harness/env.ts";
import { startEnvironment } from "../../test/harness/environment.ts";
import { kubectl } from "../../test/harness/kubectl.ts";
import { setMotoTransition } from "../../test/harness/moto.ts";
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
  const environment = await startEnvironment({ label: "scale", progress: options.progress });
  const { env } = environment;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env.kubeconfig);
  const kube = new KubeRestClient(kubeConfig);
  const stop = async (): Promise<void> => {
    await kube.close();
    await environment.stop();
  };
  try {
    // The launch setting for every distribution from now on; moto's reset leaves it.
    await setMotoTransition(env.awsEndpoint, "cloudfront::distribution", { progression: "manual", times: options.deployAfterReads });
    for (const path of crdFilePaths) await kubectl(env, ["apply", "-f", path]);
    await kubectl(env, ["wait", "--for=condition=Established", `crd/${securedContentBucketResource.crdName}`, `crd/${securedContentClassResource.crdName}`, "--timeout=60s"]);
    await installPermissiveClass(env);
  } catch (error) {
    await stop();
    throw error;
  }
  // etcd and kube-apiserver name the run folder on their command lines; moto names its port.
  const controlPlanePids = pidsMentioning(env.runDir).filter((pid) => pid !== process.pid);
  const motoPids = pidsMentioning(`--port\u0000${new URL(env.awsEndpoint).port}\u0000`);
  const cpuSeconds = (): { moto: number; controlPlane: number } => ({ moto: cpuSecondsOf(motoPids), controlPlane: cpuSecondsOf(controlPlanePids) });
  return { env, kube, cpuSeconds, stop };
}
