// Fetches the exact package deployed to the emulated Lambda for one function version (GetFunction, then its
// Code.Location), checks it against CodeSha256, and unpacks it into a directory the runtime imports from.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { GetFunctionCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { unzipSync } from "fflate";
import { z } from "zod";
import { EdgeEmulatorError } from "./errors.ts";

const getFunctionSchema = z.object({
  Configuration: z.object({
    CodeSha256: z.string().min(1),
    Handler: z.string().min(1),
    Timeout: z.number().int().positive().optional(),
    MemorySize: z.number().int().positive().optional(),
  }),
  Code: z.object({ Location: z.url() }),
});

export interface DeployedFunction {
  readonly arn: string;
  readonly codeSha256: string;
  /** The file to import and the export to call, from the handler string (e.g. index.handler). */
  readonly moduleFile: string;
  readonly exportName: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

/** Lambda@Edge viewer-request limits: 5 s and 128 MB, whatever the function asks for. */
const viewerRequestLimits = { timeoutSeconds: 5, memoryMb: 128 } as const;
const downloadTimeoutMs = 10_000;
const moduleExtensions = [".mjs", ".js", ".cjs"] as const;

/** `index.handler` → module `index`, export `handler` (a module path may hold slashes, the export may not). */
export function parseHandlerString(handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || dot === handler.length - 1) {
    throw new EdgeEmulatorError("FunctionCodeUnavailable", `handler ${handler} is not <module>.<export>`);
  }
  return { modulePath: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/** A zip entry name that stays inside the target directory, or undefined for one that would escape it. */
export function safeEntryPath(name: string): string | undefined {
  const normalized = normalize(name);
  if (normalized.startsWith("/") || normalized === ".." || normalized.startsWith("../")) return undefined;
  return normalized;
}

function onLoopback(location: string): boolean {
  const { hostname } = new URL(location);
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

async function download(location: string): Promise<Uint8Array> {
  // Everything the harness runs stays on loopback; a real AWS URL here means the client points at AWS.
  if (!onLoopback(location)) throw new EdgeEmulatorError("FunctionCodeUnavailable", "Code.Location is not on loopback");
  const response = await fetch(location, { signal: AbortSignal.timeout(downloadTimeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new EdgeEmulatorError("FunctionCodeUnavailable", `downloading the package answered ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function unpack(zip: Uint8Array, into: string): Promise<readonly string[]> {
  const entries = unzipSync(zip);
  const written: string[] = [];
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith("/")) continue;
    const path = safeEntryPath(name);
    if (path === undefined) throw new EdgeEmulatorError("FunctionCodeUnavailable", `zip entry ${name} escapes the package`);
    await mkdir(dirname(join(into, path)), { recursive: true });
    await writeFile(join(into, path), data);
    written.push(path);
  }
  return written;
}

/** Downloads, verifies and unpacks the package of a numbered function version under `workDir`. */
export async function fetchDeployedFunction(lambda: LambdaClient, arn: string, workDir: string): Promise<DeployedFunction> {
  const result = getFunctionSchema.parse(await lambda.send(new GetFunctionCommand({ FunctionName: arn })));
  const zip = await download(result.Code.Location);
  const sha256 = createHash("sha256").update(zip).digest("base64");
  if (sha256 !== result.Configuration.CodeSha256) {
    throw new EdgeEmulatorError("FunctionCodeUnavailable", `the package's sha256 differs from the deployed CodeSha256 of ${arn}`);
  }
  const dir = await mkdtemp(join(workDir, "function-"));
  const files = await unpack(zip, dir);
  const { modulePath, exportName } = parseHandlerString(result.Configuration.Handler);
  const moduleName = moduleExtensions.map((extension) => `${modulePath}${extension}`).find((name) => files.includes(normalize(name)));
  if (moduleName === undefined) throw new EdgeEmulatorError("FunctionCodeUnavailable", `the package has no module for ${result.Configuration.Handler}`);
  return {
    arn,
    codeSha256: sha256,
    moduleFile: join(dir, moduleName),
    exportName,
    timeoutMs: Math.min(result.Configuration.Timeout ?? 3, viewerRequestLimits.timeoutSeconds) * 1000,
    memoryMb: Math.min(result.Configuration.MemorySize ?? 128, viewerRequestLimits.memoryMb),
  };
}
