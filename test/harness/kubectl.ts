// Runs the harness's real kubectl against the local control plane.
import { execFile } from "node:child_process";
import type { HarnessEnv } from "./env.ts";

export interface KubectlOptions {
  readonly input?: string;
  /** Use the kubeconfig of the user with no RBAC grants. */
  readonly unprivileged?: boolean;
}

export class KubectlError extends Error {
  readonly code = "KubectlFailed";
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string) {
    super(`kubectl ${args.join(" ")} failed: ${stderr.trim()}`);
    this.name = "KubectlError";
    this.stderr = stderr;
  }
}

export function kubectl(env: HarnessEnv, args: readonly string[], options: KubectlOptions = {}): Promise<string> {
  const kubeconfig = options.unprivileged === true ? env.unprivilegedKubeconfig : env.kubeconfig;
  return new Promise((resolveRun, reject) => {
    const child = execFile(
      env.kubectl,
      ["--kubeconfig", kubeconfig, ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new KubectlError(args, stderr || error.message));
        else resolveRun(stdout);
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}
