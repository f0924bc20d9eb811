// One round of the benchmark for N resources: the floor, then the operator converging N resources created at
// once, then a restarted operator's full pass over them in sync, then its exposure resyncs in sync.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { AwsService } from "../../src/aws/clients.ts";
import type { TokenBucketOptions } from "../../src/aws/rate-limiter.ts";
import type { KubeRestClient } from "../../src/k8s/rest-client.ts";
import { emulatorJwksUrlTemplate, type HarnessEnv } from "../../test/harness/env.ts";
import { runFloor } from "./floor.ts";
import { resourceName, securedContentBucketManifest } from "./manifests.ts";
import { clusterName, startOperator, type OperatorEntry, type OperatorProcess, type OperatorSettings } from "./operator-process.ts";
import { growth, sumBy, sumOf, type Sample } from "./prometheus.ts";
import { createAll, removeAll, watchReady } from "./readiness.ts";
import type { RoundResult } from "./report.ts";
import { resetAndSeed, type Seeded } from "./seed.ts";
import { percentile, perUnit } from "./stats.ts";

export interface RoundSettings {
  readonly env: HarnessEnv;
  readonly kube: KubeRestClient;
  readonly size: number;
  readonly concurrency: number;
  /** AWS_RATE_LIMITS for the operator (undefined: its built-in limits) and the same limits for the floor. */
  readonly operatorRateLimits: string | undefined;
  readonly floorRateLimits: Readonly<Record<AwsService, TokenBucketOptions>>;
  readonly deployingRequeueSeconds: number;
  readonly resyncSeconds: number;
  readonly resyncPeriods: number;
  readonly readyTimeoutSeconds: number;
  readonly edgeBundle: Uint8Array;
  readonly edgeBundlePath: string;
  readonly profileDir: string | undefined;
  readonly nodeOptions: readonly string[];
  readonly entry: OperatorEntry;
  /** CPU seconds used so far by moto, and by etcd with kube-apiserver. */
  readonly environmentCpu: () => { moto: number; controlPlane: number };
  readonly progress: (line: string) => void;
}

const awsCalls = (samples: readonly Sample[]): Map<string, number> =>
  sumBy(samples, "securedcontent_aws_calls_total", (labels) => labels["operation"]);
/** CloudFront's API rates are low (and its calls the slowest): what bounds a real account at scale. */
const cloudFrontCalls = (samples: readonly Sample[]): number => sumOf(samples, "securedcontent_aws_calls_total", (labels) => labels["service"] === "cloudfront");
const kubeRequests = (samples: readonly Sample[]): Map<string, number> =>
  sumBy(samples, "rest_client_requests_total", (labels) => labels["method"]);
const reconciles = (samples: readonly Sample[]): number => sumOf(samples, "controller_runtime_reconcile_total");

/** Production defaults, except what the emulator makes pointless: it deploys in reads, not minutes. */
function operatorSettings(round: RoundSettings, seeded: Seeded, label: string, resync: { exposure: number; full: number }): OperatorSettings {
  return {
    label: `${round.size}-${label}`,
    edgeRoleArn: seeded.edgeRoleArn,
    concurrency: round.concurrency,
    rateLimits: round.operatorRateLimits,
    exposureResyncSeconds: resync.exposure,
    fullResyncSeconds: resync.full,
    deployingRequeueSeconds: round.deployingRequeueSeconds,
    edgeBundlePath: round.edgeBundlePath,
    nodeOptions: round.nodeOptions,
    entry: round.entry,
    ...(round.profileDir === undefined ? {} : { profileDir: round.profileDir }),
  };
}

/**
 * Waits until the operator has finished at least `count` reconciles and, with `idle`, has nothing queued or
 * running (not to be asked while resyncs come faster than a sweep of every resource).
 */
async function waitForReconciles(operator: OperatorProcess, count: number, timeoutMs: number, idle: boolean): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const samples = await operator.scrape();
    const quiet = !idle || (sumOf(samples, "workqueue_depth") === 0 && sumOf(samples, "controller_runtime_active_workers") === 0);
    if (reconciles(samples) >= count && quiet) return samples;
    await sleep(500);
  }
  throw new Error(`the operator did not finish ${count} reconciles within ${Math.round(timeoutMs / 1000)} s`);
}

async function withOperator<T>(env: HarnessEnv, settings: OperatorSettings, use: (operator: OperatorProcess) => Promise<T>): Promise<T> {
  const operator = await startOperator(env, settings);
  try {
    return await use(operator);
  } finally {
    await operator.stop();
  }
}

/** The floor over freshly seeded buckets: its time, calls, and the emulator's CPU seconds. */
async function floorPhase(round: RoundSettings, namespace: string) {
  const seeded = await resetAndSeed(round.env, round.size);
  const cpuBefore = round.environmentCpu().moto;
  const floor = await runFloor({
    env: round.env,
    seeded,
    namespace,
    concurrency: round.concurrency,
    rateLimits: round.floorRateLimits,
    clusterName,
    jwksUrlTemplate: emulatorJwksUrlTemplate(round.env),
    edgeBundle: round.edgeBundle,
  });
  return { ...floor, motoCpu: round.environmentCpu().moto - cpuBefore };
}

