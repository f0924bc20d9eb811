// A process's memory and CPU time from /proc: resident set size now and at its peak (VmRSS, VmHWM, kept by the
// kernel, so no sample is missed), and user + system CPU time.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** The anonymous part of RSS (heap, buffers); the rest is mostly the node binary's pages, shared and reclaimable. */
  readonly anonBytes: number;
}

/** VmRSS, VmHWM and RssAnon of a /proc/<pid>/status text. */
export function parseProcStatus(text: string): ProcessMemory {
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
    if (match?.[1] === undefined) throw new Error(`no ${field} in /proc status`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib("VmRSS"), peakRssBytes: kib("VmHWM"), anonBytes: kib("RssAnon") };
}

/** utime + stime, in clock ticks, of a /proc/<pid>/stat line (the command name may hold spaces and parens). */
export function parseProcStatTicks(text: string): number {
  const fields = text.slice(text.lastIndexOf(")") + 2).trim().split(/\s+/);
  // After the name: state is field 3 of the whole line; utime and stime are fields 14 and 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error("malformed /proc stat line");
  return utime + stime;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const reported = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    ticksPerSecond = Number.isFinite(reported) && reported > 0 ? reported : 100;
  }
  return ticksPerSecond;
}

export interface ProcessUsage extends ProcessMemory {
  readonly cpuSeconds: number;
}

/** Reads the process's memory and CPU time now. */
export function processUsage(pid: number): ProcessUsage {
  const memory = parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
  const ticks = parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
  return { ...memory, cpuSeconds: ticks / clockTicks() };
}

/** Pids of the processes whose command line mentions `text` (e.g. etcd and kube-apiserver of one run folder). */
export function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The CPU seconds used so far by these processes together; ones that have exited count as zero. */
export function cpuSecondsOf(pids: readonly number[]): number {
  let seconds = 0;
  for (const pid of pids) {
    try {
      seconds += parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8")) / clockTicks();
    } catch {
      // exited
    }
  }
  return seconds;
}
