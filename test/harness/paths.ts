// Where the harness keeps things: the repository root, the per-machine build cache, and per-run scratch space.
import { mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");

/** Cache for slow builds (Go binaries, the moto virtualenv), outside the work tree and shared by clones. */
export function cacheRoot(): string {
  const explicit = process.env["SECUREDCONTENT_CACHE"];
  if (explicit) return explicit;
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "securedcontent");
}

/** A fresh scratch directory for one run of the environment (etcd data, certs, logs). */
export function makeRunDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `securedcontent-${prefix}-`));
}
