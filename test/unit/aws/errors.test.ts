import { describe, expect, it } from "vitest";
import { AwsError, toAwsError } from "../../../src/aws/errors.ts";

function sdkError(name: string, status: number | undefined): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

describe("toAwsError", () => {
  it.each([
    ["AccessDenied", 403, "AccessDenied"],
    ["AccessDeniedException", 403, "AccessDenied"],
    ["Throttling", 400, "Throttled"],
    ["TooManyRequestsException", 429, "Throttled"],
    ["SlowDown", 503, "Throttled"],
    ["PreconditionFailed", 412, "PreconditionFailed"],
    ["NoSuchBucketPolicy", 404, "NotFound"],
    ["ResourceNotFoundException", 404, "NotFound"],
    ["NoSuchOriginAccessControl", 404, "NotFound"],
    ["DistributionNotDisabled", 409, "Conflict"],
    ["InternalError", 500, "Transient"],
    ["InvalidArgument", 400, "InvalidRequest"],
  ] as const)("maps %s (HTTP %s) to %s", (name, status, code) => {
    const error = toAwsError(sdkError(name, status), "s3", "PutBucketPolicy");
    expect(error).toBeInstanceOf(AwsError);
    expect(error.code).toBe(code);
    expect(error.awsCode).toBe(name);
    expect(error.message).toBe(`s3:PutBucketPolicy failed with ${name}: ${name} happened`);
  });

  it("treats a failure with no HTTP response as transient and retryable", () => {
    const error = toAwsError(new Error("connect ECONNREFUSED"), "lambda", "GetFunction");
    expect(error.code).toBe("Transient");
    expect(error.retryable).toBe(true);
  });

  it("does not retry what needs a change first", () => {
    expect(toAwsError(sdkError("AccessDenied", 403), "s3", "x").retryable).toBe(false);
    expect(toAwsError(sdkError("InvalidArgument", 400), "s3", "x").retryable).toBe(false);
  });
});
