// Runs the real operator in-process against the harness: the SecuredContentBucket reconciler with the AWS
// convergence, with short intervals and every AWS call counted by operation.
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { securedContentBucketResource } from "../../../src/api/index.ts";
import { AwsClients, defaultRateLimits } from "../../../src/aws/clients.ts";
import { createControllerMetrics } from "../../../src/controller/controller-metrics.ts";
import { EventRecorder } from "../../../src/controller/events.ts";
import { Manager } from "../../../src/controller/manager.ts";
import { ResourceClient } from "../../../src/k8s/resource-client.ts";
import { KubeRestClient } from "../../../src/k8s/rest-client.ts";
import { AwsConvergence } from "../../../src/reconcile/aws-convergence.ts";
import { cleanUpAws } from "../../../src/reconcile/cleanup.ts";
import { createOperatorMetrics, type OperatorMetrics } from "../../../src/reconcile/operator-metrics.ts";
import { SecuredContentBucketReconciler } from "../../../src/reconcile/secured-content-bucket-reconciler.ts";
import { emulatorCredentials, type HarnessEnv } from "../../harness/env.ts";

/** Mutating AWS operations: anything that is not a read. */
export function isMutating(operation: string): boolean {
  return !/^(Get|List|Head|Describe)/.test(operation);
}

export class CallLog {
  readonly calls: { service: string; operation: string; outcome: string }[] = [];
  mark(): number {
    return this.calls.length;
  }
  since(mark: number): { service: string; operation: string; outcome: string }[] {
    return this.calls.slice(mark);
  }
}

export interface ReconcileRecord {
  readonly key: string;
  /** AWS calls made while this reconcile ran (only one key is reconciled at a time in these tests). */
  readonly calls: readonly { service: string; operation: string; outcome: string }[];
}

export interface TestOperator {
  readonly manager: Manager;
  readonly aws: AwsClients;
  readonly calls: CallLog;
  readonly reconciles: ReconcileRecord[];
  readonly metrics: OperatorMetrics;
  /** Moves the convergence's clock forward, e.g. to make the next pass a full one. */
  advanceClock(ms: number): void;
  stop(): Promise<void>;
}

export interface TestOperatorOptions {
  readonly namespaces?: readonly string[];
  readonly edgeRoleArn: string;
  readonly exposureResyncMs: number;
  readonly fullResyncMs: number;
  readonly deployingRequeueMs: number;
  readonly clusterName?: string;
}

/** Points the SDK's standard variables at the emulator for this process. */
export function useEmulator(env: HarnessEnv): () => void {
  const saved = { ...process.env };
  process.env["AWS_ENDPOINT_URL"] = env.awsEndpoint;
  process.env["AWS_ACCESS_KEY_ID"] = emulatorCredentials.accessKeyId;
  process.env["AWS_SECRET_ACCESS_KEY"] = emulatorCredentials.secretAccessKey;
  process.env["AWS_REGION"] = env.awsRegion;
  return () => {
    for (const key of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]) {
      if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = saved[key];
    }
  };
}

export async function startTestOperator(env: HarnessEnv, options: TestOperatorOptions): Promise<TestOperator> {
  const log = pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" });
  const controllerMetrics = createControllerMetrics();
  const metrics = createOperatorMetrics(controllerMetrics.registry);
  const calls = new CallLog();
  let clockOffset = 0;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env.kubeconfig);
  const kube = new KubeRestClient(kubeConfig);
  const aws = new AwsClients({
    defaultRegion: env.awsRegion,
    rateLimits: defaultRateLimits,
    s3ForcePathStyle: true,
    maxAttempts: 2,
    observer: {
      onCall: (service, operation, outcome, seconds) => {
        calls.calls.push({ service, operation, outcome });
        metrics.recordAwsCall(service, operation, outcome, seconds);
      },
    },
  });
  const resources = new ResourceClient(kube, securedContentBucketResource);
  const convergence = new AwsConvergence({
    aws,
    kube,
    settings: {
      clusterName: options.clusterName ?? "test",
      edgeFunctionRoleArn: options.edgeRoleArn,
      jwksUrlTemplate: `${env.awsEndpoint}/{userPoolId}/.well-known/jwks.json`,
      edgeRuntime: "nodejs22.x",
    },
    fullResyncMs: options.fullResyncMs,
    deployingRequeueMs: options.deployingRequeueMs,
    exposureResyncMs: options.exposureResyncMs,
    cleanUp: (ctx) => cleanUpAws(ctx, { deployingRequeueMs: options.deployingRequeueMs }),
    now: () => Date.now() + clockOffset,
  });
  const events = new EventRecorder({ client: kube, component: "securedcontent", instance: "test", log });
  const reconciler = new SecuredContentBucketReconciler({
    resources,
    convergence,
    events,
    log,
    onDrift: (kind) => { metrics.driftCorrections.inc({ kind }); },
  });
  const reconciles: ReconcileRecord[] = [];
  const manager = new Manager({
    client: kube,
    collectionPath: resources.collectionPath(),
    controllerName: "securedcontentbucket",
    reconciler: {
      reconcile: async (request, signal) => {
        const mark = calls.mark();
        try {
          return await reconciler.reconcile(request, signal);
        } finally {
          reconciles.push({ key: request.key, calls: calls.since(mark) });
        }
      },
    },
    concurrency: 2,
    resyncIntervalsMs: [options.exposureResyncMs],
    metrics: controllerMetrics,
    log,
    shutdownGraceMs: 5_000,
    backoff: { baseMs: 300, maxMs: 3_000, jitter: 0 },
  });
  await manager.start();
  return {
    manager,
    aws,
    calls,
    reconciles,
    metrics,
    advanceClock: (ms) => { clockOffset += ms; },
    stop: async () => {
      await manager.stop();
      await events.flush();
      aws.destroy();
      await kube.close();
    },
  };
}
