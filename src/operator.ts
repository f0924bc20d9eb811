// The composition root: an operator built from its configuration. main.ts runs it with the process's
// environment and signals; the integration tests run the same wiring, overriding only what a test must
// (sub-second timings, a clock, a log, a view of the AWS calls).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { z } from "zod";
import { securedContentBucketResource } from "./api/index.ts";
import { AwsAccounts, sessionNameFor } from "./aws/accounts.ts";
import { defaultRateLimits, type AwsClients, type AwsService } from "./aws/clients.ts";
import type { OperatorConfig } from "./config.ts";
import type { BackoffPolicy } from "./controller/backoff.ts";
import { createControllerMetrics, type ControllerMetrics } from "./controller/controller-metrics.ts";
import { EventRecorder } from "./controller/events.ts";
import { Manager } from "./controller/manager.ts";
import type { Reconciler } from "./controller/reconciler.ts";
import { loadKubeConfig, type KubeConnectionConfig } from "./k8s/kubeconfig.ts";
import { ResourceClient } from "./k8s/resource-client.ts";
import { KubeRestClient } from "./k8s/rest-client.ts";
import { createLogger } from "./log.ts";
import { ClassAdmission } from "./reconcile/class-admission.ts";
import { ClassStatusController } from "./reconcile/class-status.ts";
import { AwsConvergence } from "./reconcile/converge.ts";
import { EdgeFunctionSweeper } from "./reconcile/edge-function/sweeper.ts";
import { createOperatorMetrics, type OperatorMetrics } from "./reconcile/operator-metrics.ts";
import { SecuredContentBucketReconciler } from "./reconcile/reconciler.ts";
import type { OperatorSettings } from "./reconcile/common/context.ts";
import { tagKeys } from "./reconcile/common/naming.ts";

/** The intervals of the configuration, in milliseconds. */
export interface OperatorTimings {
  readonly exposureResyncMs: number;
  readonly fullResyncMs: number;
  readonly deployingRequeueMs: number;
  readonly sweepIntervalMs: number;
  readonly shutdownGraceMs: number;
}

export interface OperatorOverrides {
  /** The Kubernetes connection; by default loaded as kubectl would (KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeConfig?: KubeConnectionConfig;
  readonly log?: Logger;
  readonly identity?: string;
  /** Shorter intervals than whole seconds allow, for tests. */
  readonly timings?: Partial<OperatorTimings>;
  /** The clock that decides which pass a reconcile runs. */
  readonly now?: () => number;
  readonly awsMaxAttempts?: number;
  /** Sees every AWS call, after the metric is recorded. */
  readonly onAwsCall?: (service: AwsService, operation: string, outcome: string, seconds: number) => void;
  readonly backoff?: BackoffPolicy;
  /** Wraps the reconciler the manager runs, e.g. to record what each reconcile did. */
  readonly wrapReconciler?: (reconciler: Reconciler) => Reconciler;
  /** Whether the leader runs the edge-function sweeper (default true). */
  readonly sweeper?: boolean;
  /**
   * The cluster's identity in AWS tags and names; by default the kube-system namespace's uid. Tests set it to
   * run two "clusters" against one API server.
   */
  readonly clusterUid?: string;
}

export interface Operator {
  readonly manager: Manager;
  /** The clients of the operator's own identity. */
  readonly aws: AwsClients;
  /** The clients of every identity it acts as: its own, and each role a class names. */
  readonly accounts: AwsAccounts;
  readonly metrics: OperatorMetrics;
  readonly controllerMetrics: ControllerMetrics;
  readonly sweeper: EdgeFunctionSweeper;
  readonly log: Logger;
  readonly identity: string;
  start(): Promise<void>;
  /** Stops the manager, flushes Events and closes every client; safe to call once. */
  stop(): Promise<void>;
}

export function timingsOf(config: OperatorConfig): OperatorTimings {
  return {
    exposureResyncMs: config.EXPOSURE_RESYNC_SECONDS * 1000,
    fullResyncMs: config.FULL_RESYNC_SECONDS * 1000,
    deployingRequeueMs: config.DEPLOYING_REQUEUE_SECONDS * 1000,
    sweepIntervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
    shutdownGraceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
  };
}

