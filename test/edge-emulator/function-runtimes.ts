// One warm environment per deployed function version, started on first use (the cold start) and replaced
// when it dies or times out. Numbered versions never change, so an environment stays valid for its version.
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { fetchDeployedFunction } from "./function-code.ts";
import { startFunctionRuntime, type FunctionRuntime } from "./function-runtime.ts";

export class FunctionRuntimes {
  readonly #lambda: LambdaClient;
  readonly #workDir: string;
  readonly #functionLog: (line: string) => void;
  readonly #runtimes = new Map<string, Promise<FunctionRuntime>>();
  #stopped = false;

  constructor(lambda: LambdaClient, workDir: string, functionLog: (line: string) => void) {
    this.#lambda = lambda;
    this.#workDir = workDir;
    this.#functionLog = functionLog;
  }

  async invoke(arn: string, event: unknown): Promise<unknown> {
    const runtime = await this.#runtimeFor(arn);
    return runtime.invoke(event);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const runtimes = await Promise.allSettled(this.#runtimes.values());
    this.#runtimes.clear();
    await Promise.allSettled(runtimes.map((r) => (r.status === "fulfilled" ? r.value.stop() : Promise.resolve())));
  }

  async #runtimeFor(arn: string): Promise<FunctionRuntime> {
    if (this.#stopped) throw new Error("the edge emulator is stopped");
    const existing = this.#runtimes.get(arn);
    if (existing !== undefined) {
      const runtime = await existing.catch(() => undefined);
      if (runtime?.usable() === true) return runtime;
      // A failed start or a dead environment: forget it (unless a concurrent request already did) and start afresh.
      if (this.#runtimes.get(arn) === existing) {
        this.#runtimes.delete(arn);
        await runtime?.stop();
      }
    }
    return this.#runtimes.get(arn) ?? this.#start(arn);
  }

  #start(arn: string): Promise<FunctionRuntime> {
    const starting = fetchDeployedFunction(this.#lambda, arn, this.#workDir).then((fn) => startFunctionRuntime(fn, this.#functionLog));
    this.#runtimes.set(arn, starting);
    return starting;
  }
}
