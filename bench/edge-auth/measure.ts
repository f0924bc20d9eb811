// Timing: per-call samples over interleaved rounds, plus process CPU time (which includes libuv worker threads).

export interface Measurement {
  readonly samplesNs: Float64Array;
  readonly calls: number;
  readonly cpuMicros: number;
}

export interface Summary {
  readonly medianUs: number;
  readonly p99Us: number;
  readonly cpuUsPerCall: number;
  readonly calls: number;
}

type Call = () => unknown;

/** Runs `call` for about `durationMs`, timing each call; awaits only when it returns a promise. */
export async function sample(call: Call, durationMs: number, into: number[]): Promise<{ calls: number; cpuMicros: number }> {
  const cpuBefore = process.cpuUsage();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(durationMs * 1e6));
  let calls = 0;
  for (;;) {
    const started = process.hrtime.bigint();
    const result = call();
    if (result instanceof Promise) await result;
    const ended = process.hrtime.bigint();
    into.push(Number(ended - started));
    calls += 1;
    if (ended >= deadline) break;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { calls, cpuMicros: cpu.user + cpu.system };
}

function percentile(sorted: Float64Array, fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarize(samplesNs: readonly number[], calls: number, cpuMicros: number): Summary {
  const sorted = Float64Array.from(samplesNs).sort();
  return {
    medianUs: percentile(sorted, 0.5) / 1000,
    p99Us: percentile(sorted, 0.99) / 1000,
    cpuUsPerCall: cpuMicros / calls,
    calls,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
