// The AWS emulator: moto in server mode on a loopback port, launched by the project's own serve.py so that
// the fidelity patches in test/harness/moto/patches are applied before the first request.
//
// The virtualenv is built once per machine in the cache outside the work tree, keyed by a hash of the pinned
// requirements and the Python version, so a pin bump or a new Python rebuilds it and nothing else does.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot, repoRoot } from "./paths.ts";
import { freePort } from "./ports.ts";
import { startProcess, type ManagedProcess } from "./process.ts";
import { waitFor } from "./wait.ts";

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface MotoOptions {
  readonly runDir: string;
  readonly progress: (line: string) => void;
  /** GetDistribution reads until a created or updated distribution reports Deployed (serve.py's default: 2). */
  readonly deployAfterReads?: number;
  /**
   * Patches to leave out (serve.py --disable-patch); a realistic-mode patch named here starts switched off
   * instead and can be switched on at run time (see test/harness/moto/README.md).
   */
  readonly disabledPatches?: readonly string[];
}

const motoDir = join(repoRoot, "test/harness/moto");
const requirementsFile = join(motoDir, "requirements.txt");
const startTimeoutMs = 60_000;

/** Returns the virtualenv's python, creating the virtualenv first if this machine has none for these pins. */
export async function ensureMotoVenv(progress: (line: string) => void): Promise<string> {
  const requirements = readFileSync(requirementsFile, "utf8");
  // moto 5.2.5 needs Python 3.10 or later; say so here rather than through a pip resolver error.
  const probe = "import sys; print(sys.version_info >= (3, 10)); print(sys.version)";
  const [supported, pythonVersion = ""] = (await run("python3", ["-c", probe])).trim().split("\n");
  if (supported !== "True") throw new Error(`moto needs Python 3.10 or later on PATH as python3; found ${pythonVersion}`);
  const key = createHash("sha256").update(requirements).update("\n").update(pythonVersion).digest("hex").slice(0, 16);
  const dir = join(cacheRoot(), "moto-venv", key);
  const python = join(dir, "bin", "python");
  if (existsSync(python)) return python;

  const started = Date.now();
  progress(`moto: creating virtualenv (once per machine) with Python ${pythonVersion.split(" ")[0] ?? "3"} ...`);
  // Built under another name and renamed when complete, so a killed build never leaves a broken cache entry.
  // Only `bin/python -m ...` is used afterwards, which keeps working after the rename.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(cacheRoot(), "moto-venv"), { recursive: true });
  await run("python3", ["-m", "venv", partial]);
  progress("moto: installing the pinned packages from requirements.txt ...");
  await run(join(partial, "bin", "python"), [
    "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", requirementsFile,
  ]);
  await run(join(partial, "bin", "python"), ["-c", "import moto.server"]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  progress(`moto: virtualenv ready in ${Math.round((Date.now() - started) / 1000)} s, cached in ${dir}`);
  return python;
}

export async function startMoto(options: MotoOptions): Promise<MotoServer> {
  const python = await ensureMotoVenv(options.progress);
  const port = await freePort();
  const logs = join(options.runDir, "logs");
  mkdirSync(logs, { recursive: true });
  const args = [join(motoDir, "serve.py"), "--host", "127.0.0.1", "--port", String(port)];
  if (options.deployAfterReads !== undefined) args.push("--deploy-after-reads", String(options.deployAfterReads));
  for (const name of options.disabledPatches ?? []) args.push("--disable-patch", name);
  const moto = startProcess({ name: "moto", command: python, args, logFile: join(logs, "moto.log"), env: motoEnv(), cwd: motoDir });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { what: `moto to answer on ${endpoint}`, timeoutMs: startTimeoutMs, intervalMs: 100, abortIf: exitedError(moto) },
    );
  } catch (error) {
    await moto.stop();
    throw error;
  }
  options.progress(`moto: ready at ${endpoint} (log: ${moto.logFile})`);
  return { endpoint, port, stop: () => moto.stop() };
}

