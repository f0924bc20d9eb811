// Starts the harness's child processes so that none outlives the run: on normal exit, on Ctrl-C, and even
// when this process is killed outright (a watchdog shell ends the child's process group once we are gone).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited, with a description of how. */
  exitReason(): string | undefined;
  /** SIGTERM to the whole process group, SIGKILL after the grace period; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of the process's log, for error messages. */
  logTail(lines?: number): string;
}

const running = new Set<ManagedProcess>();
let handlersInstalled = false;

export function startProcess(spec: ProcessSpec): ManagedProcess {
  installExitHandlers();
  const log = openSync(spec.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ["ignore", log, log],
      detached: true, // its own process group, so stop() reaches any grandchildren too
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);

  let exitReason: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exitReason = signal === null ? `exited with code ${String(code)}` : `killed by ${signal}`;
      resolveExit();
    });
    child.once("error", (error) => {
      exitReason = `failed to start: ${error.message}`;
      resolveExit();
    });
  });
  startWatchdog(pid);

  const managed: ManagedProcess = {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exitReason: () => exitReason,
    logTail: (lines = 30) => tailOf(spec.logFile, lines),
    stop: async (graceMs = 5_000) => {
      running.delete(managed);
      if (exitReason !== undefined) return;
      signalGroup(pid, "SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!stopped) {
        signalGroup(pid, "SIGKILL");
        await exited;
      }
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process this module started, newest first. */
export async function stopAll(): Promise<void> {
  for (const managed of [...running].reverse()) await managed.stop();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A detached shell that polls once a second while both we and the child's group are alive, then ends the
 * group. It exits as soon as either is gone, so it is bounded by our own lifetime.
 */
function startWatchdog(childPid: number): void {
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 -- -${childPid} 2>/dev/null; do sleep 1; done`,
    `kill -TERM -- -${childPid} 2>/dev/null || exit 0`,
    `sleep 3`,
    `kill -KILL -- -${childPid} 2>/dev/null || true`,
  ].join("; ");
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", () => {
    for (const managed of running) signalGroup(managed.pid, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(130));
    });
  }
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "(no log)";
  }
}
