// Runs the real operator in-process against the harness, through the same composition root as production
// (src/operator.ts), with short intervals and every AWS call counted by operation.
import { pino } from "pino";
import { loadConfig } from "../../../src/config.ts";
import type { Manager } from "../../../src/controller/manager.ts";
import { loadKubeConfig } from "../../../src/k8s/kubeconfig.ts";
import type { AwsClients } from "../../../src/aws/clients.ts";
import { createOperator } from "../../../src/operator.ts";
import type { OperatorMetrics } from "../../../src/reconcile/operator-metrics.ts";
import { emulatorCredentials, type HarnessEnv } from "../../harness/env.ts";
import { installPermissiveClass } from "../../harness/classes.ts";

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
  /** Another cluster's identity, to run two "clusters" against one API server; by default kube-system's uid. */
  readonly clusterUid?: string;
  /** Only these namespaces' resources (WATCH_NAMESPACE). */
  readonly watchNamespace?: string;
  /**
   * Whether to install the harness's permissive default class first (default true), so resources need no class
   * of their own and buckets no consent tag. The tenancy tests set their own classes instead.
   */
  readonly permissiveClass?: boolean;
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
  if (options.permissiveClass !== false) await installPermissiveClass(env);
  const calls = new CallLog();
  const reconciles: ReconcileRecord[] = [];
  let clockOffset = 0;
  const config = loadConfig({
    AWS_REGION: env.awsRegion,
    EDGE_FUNCTION_ROLE_ARN: options.edgeRoleArn,
    CLUSTER_NAME: options.clusterName ?? "test",
    COGNITO_JWKS_URL_TEMPLATE: `${env.awsEndpoint}/{userPoolId}/.well-known/jwks.json`,
    ALLOW_INSECURE_JWKS_URL: "true",
    AWS_S3_FORCE_PATH_STYLE: "true",
    MAX_CONCURRENT_RECONCILES: "2",
    METRICS_ADDRESS: "127.0.0.1:0",
    ...(options.watchNamespace === undefined ? {} : { WATCH_NAMESPACE: options.watchNamespace }),
  });
  const operator = await createOperator(config, {
    kubeConfig: await loadKubeConfig({ KUBECONFIG: env.kubeconfig }),
    log: pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" }),
    identity: "test",
    timings: {
      exposureResyncMs: options.exposureResyncMs,
      fullResyncMs: options.fullResyncMs,
      deployingRequeueMs: options.deployingRequeueMs,
      shutdownGraceMs: 5_000,
    },
    now: () => Date.now() + clockOffset,
    awsMaxAttempts: 2,
    onAwsCall: (service, operation, outcome) => {
      calls.calls.push({ service, operation, outcome });
    },
    backoff: { baseMs: 300, maxMs: 3_000, jitter: 0 },
    // The sweeper's own test drives it; elsewhere its listings would count against the reconciles.
    sweeper: false,
    ...(options.clusterUid === undefined ? {} : { clusterUid: options.clusterUid }),
    wrapReconciler: (reconciler) => ({
      reconcile: async (request, signal) => {
        const mark = calls.mark();
        try {
          return await reconciler.reconcile(request, signal);
        } finally {
          reconciles.push({ key: request.key, calls: calls.since(mark) });
        }
      },
    }),
  });
  await operator.start();
  return {
    manager: operator.manager,
    aws: operator.aws,
    calls,
    reconciles,
    metrics: operator.metrics,
    advanceClock: (ms) => { clockOffset += ms; },
    stop: () => operator.stop(),
  };
}