/**
 * Empties every service's state and turns IAM enforcement off, so every file starts as the account's
 * administrator. Launch settings such as the deployment length survive.
 */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST", signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (!response.ok) throw new Error(`POST ${endpoint}/moto-api/reset answered ${response.status}: ${body.slice(0, 500)}`);
  await setIamEnforcement(endpoint, false);
}

/**
 * Turns IAM enforcement on or off for this moto process, through moto's own switch (POST /moto-api/reset-auth
 * sets INITIAL_NO_AUTH_ACTION_COUNT: 0 enforces from the next request, inf never). With it on, requests signed
 * by IAM users or roles created in moto are authorized against their policies under the real IAM action names
 * (the iam_enforcement and cloudfront_caller_permissions patches); the harness's own credentials
 * (emulatorCredentials) stay the account's root user. resetMoto turns it off again.
 */
export async function setIamEnforcement(endpoint: string, on: boolean): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf", signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${endpoint}/moto-api/reset-auth answered ${response.status}: ${text.slice(0, 500)}`);
}

/** One authorization the emulator decided for an IAM user or role (never for the root credentials). */
export interface IamDecision {
  readonly principal: string;
  readonly service: string;
  /** The API operation, or "on the caller's behalf" for what CloudFront checks while changing a distribution. */
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly decision: "allow" | "explicit-deny" | "implicit-deny";
  /** The Sid of the statement that decided ("#<index>" without a Sid); "" for an implicit deny. */
  readonly statement: string;
}

/** Every authorization decided since the last reset, oldest first. */
export async function iamDecisions(endpoint: string): Promise<IamDecision[]> {
  const response = await fetch(`${endpoint}/moto-api/harness/iam/decisions`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${endpoint}/moto-api/harness/iam/decisions answered ${response.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { decisions: IamDecision[] }).decisions;
}

/**
 * Overrides, for this moto process, how one of its modelled transitions progresses (for example how long a
 * distribution deploys, or how long edge replicas linger), through moto's state manager. Reset leaves it.
 */
export async function setMotoTransition(endpoint: string, model: string, transition: Record<string, unknown>): Promise<void> {
  await stateManager(endpoint, "set-transition", { model_name: model, transition });
}

/** Goes back to the transition the launcher registered for the model. */
export async function unsetMotoTransition(endpoint: string, model: string): Promise<void> {
  await stateManager(endpoint, "unset-transition", { model_name: model });
}

async function stateManager(endpoint: string, verb: string, body: object): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/state-manager/${verb}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${endpoint}/moto-api/state-manager/${verb} answered ${response.status}: ${text.slice(0, 500)}`);
}

/**
 * The caller's environment without moto's own settings, so a stray INITIAL_NO_AUTH_ACTION_COUNT or MOTO_*
 * variable in a developer's shell cannot change what the tests see.
 */
function motoEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("MOTO_") || name === "INITIAL_NO_AUTH_ACTION_COUNT" || name === "TEST_SERVER_MODE") continue;
    env[name] = value;
  }
  return { ...env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" };
}

function exitedError(p: ManagedProcess): () => Error | undefined {
  return () => {
    const reason = p.exitReason();
    return reason === undefined ? undefined : new Error(`${p.name} ${reason}; last log lines:\n${p.logTail()}`);
  };
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let outputTail = "";
    const keepTail = (chunk: string): void => { outputTail = (outputTail + chunk).slice(-4_000); };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; keepTail(chunk); });
    child.stderr.setEncoding("utf8").on("data", keepTail);
    child.once("error", (error) => { reject(new Error(`could not run ${command} (is Python 3 installed?): ${error.message}`)); });
    child.once("close", (code) => {
      if (code === 0) resolveRun(stdout);
      else reject(new Error(`${command} ${args.join(" ")} failed with code ${String(code)}:\n${outputTail}`));
    });
  });
}
