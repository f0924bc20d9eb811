// Operator scale benchmark (`make bench-scale`): node bench/operator-scale/run.ts [--sizes 10,100,500,1000] [--help]
//
// For each N: the floor (the minimal AWS call sequence for N resources, straight at the emulator), then the
// operator (src/main.ts as a separate process, leader election on) converging N SecuredContentBuckets created at
// once, then its in-sync passes. Prints one table, the calls by operation, and the goals of docs/performance.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildEdgeBundle } from "../../edge-auth/package/bundle.ts";
import { defaultRateLimits, type AwsService } from "../../src/aws/clients.ts";
import type { TokenBucketOptions } from "../../src/aws/rate-limiter.ts";
import { operatorConfigSchema } from "../../src/config.ts";
import { stopAll } from "../../test/harness/process.ts";
import { startBenchEnvironment } from "./environment.ts";
import { buildEntry, leaseNamespace, sourceEntry } from "./operator-process.ts";
import { parseScaleOptions, usage, type ScaleOptions } from "./options.ts";
import { cpuTable, evaluateGoals, goalsTable, operationsTable, roundsTable, steadyTable, type RoundResult } from "./report.ts";
import { runRound } from "./round.ts";
import { z } from "zod";

const progress = (line: string): void => { console.error(`[scale] ${line}`); };

/** "off" lifts the client-side limits for both the operator and the floor; otherwise both use the same ones. */
function rateLimits(spec: string): { operator: string | undefined; floor: Record<AwsService, TokenBucketOptions> } {
  if (spec === "default") return { operator: undefined, floor: { ...defaultRateLimits } };
  const operator = spec === "off" ? "s3=100000/100000,cloudfront=100000/100000,lambda=100000/100000" : spec;
  return { operator, floor: { ...defaultRateLimits, ...operatorConfigSchema.shape.AWS_RATE_LIMITS.parse(operator) } };
}

function describeSettings(options: ScaleOptions): string {
  return [
    `operator: ${options.operatorEntry === "build" ? "the compiled build (node --enable-source-maps dist/src/main.js)" : "node src/main.ts"}`,
    `MAX_CONCURRENT_RECONCILES=${options.concurrency} (the floor keeps as many resources in flight)`,
    `client-side AWS rate limits: ${options.rateLimits} (the same for the floor)`,
    `emulated CloudFront deploys after ${options.deployAfterReads} GetDistribution read(s); DEPLOYING_REQUEUE_SECONDS=${options.deployingRequeueSeconds}`,
    `exposure resyncs counted over ${options.resyncPeriods} × ${options.resyncSeconds} s; Node ${process.version}${options.operatorNodeOptions.length === 0 ? "" : ` ${options.operatorNodeOptions.join(" ")}`}`,
  ].join("; ");
}

/** A round with its maps as plain objects, for results.json. */
function serializable(round: RoundResult): Record<string, unknown> {
  return Object.fromEntries(Object.entries(round).map(([key, value]) => [key, value instanceof Map ? Object.fromEntries(value) : value]));
}

async function main(): Promise<void> {
  const parsed = parseScaleOptions(process.argv.slice(2));
  if (parsed === "help") {
    console.log(usage);
    return;
  }
  const options = parsed;
  const limits = rateLimits(options.rateLimits);
  const started = performance.now();
  const bench = await startBenchEnvironment({ deployAfterReads: options.deployAfterReads, progress });
  const rounds: RoundResult[] = [];
  try {
    await bench.kube.request({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: leaseNamespace } }, schema: z.unknown() });
    // As in the image: the edge bundle is built once, ahead of time, and handed to the operator.
    const edgeBundle = await buildEdgeBundle();
    const edgeBundlePath = join(bench.env.runDir, "edge-bundle.mjs");
    writeFileSync(edgeBundlePath, edgeBundle);
    const resultsPath = join(bench.env.runDir, "results.json");
    if (options.operatorEntry === "build") progress("compiling the operator as the image does");
    const entry = options.operatorEntry === "build" ? await buildEntry(bench.env.runDir) : sourceEntry;
    const profileDir = options.profile ? join(bench.env.runDir, "profiles") : undefined;
    if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
    for (const size of options.sizes) {
      const round = await runRound({
        env: bench.env,
        kube: bench.kube,
        size,
        concurrency: options.concurrency,
        operatorRateLimits: limits.operator,
        floorRateLimits: limits.floor,
        deployingRequeueSeconds: options.deployingRequeueSeconds,
        resyncSeconds: options.resyncSeconds,
        resyncPeriods: options.resyncPeriods,
        readyTimeoutSeconds: options.readyTimeoutSeconds,
        edgeBundle,
        edgeBundlePath,
        profileDir,
        nodeOptions: options.operatorNodeOptions,
        entry,
        environmentCpu: () => bench.cpuSeconds(),
        progress,
      });
      rounds.push(round);
      // Each round as it ends, so an interrupted run still leaves what it measured.
      writeFileSync(resultsPath, `${JSON.stringify(rounds.map(serializable), null, 2)}\n`);
      progress(`N=${size} done:\n${roundsTable([round])}`);
    }
    if (profileDir !== undefined) progress(`CPU profiles in ${profileDir}`);
  } finally {
    progress(`logs in ${join(bench.env.runDir, "logs")}`);
    await bench.stop();
  }
  console.log(`\n${describeSettings(options)}\n`);
  console.log(roundsTable(rounds));
  console.log(`\n${steadyTable(rounds)}`);
  console.log(`\n${cpuTable(rounds)}`);
  const largest = rounds[rounds.length - 1];
  if (largest !== undefined) console.log(`\n${operationsTable(largest)}`);
  console.log(`\n${goalsTable(evaluateGoals(rounds))}`);
  console.log(`\nwhole benchmark: ${((performance.now() - started) / 60_000).toFixed(1)} min`);
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exitCode = 1;
}
