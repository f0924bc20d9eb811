// Proves the control plane is a real kube-apiserver: CRDs, watches, the status subresource and RBAC.
import { CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../../harness/kubectl.ts";
import { waitFor } from "../../harness/wait.ts";

const group = "smoke.securedcontent.io";
const plural = "gadgets";
const namespace = "harness-smoke";

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: "Namespaced",
    names: { plural, singular: "gadget", kind: "Gadget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "integer", minimum: 1 } } },
              status: { type: "object", properties: { phase: { type: "string" } } },
            },
          },
        },
      },
    ],
  },
};

interface GadgetObject {
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
  readonly status?: { readonly phase?: string };
}

/**
 * Opens a watch that asks for initial events and returns once the server says they are all sent. Right after
 * a CRD is established its watch cache is still initializing, and the server answers 429 until it is ready.
 */
async function openSyncedWatch(
  kc: KubeConfig,
  path: string,
  onEvent: (phase: string, object: GadgetObject) => void,
): Promise<AbortController> {
  const query = { sendInitialEvents: true, resourceVersionMatch: "NotOlderThan", allowWatchBookmarks: true };
  return waitFor(
    async () => {
      const state: { synced: boolean; failure: unknown } = { synced: false, failure: undefined };
      const controller = await new Watch(kc).watch(
        path,
        query,
        (phase, object: GadgetObject) => {
          if (phase === "BOOKMARK") state.synced ||= object.metadata?.annotations?.["k8s.io/initial-events-end"] === "true";
          else onEvent(phase, object);
        },
        (error: unknown) => { state.failure = error ?? new Error("watch closed"); },
      );
      await waitFor(() => (state.synced || state.failure !== undefined ? true : undefined), {
        what: "the initial-events bookmark",
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      if (state.synced && state.failure === undefined) return controller;
      controller.abort();
      throw state.failure instanceof Error ? state.failure : new Error(String(state.failure));
    },
    { what: `a synced watch on ${path}`, timeoutMs: 30_000, intervalMs: 500 },
  );
}

interface WatchEvent {
  readonly phase: string;
  readonly name: string;
  readonly statusPhase: string | undefined;
}

describe("local control plane", () => {
  const env = inject("harness");
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfig);
  const customObjects = kc.makeApiClient(CustomObjectsApi);

  beforeAll(async () => {
    await kubectl(env, ["create", "namespace", namespace]);
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(crd) });
    await kubectl(env, ["wait", "--for=condition=Established", `crd/${plural}.${group}`, "--timeout=60s"]);
  });

  afterAll(async () => {
    await kubectl(env, ["delete", "crd", `${plural}.${group}`, "--ignore-not-found", "--wait=false"]);
  });

  it("serves a CRD applied with kubectl, with ADDED and MODIFIED watch events and a status subresource", async () => {
    const events: WatchEvent[] = [];
    const watch = await openSyncedWatch(kc, `/apis/${group}/v1/namespaces/${namespace}/${plural}`, (phase, object) => {
      events.push({ phase, name: object.metadata?.name ?? "", statusPhase: object.status?.phase });
    });
    try {
      await kubectl(env, ["apply", "-n", namespace, "-f", "-"], {
        input: JSON.stringify({ apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "one" }, spec: { size: 2 } }),
      });
      await customObjects.patchNamespacedCustomObjectStatus(
        { group, version: "v1", namespace, plural, name: "one", body: { status: { phase: "Shiny" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await waitFor(() => (events.some((e) => e.phase === "MODIFIED") ? true : undefined), {
        what: "a MODIFIED event",
        timeoutMs: 10_000,
      });
    } finally {
      watch.abort();
    }
    expect(events[0]).toEqual({ phase: "ADDED", name: "one", statusPhase: undefined });
    expect(events).toContainEqual({ phase: "MODIFIED", name: "one", statusPhase: "Shiny" });

    const stored = (await customObjects.getNamespacedCustomObject({
      group, version: "v1", namespace, plural, name: "one",
    })) as { spec: { size: number }; status: { phase: string } };
    expect(stored.spec.size).toBe(2);
    expect(stored.status.phase).toBe("Shiny");
  });

  it("rejects an object that breaks the structural schema", async () => {
    const invalid = { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "bad" }, spec: { size: 0 } };
    await expect(kubectl(env, ["apply", "-n", namespace, "-f", "-"], { input: JSON.stringify(invalid) }))
      .rejects.toThrow(/spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
  });

  it("enforces RBAC: an authenticated user without grants is forbidden", async () => {
    await expect(kubectl(env, ["get", plural, "-n", namespace], { unprivileged: true }))
      .rejects.toThrow(/forbidden/);
    expect(await kubectl(env, ["auth", "can-i", "list", plural, "-n", namespace])).toMatch(/^yes/);
  });
});
