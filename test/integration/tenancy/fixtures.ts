// Shared pieces of the tenancy tests: classes and resources as data, and reading a resource's conditions.
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { kubectlWith } from "../api/kube.ts";

export interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export function classObject(name: string, spec: Record<string, unknown>, isDefault = false): Record<string, unknown> {
  return {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentClass",
    metadata: { name, ...(isDefault ? { annotations: { "securedcontent.io/is-default-class": "true" } } : {}) },
    spec,
  };
}

export interface ResourceOptions {
  readonly bucket: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly className?: string;
  readonly distribution?: Record<string, unknown>;
}

export function resourceObject(name: string, namespace: string, options: ResourceOptions): Record<string, unknown> {
  return {
    apiVersion: "securedcontent.io/v1alpha1",
    kind: "SecuredContentBucket",
    metadata: { name, namespace },
    spec: {
      bucket: { name: options.bucket, region: "us-east-1" },
      auth: { userPoolId: options.userPoolId, clientIds: [options.clientId], requiredGroups: ["paid-students"] },
      ...(options.className === undefined ? {} : { className: options.className }),
      ...(options.distribution === undefined ? {} : { distribution: options.distribution }),
    },
  };
}

export async function apply(env: HarnessEnv, object: Record<string, unknown>): Promise<void> {
  await kubectlWith(env, ["apply"], object);
}

export async function conditionsOf(env: HarnessEnv, kind: "scb" | "scbclass", name: string, namespace?: string): Promise<StoredCondition[]> {
  const args = ["get", `${kind}/${name}`, "-o", "jsonpath={.status.conditions}", ...(namespace === undefined ? [] : ["-n", namespace])];
  const text = (await kubectl(env, args)).trim();
  return text === "" ? [] : (JSON.parse(text) as StoredCondition[]);
}

/** Waits until the resource is Stalled with `reason` (its observed generation current), and returns the condition. */
export function waitForStalled(env: HarnessEnv, name: string, namespace: string, reason: string): Promise<StoredCondition> {
  return waitFor(
    async () => {
      const stalled = (await conditionsOf(env, "scb", name, namespace)).find((condition) => condition.type === "Stalled");
      return stalled?.status === "True" && stalled.reason === reason ? stalled : undefined;
    },
    { what: `${namespace}/${name} to be Stalled with reason ${reason}`, timeoutMs: 30_000, intervalMs: 100 },
  );
}
