// Bounded polling: every wait in the harness has a deadline and says what it was waiting for.
import { setTimeout as sleep } from "node:timers/promises";

export class WaitTimeoutError extends Error {
  readonly code = "WaitTimeout";
  constructor(what: string, timeoutMs: number, lastError: unknown) {
    const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
    super(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    this.name = "WaitTimeoutError";
  }
}

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Stops the wait early, e.g. when the process being waited on has exited. */
  readonly abortIf?: () => Error | undefined;
}

/** Calls `probe` until it returns a value other than undefined, or throws after the deadline. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const aborted = options.abortIf?.();
    if (aborted) throw aborted;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(interval);
  }
  throw new WaitTimeoutError(options.what, options.timeoutMs, lastError);
}
