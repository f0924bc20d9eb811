// Provides a real Lua 5.1 interpreter, the dialect Argo CD runs health checks in, without root: Debian's
// lua5.1 and liblua5.1-0 packages are fetched with `apt-get download`, unpacked with `dpkg-deb -x` into the
// per-machine cache, and run with LD_LIBRARY_PATH pointing at the unpacked library.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./paths.ts";

/** The Debian (bookworm) package version tried first; whatever apt offers is the fallback. */
export const pinnedLuaPackageVersion = "5.1.5-9";

const packages = ["lua5.1", "liblua5.1-0"] as const;

export interface LuaInterpreter {
  readonly binary: string;
  /** Where liblua5.1.so.0 lives; undefined for an interpreter installed on the system. */
  readonly libraryDir: string | undefined;
  /** The Debian package version, or "system". */
  readonly version: string;
}

export class LuaUnavailableError extends Error {
  readonly code = "LuaUnavailable";
  constructor(detail: string) {
    super(
      `could not provide a Lua 5.1 interpreter: ${detail}. The tests fetch Debian's lua5.1 with apt-get download ` +
        "(no root needed, but apt's package lists must exist: run apt-get update once), or use lua5.1 from PATH.",
    );
    this.name = "LuaUnavailableError";
  }
}

export class CommandFailedError extends Error {
  readonly code = "CommandFailed";
  readonly stderr: string;
  constructor(command: string, args: readonly string[], detail: string, stderr: string) {
    super(`${command} ${args.join(" ")} failed: ${detail}${stderr.trim() === "" ? "" : `\n${stderr.trim().slice(-2_000)}`}`);
    this.name = "CommandFailedError";
    this.stderr = stderr;
  }
}

export interface RunOptions {
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs a command to completion and returns its stdout; rejects with its stderr on failure. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = execFile(
      command,
      [...args],
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new CommandFailedError(command, args, error.message.split("\n")[0] ?? "", stderr));
        else resolveRun(stdout);
      },
    );
    // A command that exits without reading its input closes the pipe; its exit code tells what happened.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

/** Returns a cached interpreter, fetching Debian's packages on first use. */
export async function ensureLua(progress: (line: string) => void): Promise<LuaInterpreter> {
  const cached = cachedInterpreter();
  if (cached !== undefined) return cached;
  const started = Date.now();
  progress(`lua5.1: fetching Debian's ${packages.join(" and ")} with apt-get download (once per machine)`);
  let fetched: LuaInterpreter;
  try {
    fetched = await fetchDebianLua(progress);
  } catch (error) {
    const system = await systemInterpreter();
    if (system === undefined) throw new LuaUnavailableError(error instanceof Error ? error.message : String(error));
    progress(`lua5.1: apt-get download did not work, using ${system.binary} from PATH`);
    return system;
  }
  progress(`lua5.1: ${fetched.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s, cached in ${luaCacheDir()}`);
  return fetched;
}

/** Runs the interpreter with the given arguments and stdin; returns stdout. */
export function runLua(lua: LuaInterpreter, args: readonly string[], input = ""): Promise<string> {
  const env = lua.libraryDir === undefined ? process.env : { ...process.env, LD_LIBRARY_PATH: lua.libraryDir };
  return runCommand(lua.binary, args, { input, env, timeoutMs: 10_000 });
}

function luaCacheDir(): string {
  return join(cacheRoot(), "lua5.1");
}

/** The pinned version when cached, else any complete version a fallback fetch cached. */
function cachedInterpreter(): LuaInterpreter | undefined {
  if (!existsSync(luaCacheDir())) return undefined;
  const versions = readdirSync(luaCacheDir()).filter((name) => !name.endsWith(".partial"));
  const ordered = [pinnedLuaPackageVersion, ...versions.filter((version) => version !== pinnedLuaPackageVersion)];
  for (const version of ordered) {
    const interpreter = unpackedInterpreter(join(luaCacheDir(), version), version);
    if (interpreter !== undefined) return interpreter;
  }
  return undefined;
}

function unpackedInterpreter(root: string, version: string): LuaInterpreter | undefined {
  const binary = join(root, "usr", "bin", "lua5.1");
  const libRoot = join(root, "usr", "lib");
  if (!existsSync(binary) || !existsSync(libRoot)) return undefined;
  // The multiarch directory, e.g. usr/lib/x86_64-linux-gnu.
  const libraryDir = [libRoot, ...readdirSync(libRoot).map((name) => join(libRoot, name))].find((dir) =>
    existsSync(join(dir, "liblua5.1.so.0")),
  );
  return libraryDir === undefined ? undefined : { binary, libraryDir, version };
}

