// The operator's side of admission, without an API server: a reconcile never waits long for the class caches.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseSecuredContentBucket, type SecuredContentBucket } from "../../../src/api/index.ts";
import { TemporaryError } from "../../../src/errors.ts";
import type { KubeRestClient } from "../../../src/k8s/rest-client.ts";
import { ClassAdmission } from "../../../src/reconcile/class-admission.ts";

/** A client whose every request hangs until its signal aborts, as when the caches cannot list (say, RBAC). */
const hangingClient = {
  request: ({ signal }: { signal?: AbortSignal }) =>
    new Promise((_, reject) => { signal?.addEventListener("abort", () => { reject(new Error("aborted")); }, { once: true }); }),
  stream: ({ signal }: { signal?: AbortSignal }) =>
    new Promise((_, reject) => { signal?.addEventListener("abort", () => { reject(new Error("aborted")); }, { once: true }); }),
} as unknown as KubeRestClient;

const raw = {
  metadata: { name: "courses", namespace: "learning", uid: "u", resourceVersion: "1", generation: 1 },
  spec: {
    bucket: { name: "courses-content", region: "us-east-1" },
    auth: { userPoolId: "us-east-1_Pool", clientIds: ["c"], requiredGroups: ["g"] },
  },
};

function resource(): SecuredContentBucket {
  const parsed = parseSecuredContentBucket(raw);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe("ClassAdmission", () => {
  let admission: ClassAdmission | undefined;
  afterEach(async () => { await admission?.stop(); });

  it("gives up waiting for caches that have not listed yet with a TemporaryError, so the worker is free", async () => {
    admission = new ClassAdmission({ client: hangingClient, log: pino({ level: "silent" }), syncWaitMs: 50 });
    admission.start();
    const started = Date.now();
    const error: unknown = await admission.admit(raw, resource(), new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemporaryError);
    expect(error).toMatchObject({ reason: "ClassesNotSynced" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
