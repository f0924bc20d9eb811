// Publishes the distribution's address in a ConfigMap beside the resource, so a Content Delivery service can
// read it without any RBAC on the CRD. The ConfigMap is owned by the resource (garbage-collected with it), and
// one that exists but belongs to someone else is left alone.
import { z } from "zod";
import { securedContentBucketResource, type SecuredContentBucket } from "../api/index.ts";
import { isNotFound } from "../k8s/errors.ts";
import { contentTypes, type KubeRestClient } from "../k8s/rest-client.ts";
import type { Notice } from "./common/context.ts";

const configMapSchema = z.looseObject({
  metadata: z.looseObject({
    resourceVersion: z.string(),
    ownerReferences: z.array(z.looseObject({ uid: z.string() })).optional(),
  }),
  data: z.record(z.string(), z.string()).optional(),
});

export interface ExportedAddress {
  readonly url: string;
  readonly domainName: string;
  readonly distributionId: string;
  readonly distributionArn: string;
}

export function exportData(resource: SecuredContentBucket, address: ExportedAddress): Record<string, string> {
  return {
    url: address.url,
    domain: address.domainName,
    distributionId: address.distributionId,
    distributionArn: address.distributionArn,
    bucket: resource.spec.bucket.name,
  };
}

/** Creates or updates the ConfigMap; returns notices for what it did or refused to do. */
export async function ensureExportConfigMap(
  client: KubeRestClient,
  resource: SecuredContentBucket,
  address: ExportedAddress,
): Promise<Notice[]> {
  const name = resource.spec.export?.configMapName;
  if (name === undefined) return [];
  const namespace = resource.metadata.namespace;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const data = exportData(resource, address);
  let existing: z.infer<typeof configMapSchema> | undefined;
  try {
    existing = await client.request({ method: "GET", path: `${path}/${encodeURIComponent(name)}`, schema: configMapSchema });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (existing === undefined) {
    await client.request({
      method: "POST",
      path,
      body: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name,
          namespace,
          labels: { "app.kubernetes.io/managed-by": "securedcontent" },
          ownerReferences: [
            {
              apiVersion: securedContentBucketResource.apiVersion,
              kind: securedContentBucketResource.kind,
              name: resource.metadata.name,
              uid: resource.metadata.uid,
              controller: true,
              blockOwnerDeletion: false,
            },
          ],
        },
        data,
      },
      schema: configMapSchema,
    });
    return [{ kind: "created", reason: "AddressExported", message: `wrote the distribution's address to ConfigMap ${name}` }];
  }
  if (!(existing.metadata.ownerReferences ?? []).some((ref) => ref.uid === resource.metadata.uid)) {
    return [{ kind: "warning", reason: "ExportSkipped", message: `ConfigMap ${name} exists and is not owned by this resource; it was left unchanged` }];
  }
  // Only our keys are compared and written: keys someone else added stay, and cause no update loop.
  if (Object.entries(data).every(([key, value]) => existing.data?.[key] === value)) return [];
  await client.request({
    method: "PATCH",
    path: `${path}/${encodeURIComponent(name)}`,
    contentType: contentTypes.mergePatch,
    body: { metadata: { resourceVersion: existing.metadata.resourceVersion }, data },
    schema: configMapSchema,
  });
  return [{ kind: "changed", reason: "AddressExported", message: `updated the distribution's address in ConfigMap ${name}` }];
}
