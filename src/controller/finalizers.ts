// Finalizer bookkeeping: add ours before any external work, remove it only when cleanup is complete.
import type { KubeObject } from "../k8s/objects.ts";
import type { ResourceClient } from "../k8s/resource-client.ts";

export function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return object.metadata.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

/** Adds the finalizer if missing; returns the object as stored afterwards. A stale object gets a 409. */
export async function ensureFinalizer(client: ResourceClient, object: KubeObject, finalizer: string): Promise<KubeObject> {
  if (hasFinalizer(object, finalizer)) return object;
  return client.setFinalizers(object, [...(object.metadata.finalizers ?? []), finalizer]);
}

/** Removes the finalizer (and only ours), letting the API server finish the deletion. */
export async function removeFinalizer(client: ResourceClient, object: KubeObject, finalizer: string): Promise<KubeObject> {
  if (!hasFinalizer(object, finalizer)) return object;
  return client.setFinalizers(object, (object.metadata.finalizers ?? []).filter((f) => f !== finalizer));
}
