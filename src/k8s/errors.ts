// Errors from the Kubernetes API, carrying the HTTP status and the Status reason so callers can switch on them.

export class KubeApiError extends Error {
  readonly code = "KubeApiError";
  readonly status: number;
  /** metav1.Status reason, e.g. NotFound, Conflict, AlreadyExists, Expired, TooManyRequests. */
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** 410 Gone: the resourceVersion is too old to resume from; list again. */
export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 410;
}
