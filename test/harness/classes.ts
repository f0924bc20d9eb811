// The SecuredContentClass the tests, benchmarks and conformance runs work under unless they test tenancy itself.
import { securedContentClassResource } from "../../src/api/secured-content-class.ts";
import type { HarnessEnv } from "./env.ts";
import { kubectl } from "./kubectl.ts";

export const permissiveClassName = "harness-permissive";

/**
 * Applies a default class that allows every namespace, bucket and user pool, without the bucket owners'
 * consent, so resources need no class of their own and buckets no consent tag. Never for a real cluster.
 */
export async function installPermissiveClass(env: HarnessEnv): Promise<void> {
  const permissive = {
    apiVersion: securedContentClassResource.apiVersion,
    kind: securedContentClassResource.kind,
    metadata: { name: permissiveClassName, annotations: { "securedcontent.io/is-default-class": "true" } },
    spec: { namespaces: { from: "All" }, buckets: { namePatterns: ["*"], ownerConsent: "Waived" }, userPools: ["*"] },
  };
  await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(permissive) });
}
