// Failures shared by the AWS concerns: something this resource would touch belongs to someone else.
import { PermanentError } from "../../errors.ts";

export class OwnershipConflictError extends PermanentError {
  readonly owner: string;
  /** `what` names the resource, such as "bucket courses" or "edge function scb-edge-...". */
  constructor(what: string, owner: string) {
    super("OwnershipConflict", `${what} is claimed by ${owner}; it is left untouched until that claim is released`);
    this.owner = owner;
  }
}
