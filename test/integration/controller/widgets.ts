// A throwaway custom resource and a reconciler for it, to test the controller machinery with no AWS in play.
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { kstatusConditions } from "../../../src/controller/conditions.ts";
import { createControllerMetrics, type ControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import { ensureFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from "../../../src/controller/finalizers.ts";
import { Manager, type LeaderElectionSettings } from "../../../src/controller/manager.ts";
import { done, type Reconciler, type ReconcileRequest, type ReconcileResult } from "../../../src/controller/reconciler.ts";
import { nextStatus, type StatusLike } from "../../../src/controller/status.ts";
import { isNotFound } from "../../../src/k8s/errors.ts";
import { ResourceClient } from "../../../src/k8s/resource-client.ts";
import { KubeRestClient } from "../../../src/k8s/rest-client.ts";
import { createMergePatch } from "../../../src/util/merge-patch.ts";
import type { HarnessEnv } from "../../harness/env.ts";
import { kubectl } from "../../harness/kubectl.ts";

export const widgetGroup = "machinery.securedcontent.io";
export const widgetFinalizer = `${widgetGroup}/cleanup`;
const widgetType = { group: widgetGroup, version: "v1", plural: "widgets" } as const;

const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${widgetGroup}` },
  spec: {
    group: widgetGroup,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};

export async function installWidgetCrd(env: HarnessEnv): Promise<void> {
  await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(widgetCrd) });
  await kubectl(env, ["wait", "--for=condition=Established", `crd/widgets.${widgetGroup}`, "--timeout=60s"]);
}

export function widgetManifest(namespace: string, name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: `${widgetGroup}/v1`, kind: "Widget", metadata: { name, namespace }, spec });
}

export interface WidgetBehaviour {
  /** Throw this many times per key before succeeding. */
  failTimes?: number;
}

/** Marks widgets Ready (keeping any other conditions), with a finalizer it removes on deletion. */
export class WidgetReconciler implements Reconciler {
  readonly calls: { key: string; at: number }[] = [];
  readonly cleanedUp: string[] = [];
  readonly #resources: ResourceClient;
  readonly #behaviour: WidgetBehaviour;
  readonly #failures = new Map<string, number>();

  constructor(resources: ResourceClient, behaviour: WidgetBehaviour = {}) {
    this.#resources = resources;
    this.#behaviour = behaviour;
  }

  async reconcile(request: ReconcileRequest): Promise<ReconcileResult> {
    this.calls.push({ key: request.key, at: Date.now() });
    const failed = this.#failures.get(request.key) ?? 0;
    if (failed < (this.#behaviour.failTimes ?? 0)) {
      this.#failures.set(request.key, failed + 1);
      throw new Error(`injected failure ${failed + 1}`);
    }
    let widget;
    try {
      widget = await this.#resources.get(request.namespace, request.name);
    } catch (error) {
      if (isNotFound(error)) return done;
      throw error;
    }
    if (isBeingDeleted(widget)) {
      if (hasFinalizer(widget, widgetFinalizer)) {
        this.cleanedUp.push(request.key);
        await removeFinalizer(this.#resources, widget, widgetFinalizer);
      }
      return done;
    }
    widget = await ensureFinalizer(this.#resources, widget, widgetFinalizer);
    const current = widget["status"] as StatusLike | undefined;
    const conditions = kstatusConditions({ state: "ready", reason: "Reconciled", message: "widget is ready" }, widget.metadata.generation);
    const next = nextStatus(current, { fields: { size: (widget["spec"] as { size?: unknown } | undefined)?.size ?? null }, conditions }, widget.metadata.generation, new Date());
    if (next !== undefined) await this.#resources.patchStatus(widget, createMergePatch(current ?? {}, next));
    return done;
  }
}

export interface WidgetOperator {
  readonly manager: Manager;
  readonly reconciler: WidgetReconciler;
  readonly metrics: ControllerMetrics;
  readonly client: KubeRestClient;
  stop(): Promise<void>;
}

export async function startWidgetOperator(
  kubeconfigPath: string,
  options: { namespace: string; behaviour?: WidgetBehaviour; leaderElection?: LeaderElectionSettings; onLostLeadership?: () => void },
): Promise<WidgetOperator> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const metrics = createControllerMetrics();
  const client = new KubeRestClient(kubeConfig, {
    onRequest: (method, status) => { metrics.restRequests.inc({ method, code: String(status) }); },
  });
  const resources = new ResourceClient(client, widgetType);
  const reconciler = new WidgetReconciler(resources, options.behaviour);
  const manager = new Manager({
    client,
    collectionPath: resources.collectionPath(options.namespace),
    controllerName: "widget",
    reconciler,
    concurrency: 2,
    resyncIntervalsMs: [],
    metrics,
    log: pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" }),
    shutdownGraceMs: 5_000,
    backoff: { baseMs: 200, maxMs: 5_000, jitter: 0 },
    health: { host: "127.0.0.1", port: 0 },
    ...(options.leaderElection === undefined ? {} : { leaderElection: options.leaderElection }),
    ...(options.onLostLeadership === undefined ? {} : { onLostLeadership: options.onLostLeadership }),
  });
  await manager.start();
  return {
    manager,
    reconciler,
    metrics,
    client,
    stop: async () => {
      await manager.stop();
      await client.close();
    },
  };
}
