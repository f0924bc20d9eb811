// The operator's one error taxonomy, in the spirit of kopf: a failure is either permanent (only a change to the
// resource, its environment or AWS can fix it: the resource goes Stalled with the error's reason, and is looked
// at again on its next change or resync) or temporary (retried with backoff, or after the delay the error asks
// for). The controller reads nothing else. Errors that are neither, such as a bug or a network failure, count
// as temporary.

export interface OperatorErrorFields {
  /** A CamelCase reason for the Stalled or Reconciling condition, such as OwnershipConflict. */
  readonly reason: string;
  readonly message: string;
}

export abstract class OperatorError extends Error {
  abstract readonly permanent: boolean;
  readonly reason: string;

  constructor(fields: OperatorErrorFields, options?: ErrorOptions) {
    super(fields.message, options);
    this.name = new.target.name;
    this.reason = conditionReason(fields.reason);
  }
}

/** Retrying cannot fix it; a human must change something first. */
export class PermanentError extends OperatorError {
  readonly permanent = true;
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super({ reason, message }, options);
  }
}

/** Worth retrying: with the work queue's backoff, or after `delayMs` when the error knows better. */
export class TemporaryError extends OperatorError {
  readonly permanent = false;
  readonly delayMs: number | undefined;
  constructor(reason: string, message: string, options?: ErrorOptions & { readonly delayMs?: number }) {
    super({ reason, message }, options);
    this.delayMs = options?.delayMs;
  }
}

export function isPermanent(error: unknown): boolean {
  return error instanceof OperatorError && error.permanent;
}

/** The condition reason for any failure: the error's own, or a generic one for errors outside the taxonomy. */
export function failureReason(error: unknown): string {
  return error instanceof OperatorError ? error.reason : "RetryingAfterError";
}

/** The delay a temporary error asks for, if any. */
export function requestedDelayMs(error: unknown): number | undefined {
  return error instanceof TemporaryError ? error.delayMs : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * metav1.Condition reasons are CamelCase identifiers; AWS error codes nearly always are, and anything else is
 * made to fit rather than rejected by the API server.
 */
function conditionReason(reason: string): string {
  const cleaned = reason.replace(/[^A-Za-z0-9_,:]/g, "");
  const start = cleaned.replace(/^[^A-Za-z]+/, "");
  const trimmed = start.replace(/[,:]+$/, "").slice(0, 1024);
  return trimmed === "" ? "Failed" : trimmed;
}
