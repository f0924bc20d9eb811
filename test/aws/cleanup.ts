// Everything a conformance run creates is registered here the moment it exists, and removed in reverse order at
// the end: after success, after a failure, and on Ctrl-C or SIGTERM.

export interface Leftover {
  readonly what: string;
  /** What to do about it by hand. */
  readonly instructions: string;
}

function isLeftover(value: unknown): value is Leftover {
  return typeof value === "object" && value !== null && "what" in value && "instructions" in value;
}

interface Entry {
  readonly what: string;
  readonly remove: () => Promise<Leftover | undefined>;
}

export interface CleanupReport {
  readonly removed: readonly string[];
  readonly leftovers: readonly Leftover[];
}

export class CleanupList {
  readonly #entries: Entry[] = [];
  #running: Promise<CleanupReport> | undefined;

  /**
   * Registers the removal of something just created. `remove` may return a Leftover when it cannot remove it
   * yet (a replicated Lambda@Edge function); a throw is recorded as a leftover with the error.
   */
  add(what: string, remove: () => Promise<unknown>): void {
    this.#entries.push({ what, remove: async () => {
      const result = await remove();
      return isLeftover(result) ? result : undefined;
    } });
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Removes everything, newest first; runs once, later calls get the same report. */
  run(log: (line: string) => void): Promise<CleanupReport> {
    this.#running ??= (async () => {
      const removed: string[] = [];
      const leftovers: Leftover[] = [];
      for (const entry of [...this.#entries].reverse()) {
        try {
          const leftover = await entry.remove();
          if (leftover === undefined) {
            removed.push(entry.what);
            log(`cleanup: removed ${entry.what}`);
          } else {
            leftovers.push(leftover);
            log(`cleanup: LEFT ${leftover.what}: ${leftover.instructions}`);
          }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          leftovers.push({ what: entry.what, instructions: `removal failed (${message}); remove it by hand` });
          log(`cleanup: FAILED to remove ${entry.what}: ${message}`);
        }
      }
      return { removed, leftovers };
    })();
    return this.#running;
  }
}
