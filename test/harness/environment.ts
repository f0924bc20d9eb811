// Starts the whole local environment (control plane and AWS emulator) and stops it again.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startControlPlane } from "./control-plane.ts";
import type { HarnessEnv } from "./env.ts";
import { startMoto } from "./moto.ts";
import { makeRunDir } from "./paths.ts";

export interface Environment {
  readonly env: HarnessEnv;
  stop(): Promise<void>;
}

export interface EnvironmentOptions {
  readonly label: string;
  readonly progress: (line: string) => void;
  /** Where to keep state and logs; a fresh temporary directory when omitted. */
  readonly runDir?: string;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const runDir = options.runDir ?? makeRunDir(options.label);
  mkdirSync(join(runDir, "logs"), { recursive: true });
  const started = await Promise.allSettled([
    startControlPlane({ runDir, progress: options.progress }),
    startMoto({ runDir, progress: options.progress }),
  ]);
  const [controlPlane, moto] = started;
  if (controlPlane.status === "rejected" || moto.status === "rejected") {
    await Promise.allSettled(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : Promise.resolve())));
    const reasons = started.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    throw new Error(`the local environment did not start:\n${reasons.join("\n")}`);
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
  return {
    env,
    stop: async () => {
      await Promise.allSettled([controlPlane.value.stop(), moto.value.stop()]);
    },
  };
}
