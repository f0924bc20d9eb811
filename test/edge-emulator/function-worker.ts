// One execution environment of a deployed edge function, in a worker thread: the package's module is imported
// once (its cold start), then each message is one invocation. What the function writes to stdout/stderr goes
// to the parent's function log, as Lambda sends it to CloudWatch.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";

interface WorkerInput {
  readonly moduleFile: string;
  readonly exportName: string;
}

type Handler = (event: unknown) => unknown;

const port = parentPort;
const input = workerData as WorkerInput;
const loaded = (await import(pathToFileURL(input.moduleFile).href)) as Record<string, unknown>;
const exported = loaded[input.exportName];
if (typeof exported !== "function") throw new TypeError(`the package does not export a function ${input.exportName}`);
const handler = exported as Handler;

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

port?.on("message", (message: { id: number; event: unknown }) => {
  void (async () => {
    try {
      const value: unknown = await handler(message.event);
      port.postMessage({ id: message.id, outcome: "returned", value });
    } catch (error) {
      // Only the error's class name crosses over: a message could quote the request.
      port.postMessage({ id: message.id, outcome: "threw", errorName: errorName(error) });
    }
  })();
});
