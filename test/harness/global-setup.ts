// vitest global setup for the integration project: one control plane and one moto per run.
import type { TestProject } from "vitest/node";
import { startEnvironment } from "./environment.ts";
import type { HarnessEnv } from "./env.ts";

declare module "vitest" {
  export interface ProvidedContext {
    harness: HarnessEnv;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const environment = await startEnvironment({ label: "test", progress: (line) => { console.log(line); } });
  project.provide("harness", environment.env);
  return async () => {
    await environment.stop();
  };
}
