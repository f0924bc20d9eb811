// The whole SecuredContentBucket object as the controller reads it from the API server.
import { z } from "zod";
import { securedContentBucketResource } from "./constants.ts";
import { securedContentBucketSpecSchema } from "./spec.ts";
import { securedContentBucketStatusSchema } from "./status.ts";

/** The metadata fields the operator relies on; the API server always sets them on a stored object. */
export const storedObjectMetaSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().min(1),
  resourceVersion: z.string().min(1),
  generation: z.int().min(0),
  creationTimestamp: z.string().exactOptional(),
  deletionTimestamp: z.string().exactOptional(),
  finalizers: z.array(z.string()).exactOptional(),
  labels: z.record(z.string(), z.string()).exactOptional(),
  annotations: z.record(z.string(), z.string()).exactOptional(),
});

export const securedContentBucketSchema = z.object({
  // Items of a list response may omit these; when present they must name this API.
  apiVersion: z.literal(securedContentBucketResource.apiVersion).default(securedContentBucketResource.apiVersion),
  kind: z.literal(securedContentBucketResource.kind).default(securedContentBucketResource.kind),
  metadata: storedObjectMetaSchema,
  spec: securedContentBucketSpecSchema,
  status: securedContentBucketStatusSchema.exactOptional(),
});

export type StoredObjectMeta = z.output<typeof storedObjectMetaSchema>;
export type SecuredContentBucket = z.output<typeof securedContentBucketSchema>;