async function fetchDebianLua(progress: (line: string) => void): Promise<LuaInterpreter> {
  const staging = join(luaCacheDir(), `${pinnedLuaPackageVersion}.partial`);
  rmSync(staging, { recursive: true, force: true });
  const debs = join(staging, "debs");
  mkdirSync(debs, { recursive: true });
  await downloadPackages(staging, debs, progress);
  const files = readdirSync(debs).filter((name) => name.endsWith(".deb"));
  const luaDeb = files.find((name) => name.startsWith("lua5.1_"));
  if (luaDeb === undefined) throw new Error(`apt-get download left no lua5.1 package in ${debs}`);
  const version = (await runCommand("dpkg-deb", ["-f", join(debs, luaDeb), "Version"])).trim();
  const root = join(staging, "root");
  for (const file of files) await runCommand("dpkg-deb", ["-x", join(debs, file), root]);
  const unpacked = unpackedInterpreter(root, version);
  if (unpacked === undefined) throw new Error(`the packages in ${debs} did not contain lua5.1 and liblua5.1.so.0`);
  await runLua(unpacked, ["-e", "assert(_VERSION == 'Lua 5.1')"]);
  const final = join(luaCacheDir(), version);
  rmSync(final, { recursive: true, force: true });
  renameSync(root, final);
  rmSync(staging, { recursive: true, force: true });
  const installed = unpackedInterpreter(final, version);
  if (installed === undefined) throw new Error(`lua5.1 vanished from ${final}`);
  return installed;
}

/**
 * `apt-get download` with the machine's package lists; when those lack the packages (container images often
 * ship with empty lists), with fresh lists read into a private directory, which needs no root either.
 */
async function downloadPackages(staging: string, debs: string, progress: (line: string) => void): Promise<void> {
  try {
    await aptDownload(debs, [], progress);
    return;
  } catch {
    progress("lua5.1: not in this machine's apt package lists; reading fresh lists into a private directory");
  }
  const state = join(staging, "apt-state");
  const cache = join(staging, "apt-cache");
  mkdirSync(join(state, "lists", "partial"), { recursive: true });
  mkdirSync(join(cache, "archives", "partial"), { recursive: true });
  const privateLists = ["-o", `Dir::State=${state}`, "-o", `Dir::Cache=${cache}`];
  await runCommand("apt-get", [...privateLists, "update"], { cwd: debs, timeoutMs: 5 * 60_000 });
  await aptDownload(debs, privateLists, progress);
}

/** The pinned version if apt has it, else the version apt offers. */
async function aptDownload(cwd: string, aptOptions: readonly string[], progress: (line: string) => void): Promise<void> {
  try {
    await runCommand("apt-get", [...aptOptions, "download", ...packages.map((name) => `${name}=${pinnedLuaPackageVersion}`)], { cwd });
  } catch {
    progress(`lua5.1: ${pinnedLuaPackageVersion} is not offered by these apt sources; trying the version they offer`);
    await runCommand("apt-get", [...aptOptions, "download", ...packages], { cwd });
  }
}

async function systemInterpreter(): Promise<LuaInterpreter | undefined> {
  const candidate: LuaInterpreter = { binary: "lua5.1", libraryDir: undefined, version: "system" };
  try {
    await runLua(candidate, ["-e", "assert(_VERSION == 'Lua 5.1')"]);
    return candidate;
  } catch {
    return undefined;
  }
}

/**
 * A Lua expression that evaluates to the same data as the JSON value: objects and arrays become tables (arrays
 * 1-based), null becomes nil. This is how Argo CD hands a Kubernetes object to a health script.
 */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${String(value)} has no JSON or Lua literal`);
    return String(value);
  }
  if (typeof value === "string") return luaString(value);
  if (Array.isArray(value)) return `{${value.map((item) => toLuaLiteral(item)).join(", ")}}`;
  if (typeof value === "object") {
    const fields = Object.entries(value).map(([key, item]) => `[${luaString(key)}] = ${toLuaLiteral(item)}`);
    return `{${fields.join(", ")}}`;
  }
  throw new TypeError(`a ${typeof value} is not JSON data`);
}

/** A double-quoted Lua 5.1 string; control characters and non-ASCII UTF-8 bytes become decimal escapes. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (byte >= 0x20 && byte < 0x7f) out += char;
    else out += `\\${byte.toString(10).padStart(3, "0")}`;
  }
  return `${out}"`;
}
