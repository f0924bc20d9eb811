// The reconciler contract: level-triggered, keyed by namespace/name, told how to continue by its result or
// its error. A temporary error (or any error outside the taxonomy in src/errors.ts) means "retry with backoff",
// or after the delay it asks for; a permanent one means "stop until something changes".

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

export const done: ReconcileResult = {};
