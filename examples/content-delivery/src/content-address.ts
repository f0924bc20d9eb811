// Reads the CloudFront base URL out of the watched object: the exported ConfigMap or the SecuredContentBucket.
import { z } from "zod";
import type { Source } from "./config.ts";

export type ContentAddress =
  | { readonly state: "ready"; readonly baseUrl: string }
  | { readonly state: "unavailable"; readonly reason: string };

const httpsUrl = z.url({ protocol: /^https$/ });

// The keys the operator writes (src/reconcile/address-export.ts); extra keys are allowed and ignored.
const exportedConfigMapSchema = z.object({
  data: z.looseObject({ url: httpsUrl, domain: z.string().min(1) }),
});

const conditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  observedGeneration: z.number().optional(),
});

const securedContentBucketSchema = z.looseObject({
  metadata: z.looseObject({ generation: z.number().optional() }),
  status: z
    .looseObject({
      observedGeneration: z.number().optional(),
      url: z.string().optional(),
      conditions: z.array(conditionSchema).optional(),
    })
    .optional(),
});

export function addressFrom(source: Source, object: unknown): ContentAddress {
  if (object === undefined) return { state: "unavailable", reason: `${source.kind} ${source.namespace}/${source.name} does not exist yet` };
  return source.kind === "configmap" ? addressFromConfigMap(object) : addressFromSecuredContentBucket(object);
}

/** The operator writes the ConfigMap once the distribution exists; `url` is the base to hand out. */
export function addressFromConfigMap(object: unknown): ContentAddress {
  const parsed = exportedConfigMapSchema.safeParse(object);
  if (!parsed.success) return { state: "unavailable", reason: "the ConfigMap has no https url and domain from the operator yet" };
  return { state: "ready", baseUrl: parsed.data.data.url };
}

/** Stricter than the ConfigMap: only a resource that is Ready for its current spec hands out its URL. */
export function addressFromSecuredContentBucket(object: unknown): ContentAddress {
  const parsed = securedContentBucketSchema.safeParse(object);
  if (!parsed.success) return { state: "unavailable", reason: "the SecuredContentBucket could not be read" };
  const { metadata, status } = parsed.data;
  const ready = status?.conditions?.find((condition) => condition.type === "Ready");
  const observed = ready?.observedGeneration ?? status?.observedGeneration;
  if (metadata.generation !== undefined && observed !== metadata.generation) {
    return { state: "unavailable", reason: `the operator has not reconciled generation ${String(metadata.generation)} yet` };
  }
  if (ready?.status !== "True") return { state: "unavailable", reason: `the SecuredContentBucket is not Ready (${whyNotReady(ready)})` };
  const url = httpsUrl.safeParse(status?.url);
  return url.success ? { state: "ready", baseUrl: url.data } : { state: "unavailable", reason: "the SecuredContentBucket has no https status.url" };
}

function whyNotReady(ready: z.infer<typeof conditionSchema> | undefined): string {
  if (ready === undefined) return "no Ready condition yet";
  return [ready.reason, ready.message].filter((part) => part !== undefined && part !== "").join(": ");
}
