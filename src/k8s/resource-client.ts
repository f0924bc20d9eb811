// Reads and writes one custom resource type: status through the status subresource, finalizers through
// metadata, both as merge patches guarded by resourceVersion so a stale writer gets a 409 instead of winning.
import { kubeObjectSchema, type KubeObject } from "./objects.ts";
import { contentTypes, type KubeRestClient } from "./rest-client.ts";

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

export class ResourceClient {
  readonly #client: KubeRestClient;
  readonly #type: ResourceType;

  constructor(client: KubeRestClient, type: ResourceType) {
    this.#client = client;
    this.#type = type;
  }

  /** The collection path, across all namespaces when `namespace` is undefined. */
  collectionPath(namespace?: string): string {
    const { group, version, plural } = this.#type;
    return namespace === undefined
      ? `/apis/${group}/${version}/${plural}`
      : `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  }

  objectPath(namespace: string, name: string, subresource?: "status"): string {
    const base = `${this.collectionPath(namespace)}/${encodeURIComponent(name)}`;
    return subresource === undefined ? base : `${base}/${subresource}`;
  }

  get(namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject> {
    return this.#client.request({
      method: "GET",
      path: this.objectPath(namespace, name),
      schema: kubeObjectSchema,
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /** Merge-patches .status; the patch carries the resourceVersion it was computed from. */
  patchStatus(object: KubeObject, statusPatch: unknown): Promise<KubeObject> {
    const { namespace = "", name, resourceVersion } = object.metadata;
    return this.#client.request({
      method: "PATCH",
      path: this.objectPath(namespace, name, "status"),
      contentType: contentTypes.mergePatch,
      body: { metadata: { resourceVersion }, status: statusPatch },
      schema: kubeObjectSchema,
    });
  }

  /** Replaces the finalizer list, guarded by resourceVersion. */
  setFinalizers(object: KubeObject, finalizers: readonly string[]): Promise<KubeObject> {
    const { namespace = "", name, resourceVersion } = object.metadata;
    return this.#client.request({
      method: "PATCH",
      path: this.objectPath(namespace, name),
      contentType: contentTypes.mergePatch,
      body: { metadata: { resourceVersion, finalizers: finalizers.length === 0 ? null : finalizers } },
      schema: kubeObjectSchema,
    });
  }
}
