// What the tenancy tests apply and read back from the cluster: a resource over an existing bucket, its status
// and its Events.
import type { SeededPool } from "../../harness/cognito.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";
import { applyResourceFor } from "../reconcile/lifecycle-fixtures.ts";

export interface ScbStatus {
  readonly distribution?: { readonly id: string; readonly arn: string; readonly status: string };
  readonly originAccessControlId?: string;
  readonly edgeFunction?: { readonly name: string; readonly arn: string; readonly version?: string };
  readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason: string; readonly message: string }[];
}

export async function scbStatus(env: HarnessEnv, namespace: string, name: string): Promise<ScbStatus> {
  return JSON.parse((await kubectl(env, ["get", "-n", namespace, `scb/${name}`, "-o", "jsonpath={.status}"])) || "{}") as ScbStatus;
}

export interface RecordedEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * The Warning Events of `namespace/name`, once one with `reason` is there (Events are written in the background).
 */
export async function warningsOf(env: HarnessEnv, object: string, reason?: string): Promise<RecordedEvent[]> {
  const [namespace = "", name = ""] = object.split("/");
  const type = "Warning";
  const read = async (): Promise<RecordedEvent[]> => {
    const list = JSON.parse(await kubectl(env, ["get", "events", "-n", namespace, "--field-selector", `involvedObject.name=${name},type=${type}`, "-o", "json"])) as {
      items: RecordedEvent[];
    };
    return list.items.map(({ type: t, reason: r, message }) => ({ type: t, reason: r, message }));
  };
  if (reason === undefined) return read();
  return waitFor(async () => {
    const events = await read();
    return events.some((event) => event.reason === reason) ? events : undefined;
  }, { what: `a ${type} Event ${reason} on ${namespace}/${name}`, timeoutMs: 10_000, intervalMs: 200 });
}

/** The condition of this type in status, if any. */
export function conditionOf(status: ScbStatus, type: string): ScbStatus["conditions"] extends readonly (infer C)[] | undefined ? C | undefined : never {
  return status.conditions?.find((condition) => condition.type === type);
}

export interface ExistingBucketResource {
  /** `namespace/name`. */
  readonly object: string;
  readonly bucket: string;
  readonly pool: SeededPool;
  readonly distribution?: Readonly<Record<string, unknown>>;
}

/** Applies a SecuredContentBucket for a bucket that already exists (lifecycle-fixtures seeds a new one). */
export async function applyOverExistingBucket(env: HarnessEnv, resource: ExistingBucketResource): Promise<void> {
  const [namespace = "", name = ""] = resource.object.split("/");
  await applyResourceFor(env, { name, namespace, bucket: resource.bucket, pool: resource.pool, ...(resource.distribution === undefined ? {} : { distribution: resource.distribution }) });
}
