// The benchmark's report as data and as Markdown: one row per round, the calls by operation for the largest
// round, and the performance goals (docs/performance.md) with pass or miss. Pure functions of the measurements.
import { total } from "./stats.ts";

export type Counts = ReadonlyMap<string, number>;

export interface RoundResult {
  readonly size: number;
  readonly floorSeconds: number;
  /** The floor's AWS calls per resource, by operation. */
  readonly floorCalls: Counts;
  /** From the first create sent to the last resource Ready. */
  readonly convergeSeconds: number;
  readonly readyP50Seconds: number;
  readonly readyP99Seconds: number;
  /** AWS calls per resource while converging, by operation. */
  readonly createCalls: Counts;
  /** The operator's Kubernetes API requests per resource while converging, by method. */
  readonly createKube: Counts;
  /** CloudFront API calls per resource while converging, and per in-sync full pass. */
  readonly createCloudFrontCalls: number;
  readonly fullPassCloudFrontCalls: number;
  readonly createReconciles: number;
  /** CPU seconds while converging: moto for the floor, and moto, etcd with kube-apiserver, the operator for the operator. */
  readonly cpu: { readonly floorMoto: number; readonly moto: number; readonly controlPlane: number; readonly operator: number };
  readonly createPeakRssBytes: number;
  /** The operator's RSS once it leads, before the round's resources exist. */
  readonly idleRssBytes: number;
  /** Highest anonymous RSS (no file-backed pages of the node binary) while converging and while in sync. */
  readonly createPeakAnonBytes: number;
  readonly steadyPeakAnonBytes: number;
  /** AWS calls per in-sync resource in the full pass after a restart, by operation. */
  readonly fullPassCalls: Counts;
  /** AWS calls per in-sync resource per exposure resync, by operation. */
  readonly resyncCalls: Counts;
  readonly resyncKube: Counts;
  /** Exposure resyncs observed per resource in the window. */
  readonly resyncs: number;
  readonly steadyRssBytes: number;
  readonly steadyPeakRssBytes: number;
  /** CPU seconds per exposure resync of every resource. */
  readonly resyncCpuSeconds: number;
}

export function isMutating(operation: string): boolean {
  return !/^(Get|List|Head|Describe)/.test(operation) && !operation.startsWith("(");
}

export function mutatingCalls(counts: Counts): number {
  return total(new Map([...counts].filter(([operation]) => isMutating(operation))));
}

export function readCalls(counts: Counts): number {
  return total(new Map([...counts].filter(([operation]) => !isMutating(operation) && !operation.startsWith("("))));
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : "–");

