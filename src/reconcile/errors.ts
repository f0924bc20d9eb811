// Reconcile failures a human must resolve. Each is terminal (no retry storm) and names the condition reason.
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
