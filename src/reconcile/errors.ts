// Reconcile failures a human must resolve. Each is terminal (no retry storm) and names the condition reason.
import { AwsError } from "../aws/errors.ts";
import { TerminalError } from "../controller/reconciler.ts";

export class OwnershipConflictError extends TerminalError {
  readonly owner: string;
  constructor(bucket: string, owner: string) {
    super("OwnershipConflict", `bucket ${bucket} is claimed by ${owner}; it is left untouched until that claim is released`);
    this.name = "OwnershipConflictError";
    this.owner = owner;
  }
}

export class BucketNotFoundError extends TerminalError {
  constructor(bucket: string, region: string) {
    super("BucketNotFound", `bucket ${bucket} does not exist in ${region}; create it first (the operator never creates or deletes buckets)`);
    this.name = "BucketNotFoundError";
  }
}

/** AWS refused an action: the message names it, so the operator's IAM policy can be fixed. */
export class AccessDeniedError extends TerminalError {
  constructor(action: string, detail: string) {
    super("AccessDenied", `access denied for ${action}: ${detail}`);
    this.name = "AccessDeniedError";
  }
}

/**
 * AWS's AccessDenied is not fixed by retrying: it becomes a terminal AccessDeniedError naming the IAM action
 * (service:Operation). Everything else passes through unchanged.
 */
export function asReconcileError(error: unknown): unknown {
  if (error instanceof AwsError && error.code === "AccessDenied") {
    return new AccessDeniedError(`${error.service}:${error.operation}`, error.message);
  }
  return error;
}
