// The local environment as `make up` and `make dev` run it: state under .dev/, endpoints in .dev/env.json,
// and a .dev/bin/kubectl link to the kubectl built for the control plane.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { emulatorCredentials, startEnvironment, type Environment } from "../test/harness/api.ts";

export const repoRoot = resolve(import.meta.dirname, "..");
export const devDir = join(repoRoot, ".dev");

export async function startDevEnvironment(progress: (line: string) => void): Promise<Environment> {
  const runDir = join(devDir, "run");
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const environment = await startEnvironment({ label: "dev", runDir, progress });
  const binDir = join(devDir, "bin");
  mkdirSync(binDir, { recursive: true });
  rmSync(join(binDir, "kubectl"), { force: true });
  symlinkSync(environment.env.kubectl, join(binDir, "kubectl"));
  writeFileSync(join(devDir, "env.json"), `${JSON.stringify(environment.env, null, 2)}\n`);
  return environment;
}

/** The environment as shell exports, for another terminal. */
export function shellExports(environment: Environment): string {
  const exports = {
    KUBECONFIG: environment.env.kubeconfig,
    AWS_ENDPOINT_URL: environment.env.awsEndpoint,
    AWS_REGION: environment.env.awsRegion,
    AWS_ACCESS_KEY_ID: emulatorCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulatorCredentials.secretAccessKey,
  };
  return [...Object.entries(exports).map(([k, v]) => `export ${k}=${v}`), `export PATH=${join(devDir, "bin")}:$PATH`].join("\n");
}

/** Child processes keep the event loop alive; Ctrl-C (handled by the harness's process.ts) stops them and exits. */
export function runUntilInterrupted(): void {
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once("exit", () => { clearInterval(keepAlive); });
}
