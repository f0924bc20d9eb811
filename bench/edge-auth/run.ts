// Edge authorizer benchmark (`make bench`): node bench/edge-auth/run.ts [--seconds 2] [--cold-runs 15]
// The goals it checks, and the figures of a recorded run, are in docs/performance.md.
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { bundleBudgetBytes } from "../../edge-auth/package/package-edge-function.ts";
import { measureColdStart } from "./cold-start.ts";
import { createContenders, type Contender } from "./contenders.ts";
import { createFixture, viewerRequestEvent } from "./fixture.ts";
import { sample, summarize, type Summary } from "./measure.ts";

const rounds = 5;

async function measureAll(contenders: readonly Contender[], seconds: number): Promise<Map<string, Summary>> {
  const samples = new Map(contenders.map((c) => [c.label, [] as number[]]));
  const totals = new Map(contenders.map((c) => [c.label, { calls: 0, cpuMicros: 0 }]));
  for (const contender of contenders) {
    await contender.verify(); // fails loudly if a contender does not accept the token
    await sample(contender.verify, 200, []); // warm-up: JIT, caches, lazy imports
  }
  // Interleaved rounds, so a noisy neighbour on the machine hurts every contender alike.
  for (let round = 0; round < rounds; round += 1) {
    for (const contender of contenders) {
      const result = await sample(contender.verify, (seconds * 1000) / rounds, samples.get(contender.label) ?? []);
      const total = totals.get(contender.label);
      if (total !== undefined) {
        total.calls += result.calls;
        total.cpuMicros += result.cpuMicros;
      }
    }
  }
  return new Map(
    contenders.map((c) => {
      const total = totals.get(c.label) ?? { calls: 1, cpuMicros: Number.NaN };
      return [c.label, summarize(samples.get(c.label) ?? [], total.calls, total.cpuMicros)];
    }),
  );
}

function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

function printTable(contenders: readonly Contender[], summaries: Map<string, Summary>): void {
  const floor = summaries.get("e");
  if (floor === undefined) throw new Error("no floor measurement");
  console.log("| | verifier | median µs | median × floor | p99 µs | p99 × floor p99 | CPU µs/verify | calls |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const c of contenders) {
    const s = summaries.get(c.label);
    if (s === undefined) continue;
    console.log(
      `| (${c.label}) | ${c.name} | ${fixed(s.medianUs)} | ${fixed(s.medianUs / floor.medianUs, 2)}× | ${fixed(s.p99Us)} | ${fixed(s.p99Us / floor.p99Us, 2)}× | ${fixed(s.cpuUsPerCall)} | ${s.calls} |`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "2" }, "cold-runs": { type: "string", default: "15" } } });
  const seconds = Number(values.seconds);
  const coldRuns = Number(values["cold-runs"]);
  const fixture = await createFixture();
  try {
    console.log(`Node ${process.version}, ${process.arch}, RSA-2048 RS256; ${seconds} s per verifier in ${rounds} interleaved rounds, one core, warm.\n`);
    const contenders = await createContenders(fixture);
    const summaries = await measureAll(contenders, seconds);
    printTable(contenders, summaries);
    const cold = await measureColdStart(fixture.deployDir, viewerRequestEvent(fixture.token), coldRuns);
    const a = summaries.get("a");
    const floor = summaries.get("e");
    const others = ["b", "c", "d"].map((label) => summaries.get(label)?.medianUs ?? 0);
    console.log("");
    console.log(`bundle: index.mjs ${fixture.edgePackage.bundleBytes} bytes minified (budget ${bundleBudgetBytes}); zip ${fixture.edgePackage.zipBytes} bytes`);
    console.log(
      `cold start (median of ${cold.runs} fresh processes, import() → first verified request): bundle ${fixed(cold.bundleMs)} ms (of which import() ${fixed(cold.bundleImportMs)} ms), empty module ${fixed(cold.emptyMs)} ms; ` +
        `first request allowed in every run: ${cold.allAllowed ? "yes" : "NO"}; network calls: ${cold.networkCalls}`,
    );
    if (a !== undefined && floor !== undefined) {
      console.log(
        `goals: (a) median ${fixed(a.medianUs / floor.medianUs, 2)}× floor (≤ 1.5×: ${a.medianUs <= 1.5 * floor.medianUs ? "met" : "NOT met"}); ` +
          `faster than (b), (c), (d): ${others.every((other) => a.medianUs < other) ? "met" : "NOT met"}; ` +
          `cold start ≤ 20 ms: ${cold.bundleMs <= 20 ? "met" : "NOT met"}; bundle ≤ 16 KB: ${fixture.edgePackage.bundleBytes <= bundleBudgetBytes ? "met" : "NOT met"}`,
      );
    }
  } finally {
    await rm(fixture.deployDir, { recursive: true, force: true });
  }
}

await main();
