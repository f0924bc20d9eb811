// The benchmark's command line, parsed and checked once. Every knob has a default that reproduces the table in
// docs/performance.md; `--help` lists them.
import { parseArgs } from "node:util";

export interface ScaleOptions {
  /** How many SecuredContentBuckets per round, smallest first. */
  readonly sizes: readonly number[];
  /** MAX_CONCURRENT_RECONCILES of the operator, and the floor's number of resources in flight. */
  readonly concurrency: number;
  /**
   * AWS_RATE_LIMITS of the operator and the floor's token buckets: "off" lifts the client-side limits so the
   * ratio measures the operator against the emulator alone; "default" keeps the operator's own limits.
   */
  readonly rateLimits: string;
  /** GetDistribution reads until a created distribution reports Deployed. */
  readonly deployAfterReads: number;
  /** The operator's DEPLOYING_REQUEUE_SECONDS while it converges. */
  readonly deployingRequeueSeconds: number;
  /** EXPOSURE_RESYNC_SECONDS during the in-sync measurement, and how many periods it lasts. */
  readonly resyncSeconds: number;
  readonly resyncPeriods: number;
  /** How long one size may take to become Ready before the benchmark gives up on it. */
  readonly readyTimeoutSeconds: number;
  /** Write V8 CPU profiles of the operator next to its logs. */
  readonly profile: boolean;
  /** Extra Node.js flags for the operator process, e.g. "--max-old-space-size=96". */
  readonly operatorNodeOptions: readonly string[];
  /** Run src/main.ts as is, or the compiled build the image runs (dist/src/main.js). */
  readonly operatorEntry: "source" | "build";
}

/** The heap settings recommended for the Deployment (NODE_OPTIONS); see docs/performance.md. */
export const recommendedHeapOptions = "--max-old-space-size=64 --max-semi-space-size=4";

export const usage = `usage: node bench/operator-scale/run.ts [options]
  --sizes 10,100,500,1000      resources per round
  --concurrency 4              MAX_CONCURRENT_RECONCILES, and the floor's resources in flight
  --rate-limits off            "off", "default", or an AWS_RATE_LIMITS value such as cloudfront=5/10,lambda=10/20
  --deploy-after-reads 1       GetDistribution reads until a new distribution is Deployed (the emulator)
  --requeue-seconds 1          the operator's DEPLOYING_REQUEUE_SECONDS
  --resync-seconds 10          EXPOSURE_RESYNC_SECONDS while in-sync resyncs are counted
  --resync-periods 2           how many of those periods are counted
  --ready-timeout-seconds 900  per round
  --profile                    write .cpuprofile files of the operator
  --node-options=<flags>       Node.js flags for the operator; default "--max-old-space-size=64 --max-semi-space-size=4"
  --operator build             build: tsc to JavaScript and run it as the image does; source: node src/main.ts`;

function positiveInteger(name: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}, not ${text}`);
  return value;
}

const rateLimitSpec = /^(off|default|((s3|cloudfront|lambda)=\d+(\.\d+)?\/\d+)(,(s3|cloudfront|lambda)=\d+(\.\d+)?\/\d+)*)$/;

export function parseScaleOptions(argv: readonly string[]): ScaleOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: "string", default: "10,100,500,1000" },
      concurrency: { type: "string", default: "4" },
      "rate-limits": { type: "string", default: "off" },
      "deploy-after-reads": { type: "string", default: "1" },
      "requeue-seconds": { type: "string", default: "1" },
      "resync-seconds": { type: "string", default: "10" },
      "resync-periods": { type: "string", default: "2" },
      "ready-timeout-seconds": { type: "string", default: "900" },
      profile: { type: "boolean", default: false },
      "node-options": { type: "string", default: recommendedHeapOptions },
      operator: { type: "string", default: "build" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return "help";
  const sizes = values.sizes.split(",").map((size) => positiveInteger("sizes", size.trim(), 5_000));
  const rateLimits = values["rate-limits"].trim();
  const operatorEntry = values.operator;
  if (operatorEntry !== "source" && operatorEntry !== "build") throw new Error(`--operator must be source or build, not ${operatorEntry}`);
  if (!rateLimitSpec.test(rateLimits)) throw new Error(`--rate-limits must be off, default, or like cloudfront=5/10,lambda=10/20; not ${rateLimits}`);
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    concurrency: positiveInteger("concurrency", values.concurrency, 64),
    rateLimits,
    deployAfterReads: positiveInteger("deploy-after-reads", values["deploy-after-reads"], 100),
    deployingRequeueSeconds: positiveInteger("requeue-seconds", values["requeue-seconds"], 600),
    resyncSeconds: positiveInteger("resync-seconds", values["resync-seconds"], 600),
    resyncPeriods: positiveInteger("resync-periods", values["resync-periods"], 20),
    readyTimeoutSeconds: positiveInteger("ready-timeout-seconds", values["ready-timeout-seconds"], 7_200),
    profile: values.profile,
    operatorNodeOptions: values["node-options"].split(/\s+/).filter((flag) => flag !== ""),
    operatorEntry,
  };
}
