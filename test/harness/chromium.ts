// The browser the browser tests drive: Debian's chromium package, installed system-wide by apt when missing
// (so it is cached by being installed), never a browser download of a test library's own.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export const chromiumPath = "/usr/bin/chromium";

const aptTimeoutMs = 15 * 60_000;

/** Runs one apt-get command, passing its output lines to progress; rejects on a non-zero exit or a timeout. */
function aptGet(args: readonly string[], progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("apt-get", [...args], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: aptTimeoutMs,
    });
    let pending = "";
    const onData = (chunk: Buffer): void => {
      const lines = (pending + chunk.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") progress(`chromium: apt-get ${args[0] ?? ""}: ${line.trim()}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`apt-get ${args.join(" ")} failed (${signal ?? `exit ${String(code)}`})`));
    });
  });
}

/** The path of Debian's Chromium, installing the package first when it is missing (as root, as CI runs). */
export async function ensureChromium(progress: (line: string) => void): Promise<string> {
  if (existsSync(chromiumPath)) return chromiumPath;
  if (process.getuid?.() !== 0) {
    throw new Error(`the browser tests need Debian's chromium package at ${chromiumPath}: run "apt-get install -y chromium" as root`);
  }
  progress("chromium: installing Debian's chromium package for the browser tests (once per machine)");
  const started = Date.now();
  await aptGet(["update", "-q"], progress);
  await aptGet(["install", "-y", "-q", "chromium"], progress);
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium, but ${chromiumPath} is missing`);
  progress(`chromium: installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return chromiumPath;
}