/** Reads a file once, on first use, and keeps its bytes. */
function readOnce(path: string): () => Promise<Uint8Array> {
  let bytes: Promise<Uint8Array> | undefined;
  return () => (bytes ??= readFile(path));
}

function settingsOf(config: OperatorConfig, clusterUid: string): OperatorSettings {
  return {
    clusterName: config.CLUSTER_NAME,
    clusterUid,
    edgeFunctionRoleArn: config.EDGE_FUNCTION_ROLE_ARN,
    jwksUrlTemplate: config.COGNITO_JWKS_URL_TEMPLATE,
    allowInsecureJwksUrl: config.ALLOW_INSECURE_JWKS_URL,
    edgeRuntime: config.EDGE_FUNCTION_RUNTIME,
    ...(config.EDGE_BUNDLE_PATH === undefined ? {} : { prebuiltEdgeBundle: readOnce(config.EDGE_BUNDLE_PATH) }),
  };
}

const namespaceSchema = z.looseObject({ metadata: z.looseObject({ uid: z.string().min(1) }) });

/**
 * The kube-system namespace's uid: set when the cluster is created and never changed, and different in every
 * cluster, so it tells apart clusters that share an AWS account and a CLUSTER_NAME. Read once, at start.
 */
async function readClusterUid(kube: KubeRestClient): Promise<string> {
  try {
    const namespace = await kube.request({ method: "GET", path: "/api/v1/namespaces/kube-system", schema: namespaceSchema });
    return namespace.metadata.uid;
  } catch (error) {
    throw new Error(
      "could not read the kube-system namespace, whose uid identifies this cluster in the tags the operator writes: " +
        "the operator's ClusterRole needs get on namespaces, resourceNames [kube-system]",
      { cause: error },
    );
  }
}

/** The AWS clients of every identity the operator acts as, all feeding the same metrics. */
function awsAccountsOf(config: OperatorConfig, overrides: OperatorOverrides, metrics: OperatorMetrics): AwsAccounts {
  return new AwsAccounts({
    sessionName: sessionNameFor(config.CLUSTER_NAME),
    clients: {
      defaultRegion: config.AWS_REGION,
      rateLimits: { ...defaultRateLimits, ...config.AWS_RATE_LIMITS },
      s3ForcePathStyle: config.AWS_S3_FORCE_PATH_STYLE,
      ...(overrides.awsMaxAttempts === undefined ? {} : { maxAttempts: overrides.awsMaxAttempts }),
      observer: {
        onCall: (service, operation, outcome, seconds) => {
          metrics.recordAwsCall(service, operation, outcome, seconds);
          overrides.onAwsCall?.(service, operation, outcome, seconds);
        },
      },
    },
  });
}

