import { describe, expect, it } from "vitest";
import { toAwsError } from "../../../src/aws/errors.ts";
import { isTerminal } from "../../../src/controller/reconciler.ts";
import { AccessDeniedError, asReconcileError } from "../../../src/reconcile/errors.ts";

describe("asReconcileError", () => {
  it("turns AWS AccessDenied into a terminal error that names the IAM action", () => {
    const denied = Object.assign(new Error("User is not authorized"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    const error = asReconcileError(toAwsError(denied, "s3", "PutBucketPolicy"));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(isTerminal(error)).toBe(true);
    expect((error as AccessDeniedError).reason).toBe("AccessDenied");
    expect((error as AccessDeniedError).message).toMatch(/^access denied for s3:PutBucketPolicy: /);
  });

  it("leaves retryable failures alone", () => {
    const throttled = toAwsError(Object.assign(new Error("slow down"), { name: "Throttling", $metadata: { httpStatusCode: 400 } }), "cloudfront", "GetDistribution");
    expect(asReconcileError(throttled)).toBe(throttled);
    expect(isTerminal(throttled)).toBe(false);
  });
});
