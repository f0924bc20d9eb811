// The operator's entry point: read the configuration, build the operator, and stop it cleanly on SIGTERM or
// SIGINT. Everything else is wired in operator.ts.
import { ConfigError, loadConfig, type OperatorConfig } from "./config.ts";
import { createOperator } from "./operator.ts";

function configOrExit(): OperatorConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

const operator = await createOperator(configOrExit());
let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  operator.log.info({ signal }, "shutting down");
  void operator.stop().then(() => {
    operator.log.info({}, "stopped");
    process.exit(0);
  });
};
process.once("SIGTERM", () => { shutdown("SIGTERM"); });
process.once("SIGINT", () => { shutdown("SIGINT"); });
await operator.start();
