// Cold start: in a fresh Node process, the time from import() of a module to its first answered request.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { median } from "./measure.ts";

const run = promisify(execFile);

// Runs in the child. fetch is wrapped before the import, so any network call by the bundle is counted.
const probe = `
let fetches = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (...args) => { fetches += 1; return realFetch(...args); };
const [moduleUrl, eventJson] = process.argv.slice(1);
const event = JSON.parse(eventJson);
const started = performance.now();
const { handler } = await import(moduleUrl);
const imported = performance.now();
const result = await handler(event);
const elapsed = performance.now() - started;
const importMs = imported - started;
process.stdout.write(JSON.stringify({ elapsed, importMs, allowed: result !== null && typeof result === "object" && !("status" in result), fetches }));
`;

interface ProbeResult {
  readonly elapsed: number;
  readonly importMs: number;
  readonly allowed: boolean;
  readonly fetches: number;
}

async function probeOnce(moduleUrl: string, event: object): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", probe, moduleUrl, JSON.stringify(event)]);
  return JSON.parse(stdout) as ProbeResult;
}

export interface ColdStart {
  readonly bundleMs: number;
  /** The part of bundleMs spent in import() itself (module load, config read, key import). */
  readonly bundleImportMs: number;
  readonly emptyMs: number;
  readonly allAllowed: boolean;
  readonly networkCalls: number;
  readonly runs: number;
}

/** Alternates bundle and empty-module processes `runs` times each and reports medians. */
export async function measureColdStart(deployDir: string, event: object, runs: number): Promise<ColdStart> {
  const emptyModule = join(deployDir, "empty.mjs");
  await writeFile(emptyModule, "export const handler = async (event) => event.Records[0].cf.request;\n");
  const bundleUrl = pathToFileURL(join(deployDir, "index.mjs")).href;
  const emptyUrl = pathToFileURL(emptyModule).href;
  const bundle: ProbeResult[] = [];
  const empty: ProbeResult[] = [];
  for (let i = 0; i < runs; i += 1) {
    bundle.push(await probeOnce(bundleUrl, event));
    empty.push(await probeOnce(emptyUrl, event));
  }
  return {
    bundleMs: median(bundle.map((r) => r.elapsed)),
    bundleImportMs: median(bundle.map((r) => r.importMs)),
    emptyMs: median(empty.map((r) => r.elapsed)),
    allAllowed: bundle.every((r) => r.allowed),
    networkCalls: bundle.reduce((sum, r) => sum + r.fetches, 0),
    runs,
  };
}