export function ratio(round: RoundResult): number {
  return round.convergeSeconds / round.floorSeconds;
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Converging: time against the floor, time to Ready, and calls per resource. */
export function roundsTable(rounds: readonly RoundResult[]): string {
  const lines = [
    "| N | floor | operator | × floor | time to Ready p50 / p99 | reconciles/CR | AWS calls/CR: floor → operator (mutating) | CloudFront calls/CR: converging / full pass | kube API requests/CR |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rounds) {
    lines.push(
      row([
        r.size,
        `${fixed(r.floorSeconds)} s`,
        `${fixed(r.convergeSeconds)} s`,
        `**${fixed(ratio(r), 2)}×**`,
        `${fixed(r.readyP50Seconds)} / ${fixed(r.readyP99Seconds)} s`,
        fixed(r.createReconciles),
        `${fixed(total(r.floorCalls))} → ${fixed(total(r.createCalls))} (${fixed(mutatingCalls(r.createCalls))})`,
        `${fixed(r.createCloudFrontCalls, 2)} / ${fixed(r.fullPassCloudFrontCalls, 2)}`,
        fixed(total(r.createKube)),
      ]),
    );
  }
  return lines.join("\n");
}

/** In sync: calls per resource of a full pass and of an exposure resync, memory and CPU. */
export function steadyTable(rounds: readonly RoundResult[]): string {
  const lines = [
    "| N | full pass: reads/CR (mutating) | exposure resync: mutating / reads per CR | kube req/CR per resync | peak RSS: idle / in sync / creating all | of which anonymous: in sync / creating all | operator CPU converging | CPU per resync of all |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rounds) {
    lines.push(
      row([
        r.size,
        `${fixed(readCalls(r.fullPassCalls))} (${fixed(mutatingCalls(r.fullPassCalls))})`,
        `${fixed(mutatingCalls(r.resyncCalls), 2)} / ${fixed(readCalls(r.resyncCalls), 2)}`,
        fixed(total(r.resyncKube), 2),
        `${mb(r.idleRssBytes)} / ${mb(r.steadyPeakRssBytes)} / ${mb(r.createPeakRssBytes)} MB`,
        `${mb(r.steadyPeakAnonBytes)} / ${mb(r.createPeakAnonBytes)} MB`,
        `${fixed(r.cpu.operator)} s`,
        `${fixed(r.resyncCpuSeconds, 2)} s`,
      ]),
    );
  }
  return lines.join("\n");
}

/** Calls per resource by operation for one round: floor, operator while converging, full pass, exposure resync. */
export function operationsTable(round: RoundResult): string {
  const operations = [...new Set([...round.floorCalls.keys(), ...round.createCalls.keys(), ...round.fullPassCalls.keys(), ...round.resyncCalls.keys()])].sort();
  const cell = (counts: Counts, operation: string): string => {
    const value = counts.get(operation);
    return value === undefined ? "" : fixed(value, 2);
  };
  const lines = [
    `| operation (N = ${round.size}), calls per CR | floor | operator, converging | full pass, in sync | exposure resync, in sync |`,
    "|---|---:|---:|---:|---:|",
  ];
  for (const operation of operations) {
    lines.push(`| ${operation}${isMutating(operation) ? " ✎" : ""} | ${cell(round.floorCalls, operation)} | ${cell(round.createCalls, operation)} | ${cell(round.fullPassCalls, operation)} | ${cell(round.resyncCalls, operation)} |`);
  }
  return lines.join("\n");
}

/** Where the CPU time of converging went, per resource: the emulator's work is what the floor measures. */
export function cpuTable(rounds: readonly RoundResult[]): string {
  const ms = (seconds: number, size: number): string => fixed((seconds * 1000) / size, 0);
  const lines = [
    "| N | floor: moto CPU ms/CR | operator run: moto | moto work × floor | etcd + kube-apiserver | operator | sum ms/CR |",
    "|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rounds) {
    const { floorMoto, moto, controlPlane, operator } = r.cpu;
    lines.push(
      row([r.size, ms(floorMoto, r.size), ms(moto, r.size), `${fixed(moto / floorMoto, 2)}×`, ms(controlPlane, r.size), ms(operator, r.size), ms(moto + controlPlane + operator, r.size)]),
    );
  }
  return lines.join("\n");
}

export interface GoalOutcome {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean;
}

export const goals = { convergeRatio: 1.2, resyncMutating: 0, resyncReads: 4, rssBytes: 150 * 1024 * 1024, rssAtSize: 1000 } as const;

export function evaluateGoals(rounds: readonly RoundResult[]): GoalOutcome[] {
  if (rounds.length === 0) return [];
  const outcomes: GoalOutcome[] = rounds.map((r) => ({
    goal: `N=${r.size}: converge ≤ ${goals.convergeRatio}× floor`,
    measured: `${fixed(ratio(r), 2)}×`,
    pass: ratio(r) <= goals.convergeRatio,
  }));
  for (const r of rounds) {
    const mutating = mutatingCalls(r.resyncCalls);
    const reads = readCalls(r.resyncCalls);
    outcomes.push({
      goal: `N=${r.size}: exposure resync of an in-sync CR: ${goals.resyncMutating} mutating, ≤ ${goals.resyncReads} reads`,
      measured: `${fixed(mutating, 2)} mutating, ${fixed(reads, 2)} reads`,
      pass: mutating <= goals.resyncMutating && reads <= goals.resyncReads && r.resyncs > 0,
    });
  }
  // Holding N resources in sync (a full pass after a restart, then exposure resyncs); creating all N at once
  // peaks higher, and is reported beside it.
  const largest = rounds.reduce((a, b) => (b.size > a.size ? b : a));
  outcomes.push({
    goal: `RSS ≤ ${mb(goals.rssBytes)} MB holding ${goals.rssAtSize} CRs (largest N measured: ${largest.size})`,
    measured: `${mb(largest.steadyPeakRssBytes)} MB in sync, ${mb(largest.createPeakRssBytes)} MB while creating all ${largest.size} at once; ${growthPerCr(rounds)}`,
    pass: largest.steadyPeakRssBytes <= goals.rssBytes,
  });
  return outcomes;
}

/** Growth of the steady RSS per resource between the smallest and the largest round. */
export function growthPerCr(rounds: readonly RoundResult[]): string {
  if (rounds.length < 2) return "one size only: no growth per CR";
  const sorted = [...rounds].sort((a, b) => a.size - b.size);
  const first = sorted[0] as RoundResult;
  const last = sorted[sorted.length - 1] as RoundResult;
  const perCr = (last.steadyPeakRssBytes - first.steadyPeakRssBytes) / (last.size - first.size);
  return `in sync, RSS grows ${fixed(perCr / 1024, 1)} KB per CR (${mb(first.steadyPeakRssBytes)} MB at ${first.size}, ${mb(last.steadyPeakRssBytes)} MB at ${last.size})`;
}

export function goalsTable(outcomes: readonly GoalOutcome[]): string {
  return ["| goal | measured | |", "|---|---|---|", ...outcomes.map((o) => `| ${o.goal} | ${o.measured} | ${o.pass ? "pass" : "**miss**"} |`)].join("\n");
}
