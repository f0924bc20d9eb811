// Failures shared by the AWS concerns: something this resource would touch belongs to someone else.
import { PermanentError } from "../../errors.ts";

export class OwnershipConflictError extends PermanentError {
  /**
   * Who holds it, for administrators: the operator logs it with the error (the reconcile failure's log line
   * carries the error's fields). The message, which the tenant sees in status and Events, never names it:
   * another tenant's namespace and name are not this tenant's business.
   */
  readonly holder: string;
  /** `what` names the resource, such as "bucket courses" or "edge function scb-edge-...". */
  constructor(what: string, holder: string) {
    super(
      "OwnershipConflict",
      `${what} is claimed by another resource; it is left untouched until that claim is released (an administrator finds the holder in the operator's log)`,
    );
    this.holder = holder;
  }
}
