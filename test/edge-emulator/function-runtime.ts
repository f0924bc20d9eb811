// Runs a deployed edge function the way Lambda@Edge does: in its own environment (a worker thread with the
// function's memory limit), one cold start, a per-invocation timeout, and its output kept out of our logs.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { EdgeEmulatorError } from "./errors.ts";
import type { DeployedFunction } from "./function-code.ts";

export interface FunctionRuntime {
  readonly arn: string;
  /** False once the environment has died or timed out; the emulator then starts a fresh one. */
  usable(): boolean;
  /** The handler's return value, or EdgeEmulatorError FunctionFailed when it threw, timed out or died. */
  invoke(event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const workerMessageSchema = z.discriminatedUnion("outcome", [
  z.object({ id: z.number(), outcome: z.literal("returned"), value: z.unknown() }),
  z.object({ id: z.number(), outcome: z.literal("threw"), errorName: z.string() }),
]);

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: EdgeEmulatorError) => void;
  readonly timer: NodeJS.Timeout;
}

function forwardLines(stream: Readable, sink: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", sink);
}

function failed(message: string): EdgeEmulatorError {
  return new EdgeEmulatorError("FunctionFailed", message);
}

export function startFunctionRuntime(fn: DeployedFunction, functionLog: (line: string) => void): FunctionRuntime {
  const worker = new Worker(new URL("./function-worker.ts", import.meta.url), {
    workerData: { moduleFile: fn.moduleFile, exportName: fn.exportName },
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb },
  });
  forwardLines(worker.stdout, functionLog);
  forwardLines(worker.stderr, functionLog);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let deadReason: string | undefined;

  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    if (entry === undefined) return undefined;
    pending.delete(id);
    clearTimeout(entry.timer);
    return entry;
  };
  const die = (reason: string): void => {
    deadReason ??= reason;
    for (const id of [...pending.keys()]) settle(id)?.reject(failed(`${fn.arn}: ${reason}`));
  };

  worker.on("message", (raw: unknown) => {
    const message = workerMessageSchema.parse(raw);
    const entry = settle(message.id);
    if (message.outcome === "returned") entry?.resolve(message.value);
    else entry?.reject(failed(`${fn.arn} threw ${message.errorName}`));
  });
  worker.on("error", (error: Error) => { die(`the function's environment failed: ${error.name}: ${error.message}`); });
  worker.on("exit", (code) => { die(`the function's environment exited with code ${code}`); });

  return {
    arn: fn.arn,
    usable: () => deadReason === undefined,
    invoke: (event) =>
      new Promise((resolve, reject) => {
        if (deadReason !== undefined) {
          reject(failed(`${fn.arn}: ${deadReason}`));
          return;
        }
        const id = nextId++;
        const timer = setTimeout(() => {
          settle(id)?.reject(failed(`${fn.arn} timed out after ${fn.timeoutMs} ms`));
          die("timed out");
          void worker.terminate();
        }, fn.timeoutMs);
        pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, event });
      }),
    stop: async () => {
      die("stopped");
      await worker.terminate();
    },
  };
}
