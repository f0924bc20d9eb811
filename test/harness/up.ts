// `make up`: runs the local environment in the foreground for people and scripts, until Ctrl-C.
//
// Writes .dev/env.json (endpoints and paths) and prints the same as shell exports. A .dev/bin/kubectl link
// points at the kubectl built for the control plane.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emulatorCredentials } from "./env.ts";
import { startEnvironment } from "./environment.ts";
import { repoRoot } from "./paths.ts";

const devDir = join(repoRoot, ".dev");
const runDir = join(devDir, "run");
const progress = (line: string): void => { console.log(`[up] ${line}`); };

rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const environment = await startEnvironment({ label: "dev", runDir, progress });
const { kubectl } = environment.env;
const binDir = join(devDir, "bin");
mkdirSync(binDir, { recursive: true });
rmSync(join(binDir, "kubectl"), { force: true });
symlinkSync(kubectl, join(binDir, "kubectl"));

const envFile = join(devDir, "env.json");
writeFileSync(envFile, `${JSON.stringify(environment.env, null, 2)}\n`);
const exports = {
  KUBECONFIG: environment.env.kubeconfig,
  AWS_ENDPOINT_URL: environment.env.awsEndpoint,
  AWS_REGION: environment.env.awsRegion,
  AWS_ACCESS_KEY_ID: emulatorCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: emulatorCredentials.secretAccessKey,
};
console.log(`
The local environment is up. Logs: ${join(runDir, "logs")}
Endpoints are in ${envFile}. To use them from another shell:

${Object.entries(exports).map(([k, v]) => `export ${k}=${v}`).join("\n")}
export PATH=${binDir}:$PATH

Then, for example: kubectl get namespaces
Press Ctrl-C to stop everything.`);

// Child processes keep the event loop alive; Ctrl-C (handled in process.ts) stops them and exits.
const keepAlive = setInterval(() => undefined, 60_000);
process.once("exit", () => {
  clearInterval(keepAlive);
});
