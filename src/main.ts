// The operator's entry point, and nothing but wiring: config → logger → clients → elector → manager.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { securedContentBucketResource } from "./api/index.ts";
import { AwsClients, defaultRateLimits } from "./aws/clients.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createControllerMetrics } from "./controller/controller-metrics.ts";
import { EventRecorder } from "./controller/events.ts";
import { Manager } from "./controller/manager.ts";
import { loadKubeConfig } from "./k8s/kubeconfig.ts";
import { ResourceClient } from "./k8s/resource-client.ts";
import { KubeRestClient } from "./k8s/rest-client.ts";
import { createLogger } from "./log.ts";
import { AwsConvergence } from "./reconcile/aws-convergence.ts";
import { cleanUpAws } from "./reconcile/cleanup.ts";
import { EdgeFunctionSweeper } from "./reconcile/edge-function-sweeper.ts";
import { tagKeys } from "./reconcile/naming.ts";
import { createOperatorMetrics } from "./reconcile/operator-metrics.ts";
import { SecuredContentBucketReconciler } from "./reconcile/secured-content-bucket-reconciler.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const identity = config.POD_NAME ?? `${hostname()}-${randomBytes(3).toString("hex")}`;
  const log = createLogger(config.LOG_LEVEL, { identity });
  const metrics = createControllerMetrics();
  const operatorMetrics = createOperatorMetrics(metrics.registry);

  const kubeConfig = await loadKubeConfig();
  const kube = new KubeRestClient(kubeConfig, {
    onRequest: (method, status, seconds) => {
      metrics.restRequests.inc({ method, code: String(status) });
      metrics.restLatency.observe({ verb: method }, seconds);
    },
  });
  const aws = new AwsClients({
    defaultRegion: config.AWS_REGION,
    rateLimits: { ...defaultRateLimits, ...config.AWS_RATE_LIMITS },
    s3ForcePathStyle: config.AWS_S3_FORCE_PATH_STYLE,
    observer: { onCall: (service, operation, outcome, seconds) => { operatorMetrics.recordAwsCall(service, operation, outcome, seconds); } },
  });
  const resources = new ResourceClient(kube, securedContentBucketResource);
  const settings = {
    clusterName: config.CLUSTER_NAME,
    edgeFunctionRoleArn: config.EDGE_FUNCTION_ROLE_ARN,
    jwksUrlTemplate: config.COGNITO_JWKS_URL_TEMPLATE,
    edgeRuntime: config.EDGE_FUNCTION_RUNTIME,
    ...(config.EDGE_BUNDLE_PATH === undefined ? {} : { prebuiltEdgeBundle: readOnce(config.EDGE_BUNDLE_PATH) }),
  };
  const convergence = new AwsConvergence({
    aws,
    kube,
    settings,
    fullResyncMs: config.FULL_RESYNC_SECONDS * 1000,
    deployingRequeueMs: config.DEPLOYING_REQUEUE_SECONDS * 1000,
    exposureResyncMs: config.EXPOSURE_RESYNC_SECONDS * 1000,
    cleanUp: (ctx) => cleanUpAws(ctx, { deployingRequeueMs: config.DEPLOYING_REQUEUE_SECONDS * 1000 }),
  });
  const events = new EventRecorder({ client: kube, component: "securedcontent", instance: identity, log });
  const reconciler = new SecuredContentBucketReconciler({
    resources,
    convergence,
    events,
    log,
    onDrift: (kind) => { operatorMetrics.driftCorrections.inc({ kind }); },
  });
  const sweeper = new EdgeFunctionSweeper({
    aws,
    clusterName: config.CLUSTER_NAME,
    log,
    onDeleted: (name, tags) => {
      operatorMetrics.edgeFunctionsDeleted.inc();
      const namespace = tags[tagKeys.namespace];
      const owner = tags[tagKeys.name];
      if (namespace === undefined || owner === undefined) return;
      events.record(
        { apiVersion: securedContentBucketResource.apiVersion, kind: securedContentBucketResource.kind, namespace, name: owner, uid: tags[tagKeys.uid] ?? "" },
        "Normal",
        "EdgeFunctionDeleted",
        `deleted edge function ${name} once CloudFront released its replicas`,
      );
    },
  });
  const watchNamespace = config.WATCH_NAMESPACE === "" ? undefined : config.WATCH_NAMESPACE;
  const manager = new Manager({
    client: kube,
    collectionPath: resources.collectionPath(watchNamespace),
    controllerName: "securedcontentbucket",
    reconciler,
    concurrency: config.MAX_CONCURRENT_RECONCILES,
    resyncIntervalsMs: [config.EXPOSURE_RESYNC_SECONDS * 1000],
    metrics,
    log,
    shutdownGraceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
    health: config.METRICS_ADDRESS,
    whileLeading: [(signal) => sweeper.run(config.SWEEP_INTERVAL_SECONDS * 1000, signal)],
    ...(config.LEADER_ELECTION === undefined ? {} : { leaderElection: { ...config.LEADER_ELECTION, identity } }),
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    void manager
      .stop()
      .then(() => events.flush())
      .then(async () => {
        aws.destroy();
        await kube.close();
        log.info({}, "stopped");
        process.exit(0);
      });
  };
  process.once("SIGTERM", () => { shutdown("SIGTERM"); });
  process.once("SIGINT", () => { shutdown("SIGINT"); });

  await manager.start();
  log.info(
    { namespace: watchNamespace ?? "(all)", cluster: config.CLUSTER_NAME, healthPort: manager.healthPort, leaderElection: config.LEADER_ELECTION !== undefined },
    "operator started",
  );
}

/** Reads a file once, on first use, and keeps its bytes. */
function readOnce(path: string): () => Promise<Uint8Array> {
  let bytes: Promise<Uint8Array> | undefined;
  return () => (bytes ??= readFile(path));
}

await main();
