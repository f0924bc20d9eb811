// Shared setup for the lifecycle tests: the emulator, the CRD, a namespace, a Cognito pool and the edge role;
// and a SecuredContentBucket applied over a freshly seeded public bucket.
import { createEdgeRole, createPublicContentBucket } from "../../harness/aws-seed.ts";
import { seedUserPool, type SeededPool } from "../../harness/cognito.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { installCrd } from "../api/kube.ts";
import { useEmulator } from "./operator.ts";

export interface Lifecycle {
  readonly pool: SeededPool;
  readonly edgeRoleArn: string;
  /** Restores the process environment changed to reach the emulator. */
  readonly restore: () => void;
}

export async function prepareLifecycle(env: HarnessEnv, namespace: string, poolName: string): Promise<Lifecycle> {
  const restore = useEmulator(env);
  await installCrd(env);
  await kubectl(env, ["create", "namespace", namespace]);
  const pool = await seedUserPool(env, { poolName, groups: ["paid-students"], users: [] });
  const edgeRoleArn = await createEdgeRole(env);
  return { pool, edgeRoleArn, restore };
}

export interface BucketResource {
  readonly name: string;
  readonly namespace: string;
  readonly bucket: string;
  readonly pool: SeededPool;
  readonly deletionPolicy?: "Delete" | "Retain";
  readonly distribution?: Readonly<Record<string, unknown>>;
}

/** Seeds a public bucket with one object and applies a SecuredContentBucket for it. */
export async function applyBucketResource(env: HarnessEnv, resource: BucketResource): Promise<void> {
  await createPublicContentBucket(env, resource.bucket, [{ key: "a.txt", body: "a", contentType: "text/plain" }]);
  await applyResourceFor(env, resource);
}

/** Applies a SecuredContentBucket for a bucket that already exists. */
export async function applyResourceFor(env: HarnessEnv, resource: BucketResource): Promise<void> {
  await kubectl(env, ["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "securedcontent.io/v1alpha1",
      kind: "SecuredContentBucket",
      metadata: { name: resource.name, namespace: resource.namespace },
      spec: {
        bucket: { name: resource.bucket, region: "us-east-1" },
        auth: { userPoolId: resource.pool.userPoolId, clientIds: [resource.pool.clientId], requiredGroups: ["paid-students"] },
        ...(resource.deletionPolicy === undefined ? {} : { deletionPolicy: resource.deletionPolicy }),
        ...(resource.distribution === undefined ? {} : { distribution: resource.distribution }),
      },
    }),
  });
}