/** The operator converging the round's resources, created at once, with production resync intervals. */
async function convergePhase(round: RoundSettings, seeded: Seeded, collection: string, manifests: readonly Record<string, unknown>[]) {
  return withOperator(round.env, operatorSettings(round, seeded, "create", { exposure: 60, full: 600 }), async (operator) => {
    const watch = await watchReady(round.kube, collection);
    try {
      const before = await operator.scrape();
      const idle = operator.usage();
      const cpuBefore = round.environmentCpu();
      const started = performance.now();
      const sentAt = await createAll(round.kube, collection, manifests, 16);
      await watch.waitForReady(round.size, round.readyTimeoutSeconds * 1000);
      const seconds = (Math.max(...watch.readyAt.values()) - started) / 1000;
      const after = await operator.scrape();
      const usage = operator.usage();
      const cpuAfter = round.environmentCpu();
      const cpu = { moto: cpuAfter.moto - cpuBefore.moto, controlPlane: cpuAfter.controlPlane - cpuBefore.controlPlane, operator: usage.cpuSeconds - idle.cpuSeconds };
      const toReady = [...watch.readyAt].map(([key, at]) => (at - (sentAt.get(key) ?? started)) / 1000);
      return { before, after, seconds, toReady, usage, cpu, idleRssBytes: idle.rssBytes };
    } finally {
      await watch.stop();
    }
  });
}

/** A restart: every resource gets one full pass, in sync, with no resync tick during it. */
async function fullPassPhase(round: RoundSettings, seeded: Seeded) {
  return withOperator(round.env, operatorSettings(round, seeded, "full", { exposure: 3600, full: 3600 }), async (operator) => {
    const before = await operator.scrape();
    const after = await waitForReconciles(operator, round.size, round.readyTimeoutSeconds * 1000, true);
    return { before, after };
  });
}

/** Exposure resyncs of in-sync resources, counted over whole periods after the start-up full pass. */
async function resyncPhase(round: RoundSettings, seeded: Seeded) {
  const full = Math.max(3600, round.resyncSeconds * (round.resyncPeriods + 10));
  return withOperator(round.env, operatorSettings(round, seeded, "resync", { exposure: round.resyncSeconds, full }), async (operator) => {
    await waitForReconciles(operator, round.size + round.concurrency, round.readyTimeoutSeconds * 1000, false);
    const before = await operator.scrape();
    const cpuBefore = operator.usage().cpuSeconds;
    await sleep(round.resyncSeconds * round.resyncPeriods * 1000);
    const after = await operator.scrape();
    return { before, after, usage: operator.usage(), cpuBefore };
  });
}

export async function runRound(round: RoundSettings): Promise<RoundResult> {
  const { kube, size, progress } = round;
  const namespace = `scale-${size}`;
  const collection = `/apis/securedcontent.io/v1alpha1/namespaces/${namespace}/securedcontentbuckets`;
  await kube.request({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: namespace } }, schema: z.unknown() });
  progress(`N=${size}: seeding, then the floor`);
  const floor = await floorPhase(round, namespace);
  progress(`N=${size}: floor ${floor.seconds.toFixed(1)} s; reseeding, then the operator`);
  const seeded = await resetAndSeed(round.env, size);
  const manifests = seeded.buckets.map((bucket) => securedContentBucketManifest({ namespace, bucket, ...seeded }));
  const create = await convergePhase(round, seeded, collection, manifests);
  progress(`N=${size}: converged in ${create.seconds.toFixed(1)} s; restarting for the in-sync passes`);
  const full = await fullPassPhase(round, seeded);
  const resync = await resyncPhase(round, seeded);
  progress(`N=${size}: removing the round's resources`);
  await removeAll(kube, collection, seeded.buckets.map(resourceName));
  const resyncReconciles = reconciles(resync.after) - reconciles(resync.before);
  return {
    size,
    floorSeconds: floor.seconds,
    floorCalls: perUnit(floor.calls, size),
    convergeSeconds: create.seconds,
    readyP50Seconds: percentile(create.toReady, 0.5),
    readyP99Seconds: percentile(create.toReady, 0.99),
    createCalls: perUnit(growth(awsCalls(create.before), awsCalls(create.after)), size),
    createKube: perUnit(growth(kubeRequests(create.before), kubeRequests(create.after)), size),
    createCloudFrontCalls: (cloudFrontCalls(create.after) - cloudFrontCalls(create.before)) / size,
    fullPassCloudFrontCalls: (cloudFrontCalls(full.after) - cloudFrontCalls(full.before)) / size,
    createReconciles: (reconciles(create.after) - reconciles(create.before)) / size,
    cpu: { floorMoto: floor.motoCpu, ...create.cpu },
    createPeakRssBytes: create.usage.peakRssBytes,
    createPeakAnonBytes: create.usage.peakAnonBytes,
    steadyPeakAnonBytes: resync.usage.peakAnonBytes,
    idleRssBytes: create.idleRssBytes,
    fullPassCalls: perUnit(growth(awsCalls(full.before), awsCalls(full.after)), size),
    resyncCalls: perUnit(growth(awsCalls(resync.before), awsCalls(resync.after)), resyncReconciles),
    resyncKube: perUnit(growth(kubeRequests(resync.before), kubeRequests(resync.after)), resyncReconciles),
    resyncs: resyncReconciles / size,
    steadyRssBytes: resync.usage.rssBytes,
    steadyPeakRssBytes: resync.usage.peakRssBytes,
    resyncCpuSeconds: resyncReconciles === 0 ? Number.NaN : ((resync.usage.cpuSeconds - resync.cpuBefore) * size) / resyncReconciles,
  };
}
