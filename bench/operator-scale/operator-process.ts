// The operator as it runs in production (src/main.ts, leader election on), as a separate process pointed at the
// emulator, with its /metrics scraped and its memory and CPU read from /proc.
import { execFile } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { emulatorOperatorEnv, type HarnessEnv } from "../../test/harness/env.ts";
import { repoRoot } from "../../test/harness/paths.ts";
import { freePort } from "../../test/harness/ports.ts";
import { startProcess } from "../../test/harness/process.ts";
import { processUsage, type ProcessUsage } from "./proc.ts";
import { parsePrometheusText, sumOf, type Sample } from "./prometheus.ts";

const execFileAsync = promisify(execFile);

export const leaseNamespace = "securedcontent-system";
export const clusterName = "scale";

export interface OperatorSettings {
  readonly label: string;
  readonly edgeRoleArn: string;
  readonly concurrency: number;
  /** AWS_RATE_LIMITS, or undefined for the built-in limits. */
  readonly rateLimits: string | undefined;
  readonly exposureResyncSeconds: number;
  readonly fullResyncSeconds: number;
  readonly deployingRequeueSeconds: number;
  readonly edgeBundlePath: string;
  /** Where to write a V8 CPU profile, if wanted. */
  readonly profileDir?: string;
  readonly nodeOptions: readonly string[];
  /** The script to run and the Node.js flags it needs: src/main.ts, or a build's main.js. */
  readonly entry: OperatorEntry;
}

export interface OperatorEntry {
  readonly script: string;
  readonly nodeFlags: readonly string[];
}

export const sourceEntry: OperatorEntry = { script: join(repoRoot, "src", "main.ts"), nodeFlags: [] };

/** Compiles the operator as the image build does (tsc -p tsconfig.build.json) into `dir`, and names its entry. */
export async function buildEntry(dir: string): Promise<OperatorEntry> {
  const outDir = join(dir, "dist");
  await execFileAsync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", join(repoRoot, "tsconfig.build.json"), "--outDir", outDir], { cwd: repoRoot });
  // The compiled files resolve their packages from the folders above them, as in the image.
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return { script: join(outDir, "src", "main.js"), nodeFlags: ["--enable-source-maps"] };
}

export interface OperatorProcess {
  readonly pid: number;
  readonly logFile: string;
  scrape(): Promise<Sample[]>;
  /** Memory and CPU now, with the highest anonymous RSS sampled (twice a second) since the start. */
  usage(): ProcessUsage & { readonly peakAnonBytes: number };
  stop(): Promise<void>;
}

export async function startOperator(env: HarnessEnv, settings: OperatorSettings): Promise<OperatorProcess> {
  const port = await freePort();
  const logFile = join(env.runDir, "logs", `operator-${settings.label}.log`);
  const profiling = settings.profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${settings.profileDir}`, `--cpu-prof-name=operator-${settings.label}.cpuprofile`];
  const child = startProcess({
    name: `operator-${settings.label}`,
    command: process.execPath,
    args: [...settings.entry.nodeFlags, ...settings.nodeOptions, ...profiling, settings.entry.script],
    logFile,
    env: {
      ...process.env,
      KUBECONFIG: env.kubeconfig,
      ...emulatorOperatorEnv(env),
      EDGE_FUNCTION_ROLE_ARN: settings.edgeRoleArn,
      EDGE_BUNDLE_PATH: settings.edgeBundlePath,
      CLUSTER_NAME: clusterName,
      LEADER_ELECTION: `${leaseNamespace}/securedcontent-operator`,
      MAX_CONCURRENT_RECONCILES: String(settings.concurrency),
      EXPOSURE_RESYNC_SECONDS: String(settings.exposureResyncSeconds),
      FULL_RESYNC_SECONDS: String(settings.fullResyncSeconds),
      DEPLOYING_REQUEUE_SECONDS: String(settings.deployingRequeueSeconds),
      METRICS_ADDRESS: `127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      ...(settings.rateLimits === undefined ? {} : { AWS_RATE_LIMITS: settings.rateLimits }),
    },
  });
  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`operator /metrics answered ${response.status}`);
    return parsePrometheusText(await response.text());
  };
  // The kernel keeps the peak of the whole RSS (VmHWM) but not of its anonymous part: sample that.
  let peakAnonBytes = 0;
  const sample = (): ProcessUsage => {
    const usage = processUsage(child.pid);
    peakAnonBytes = Math.max(peakAnonBytes, usage.anonBytes);
    return usage;
  };
  const sampler = setInterval(() => {
    try {
      sample();
    } catch {
      // exited
    }
  }, 500);
  const operator: OperatorProcess = {
    pid: child.pid,
    logFile,
    scrape,
    usage: () => ({ ...sample(), peakAnonBytes }),
    stop: async () => {
      clearInterval(sampler);
      await child.stop(30_000);
    },
  };
  try {
    await waitForLeadership(scrape, () => child.exitReason());
  } catch (error) {
    await operator.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${child.logTail()}`, { cause: error });
  }
  return operator;
}

const startTimeoutMs = 60_000;

async function waitForLeadership(scrape: () => Promise<Sample[]>, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const reason = exited();
    if (reason !== undefined) throw new Error(`the operator ${reason}`);
    try {
      if (sumOf(await scrape(), "leader_election_master_status") >= 1) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the operator did not become leader within ${startTimeoutMs / 1000} s`);
}