export async function createOperator(config: OperatorConfig, overrides: OperatorOverrides = {}): Promise<Operator> {
  const identity = overrides.identity ?? config.POD_NAME ?? `${hostname()}-${randomBytes(3).toString("hex")}`;
  const log = overrides.log ?? createLogger(config.LOG_LEVEL, { identity });
  if (config.ALLOW_INSECURE_JWKS_URL) {
    log.warn({ jwksUrlTemplate: config.COGNITO_JWKS_URL_TEMPLATE }, "ALLOW_INSECURE_JWKS_URL=true: signing keys may come from a URL other than Cognito's, over plain http; for local development only, never in production");
  }
  const timings = { ...timingsOf(config), ...overrides.timings };
  const controllerMetrics = createControllerMetrics();
  const metrics = createOperatorMetrics(controllerMetrics.registry);

  const kube = new KubeRestClient(overrides.kubeConfig ?? (await loadKubeConfig()), {
    onRequest: (method, status, seconds) => {
      controllerMetrics.restRequests.inc({ method, code: String(status) });
      controllerMetrics.restLatency.observe({ verb: method }, seconds);
    },
  });
  const accounts = awsAccountsOf(config, overrides, metrics);
  const aws = accounts.own;
  const resources = new ResourceClient(kube, securedContentBucketResource);
  const clusterUid = overrides.clusterUid ?? (await readClusterUid(kube));
  const convergence = new AwsConvergence({
    accounts,
    kube,
    settings: settingsOf(config, clusterUid),
    fullResyncMs: timings.fullResyncMs,
    deployingRequeueMs: timings.deployingRequeueMs,
    exposureResyncMs: timings.exposureResyncMs,
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
  });
  const events = new EventRecorder({ client: kube, component: "securedcontent", instance: identity, log });

  // Tenancy: classes and namespace labels are cached; a change to either re-enqueues the resources it may
  // affect, and the class status controller (leader only) reports Accepted and resourceCount. The callbacks run
  // only once admission.start() has run, after the manager and the class status controller below exist.
  const enqueueResources = (matches: (key: string) => boolean): void => {
    for (const key of manager.informer.keys()) if (matches(key)) manager.controller.queue.add(key);
  };
  const admission = new ClassAdmission({
    client: kube,
    log,
    onClassChanged: (name) => {
      // Which resources resolve to a class depends on every class (the default may move), so all are looked at.
      enqueueResources(() => true);
      for (const className of new Set([name, ...admission.classes.keys()])) classStatus.enqueue(className);
    },
    onNamespaceChanged: (namespace) => { enqueueResources((key) => key.startsWith(`${namespace}/`)); },
    onUsageChanged: (name) => { classStatus.enqueue(name); },
  });
  const classStatus = new ClassStatusController({ client: kube, admission, metrics: controllerMetrics, log, shutdownGraceMs: timings.shutdownGraceMs });

  const reconciler = new SecuredContentBucketReconciler({
    resources,
    convergence,
    events,
    log,
    onDrift: (kind) => { metrics.driftCorrections.inc({ kind }); },
    admission,
  });
  // The sweeper looks in every account the operator has acted in since it started (its own first).
  const sweeper = new EdgeFunctionSweeper({
    aws: () => accounts.all(),
    clusterName: config.CLUSTER_NAME,
    clusterUid,
    log,
    onDeleted: (name, tags) => {
      metrics.edgeFunctionsDeleted.inc();
      const namespace = tags[tagKeys.namespace];
      const owner = tags[tagKeys.name];
      if (namespace === undefined || owner === undefined) return;
      const ref = { apiVersion: securedContentBucketResource.apiVersion, kind: securedContentBucketResource.kind, namespace, name: owner, uid: tags[tagKeys.uid] ?? "" };
      events.record(ref, "Normal", "EdgeFunctionDeleted", `deleted edge function ${name} once CloudFront released its replicas`);
    },
  });
  const watchNamespace = config.WATCH_NAMESPACE === "" ? undefined : config.WATCH_NAMESPACE;
  const manager = new Manager({
    client: kube,
    collectionPath: resources.collectionPath(watchNamespace),
    controllerName: "securedcontentbucket",
    reconciler: overrides.wrapReconciler?.(reconciler) ?? reconciler,
    concurrency: config.MAX_CONCURRENT_RECONCILES,
    resyncIntervalsMs: [timings.exposureResyncMs],
    metrics: controllerMetrics,
    log,
    shutdownGraceMs: timings.shutdownGraceMs,
    health: config.METRICS_ADDRESS,
    ...(overrides.backoff === undefined ? {} : { backoff: overrides.backoff }),
    whileLeading: [
      (signal) => classStatus.run(signal),
      ...(overrides.sweeper === false ? [] : [(signal: AbortSignal) => sweeper.run(timings.sweepIntervalMs, signal)]),
    ],
    ...(config.LEADER_ELECTION === undefined ? {} : { leaderElection: { ...config.LEADER_ELECTION, identity } }),
  });

  let stopped: Promise<void> | undefined;
  return {
    manager,
    aws,
    accounts,
    metrics,
    controllerMetrics,
    sweeper,
    log,
    identity,
    start: async () => {
      admission.start();
      await manager.start();
      log.info(
        { namespace: watchNamespace ?? "(all)", cluster: config.CLUSTER_NAME, clusterUid, healthPort: manager.healthPort, leaderElection: config.LEADER_ELECTION !== undefined },
        "operator started",
      );
    },
    stop: () =>
      (stopped ??= (async () => {
        await manager.stop();
        await admission.stop();
        await events.flush();
        accounts.destroy();
        await kube.close();
      })()),
  };
}
