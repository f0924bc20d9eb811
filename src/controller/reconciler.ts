// The reconciler contract: level-triggered, keyed by namespace/name, told how to continue by its result or
// its error. A plain error means "retry with backoff"; a TerminalError means "stop until something changes".

export interface ReconcileRequest {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ReconcileResult {
  /** Reconcile this key again after the delay, e.g. while a deployment is in progress. */
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(request: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult>;
}

/**
 * An error that retrying cannot fix (an invalid spec, missing permissions, a conflict a human must resolve).
 * The key is not retried with backoff; it is reconciled again on its next change or resync.
 */
export class TerminalError extends Error {
  readonly terminal = true;
  readonly reason: string;
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TerminalError";
    this.reason = reason;
  }
}

export function isTerminal(error: unknown): boolean {
  return typeof error === "object" && error !== null && "terminal" in error && error.terminal === true;
}

export const requeueAfter = (ms: number): ReconcileResult => ({ requeueAfterMs: ms });
export const done: ReconcileResult = {};
