// Builds the kstatus wrapper (test/harness/go/kstatus) once per machine and runs it: the status that
// sigs.k8s.io/cli-utils/pkg/kstatus, the library Flux uses for health checks, computes for an object.
//
// The binary lives in the cache outside the work tree, under a key made of the cli-utils version and a hash of
// the wrapper's go.mod, go.sum and main.go, so any change to the wrapper rebuilds it and nothing else does.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { runCommand } from "./lua.ts";
import { cacheRoot, repoRoot } from "./paths.ts";

const moduleDir = join(repoRoot, "test/harness/go/kstatus");
const sourceFiles = ["go.mod", "go.sum", "main.go"] as const;

export const kstatusVerdictSchema = z.object({
  status: z.enum(["InProgress", "Failed", "Current", "Terminating", "NotFound", "Unknown"]).optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});

export type KstatusVerdict = z.infer<typeof kstatusVerdictSchema>;

/** The cli-utils version go.mod pins. */
export function pinnedCliUtilsVersion(goMod = readFileSync(join(moduleDir, "go.mod"), "utf8")): string {
  const match = /^\s*(?:require\s+)?sigs\.k8s\.io\/cli-utils\s+(v\S+)/m.exec(goMod);
  if (match?.[1] === undefined) throw new Error("test/harness/go/kstatus/go.mod does not require sigs.k8s.io/cli-utils");
  return match[1];
}

/** Returns the path of the cached kstatus binary, building it on first use. */
export async function ensureKstatus(progress: (line: string) => void): Promise<string> {
  const hash = createHash("sha256");
  for (const file of sourceFiles) hash.update(file).update(readFileSync(join(moduleDir, file)));
  const version = pinnedCliUtilsVersion();
  const dir = join(cacheRoot(), "kstatus", `${version}-${hash.digest("hex").slice(0, 12)}`);
  const binary = join(dir, "kstatus");
  if (existsSync(binary)) return binary;

  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  progress(`kstatus: building the wrapper around sigs.k8s.io/cli-utils ${version} from the Go module proxy (once per machine; about a minute)`);
  const started = Date.now();
  const ticker = setInterval(() => {
    progress(`kstatus: still building (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 15_000);
  try {
    await runCommand("go", ["build", "-trimpath", "-pgo=off", "-ldflags", "-s -w", "-o", join(partial, "kstatus"), "."], {
      cwd: moduleDir,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
      timeoutMs: 15 * 60_000,
    });
  } finally {
    clearInterval(ticker);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  progress(`kstatus: ready in ${Math.round((Date.now() - started) / 1000)} s, cached in ${dir}`);
  return binary;
}

/** kstatus's verdict for each object, in order. */
export async function computeKstatus(binary: string, objects: readonly unknown[]): Promise<KstatusVerdict[]> {
  const stdout = await runCommand(binary, [], { input: JSON.stringify(objects), timeoutMs: 30_000 });
  return z.array(kstatusVerdictSchema).length(objects.length).parse(JSON.parse(stdout));
}
