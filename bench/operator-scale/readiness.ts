// Creating a round's resources at once, and watching them become Ready: the informer the operator itself uses,
// on the round's namespace, records when each resource is first seen with Ready=True. No polling.
import { z } from "zod";
import { createLogger } from "../../src/log.ts";
import { Informer } from "../../src/controller/informer.ts";
import { kubeObjectSchema, type KubeObject } from "../../src/k8s/objects.ts";
import type { KubeRestClient } from "../../src/k8s/rest-client.ts";
import { forEachLimited } from "./limited.ts";

export interface ReadyWatch {
  /** When each key was first seen Ready, in performance.now() milliseconds. */
  readonly readyAt: ReadonlyMap<string, number>;
  /** Resolves when `count` resources are Ready, or rejects after the timeout. */
  waitForReady(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

function isReady(object: KubeObject): boolean {
  const status = object["status"] as { conditions?: { type?: string; status?: string }[] } | undefined;
  return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export async function watchReady(kube: KubeRestClient, collectionPath: string): Promise<ReadyWatch> {
  const readyAt = new Map<string, number>();
  let waiter: { count: number; resolve: () => void } | undefined;
  const note = (key: string, object: KubeObject): void => {
    if (readyAt.has(key) || !isReady(object)) return;
    readyAt.set(key, performance.now());
    if (waiter !== undefined && readyAt.size >= waiter.count) waiter.resolve();
  };
  const informer = new Informer({
    client: kube,
    path: collectionPath,
    log: createLogger("warn", { component: "bench" }),
    handlers: { onUpsert: note, onDelete: () => undefined },
  });
  informer.start();
  await informer.waitForSync();
  return {
    readyAt,
    waitForReady: async (count, timeoutMs) => {
      if (readyAt.size >= count) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolveReady, reject) => {
          waiter = { count, resolve: resolveReady };
          timer = setTimeout(() => {
            reject(new Error(`only ${readyAt.size} of ${count} resources were Ready after ${Math.round(timeoutMs / 1000)} s`));
          }, timeoutMs);
        });
      } finally {
        clearTimeout(timer);
        waiter = undefined;
      }
    },
    stop: () => informer.stop(),
  };
}

/** POSTs every manifest, `inFlight` at a time; returns when each was sent, by namespace/name. */
export async function createAll(kube: KubeRestClient, collectionPath: string, manifests: readonly Record<string, unknown>[], inFlight: number): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  await forEachLimited(manifests, inFlight, async (manifest) => {
    const metadata = manifest["metadata"] as { name: string; namespace: string };
    sentAt.set(`${metadata.namespace}/${metadata.name}`, performance.now());
    await kube.request({ method: "POST", path: collectionPath, body: manifest, schema: kubeObjectSchema });
  });
  return sentAt;
}

/** Lets the round's resources go without the operator: finalizers off, then one delete of the collection. */
export async function removeAll(kube: KubeRestClient, collectionPath: string, names: readonly string[]): Promise<void> {
  await forEachLimited(names, 16, async (name) => {
    await kube.request({
      method: "PATCH",
      path: `${collectionPath}/${encodeURIComponent(name)}`,
      contentType: "application/merge-patch+json",
      body: { metadata: { finalizers: null } },
      schema: kubeObjectSchema,
    });
  });
  await kube.request({ method: "DELETE", path: collectionPath, schema: z.unknown() });
}
