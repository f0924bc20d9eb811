// Entry point: configuration from the environment, then the service until SIGTERM or SIGINT.
import { existsSync, readFileSync } from "node:fs";
import { ConfigError, loadConfig, serviceAccountDir } from "./config.ts";
import { jsonLog, startContentDelivery } from "./service.ts";

const namespaceFile = `${serviceAccountDir}/namespace`;
const inClusterNamespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : undefined;

let config;
try {
  config = loadConfig(process.env, inClusterNamespace);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`content-delivery: ${error.message}`);
  process.exit(2);
}

const service = await startContentDelivery(config);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    jsonLog("info", "stopping", { signal });
    void service.stop().then(() => process.exit(0));
  });
}
