// Helpers for the API tests: install the generated CRD, and run kubectl with objects given as data.
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { securedContentBucketResource } from "../../../src/api/constants.ts";
import { securedContentClassResource } from "../../../src/api/secured-content-class.ts";
import { crdFilePaths } from "../../../tools/crd/render.ts";

/** Applies crds/ with kubectl and waits until SecuredContentBuckets and SecuredContentClasses can be listed. */
export async function installCrd(env: HarnessEnv): Promise<void> {
  for (const path of crdFilePaths) await kubectl(env, ["apply", "-f", path]);
  const names = [securedContentBucketResource.crdName, securedContentClassResource.crdName];
  await kubectl(env, ["wait", "--for=condition=Established", ...names.map((name) => `crd/${name}`), "--timeout=60s"]);
  // kubectl's discovery cache can lag the CRD by a moment.
  await waitFor(() => kubectl(env, ["get", "scb", "--all-namespaces"]), { what: "SecuredContentBuckets to be listable", timeoutMs: 30_000, intervalMs: 250 });
  await waitFor(() => kubectl(env, ["get", "scbclass"]), { what: "SecuredContentClasses to be listable", timeoutMs: 30_000, intervalMs: 250 });
}

/** Makes sure the test file's own namespace exists. */
export async function createNamespace(env: HarnessEnv, namespace: string): Promise<void> {
  await kubectlWith(env, ["apply"], { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
}

/**
 * Deletes what a test file created. SecuredContentBuckets carry no finalizer without a controller; the
 * namespace stays Terminating, as there is no namespace controller to finalize it.
 */
export async function deleteNamespace(env: HarnessEnv, namespace: string): Promise<void> {
  await kubectl(env, ["delete", "scb", "--all", "-n", namespace, "--ignore-not-found", "--wait=true"]);
  await kubectl(env, ["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"]);
}

/** `kubectl <verb> -f -` with the object as JSON. */
export function kubectlWith(env: HarnessEnv, args: readonly string[], object: unknown): Promise<string> {
  return kubectl(env, [...args, "-f", "-"], { input: JSON.stringify(object) });
}

/** The error kubectl printed, or a failure if the command succeeded. */
export async function rejection(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected the API server to reject the request");
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
