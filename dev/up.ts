// `make up`: runs the local environment in the foreground for people and scripts, until Ctrl-C.
import { join } from "node:path";
import { devDir, runUntilInterrupted, shellExports, startDevEnvironment } from "./local-environment.ts";

const environment = await startDevEnvironment((line) => { console.log(`[up] ${line}`); });
console.log(`
The local environment is up. Logs: ${join(environment.env.runDir, "logs")}
Endpoints are in ${join(devDir, "env.json")}. To use them from another shell:

${shellExports(environment)}

Then, for example: kubectl get namespaces
Press Ctrl-C to stop everything.`);
runUntilInterrupted();
