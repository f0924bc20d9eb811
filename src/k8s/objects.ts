// The parts of Kubernetes objects the machinery relies on, parsed with zod at the API boundary.
import { z } from "zod";

export const objectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string(),
  resourceVersion: z.string(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  finalizers: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const kubeObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
});

export type ObjectMeta = z.infer<typeof objectMetaSchema>;
export type KubeObject = z.infer<typeof kubeObjectSchema>;

export const objectListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string(), continue: z.string().optional() }),
  items: z.array(kubeObjectSchema),
});

export const watchEventSchema = z.object({
  type: z.enum(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]),
  object: z.unknown(),
});

export const statusSchema = z.looseObject({
  kind: z.literal("Status").optional(),
  code: z.number().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** The work-queue key of a namespaced object: "namespace/name". */
export function objectKey(meta: Pick<ObjectMeta, "name" | "namespace">): string {
  return meta.namespace === undefined ? meta.name : `${meta.namespace}/${meta.name}`;
}
