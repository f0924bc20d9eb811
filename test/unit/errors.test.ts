import { describe, expect, it } from "vitest";
import { failureReason, isPermanent, messageOf, PermanentError, requestedDelayMs, TemporaryError } from "../../src/errors.ts";

describe("the error taxonomy", () => {
  it("tells permanent from temporary failures, and treats unknown errors as temporary", () => {
    expect(isPermanent(new PermanentError("OwnershipConflict", "claimed"))).toBe(true);
    expect(isPermanent(new TemporaryError("JwksUnavailable", "timeout"))).toBe(false);
    expect(isPermanent(new Error("bug"))).toBe(false);
    expect(isPermanent("a string")).toBe(false);
  });

  it("gives the condition reason of an error, and a generic one for errors outside the taxonomy", () => {
    expect(failureReason(new PermanentError("BucketNotFound", "no bucket"))).toBe("BucketNotFound");
    expect(failureReason(new Error("bug"))).toBe("RetryingAfterError");
  });

  it("keeps only what a condition reason may hold", () => {
    expect(new PermanentError("Invalid.Argument-Value", "x").reason).toBe("InvalidArgumentValue");
    expect(new PermanentError("123", "x").reason).toBe("Failed");
    expect(new PermanentError("Code:", "x").reason).toBe("Code");
  });

  it("carries the delay a temporary error asks for", () => {
    expect(requestedDelayMs(new TemporaryError("Busy", "later", { delayMs: 5_000 }))).toBe(5_000);
    expect(requestedDelayMs(new TemporaryError("Busy", "later"))).toBeUndefined();
    expect(requestedDelayMs(new PermanentError("Busy", "never"))).toBeUndefined();
  });

  it("names the class and keeps the cause", () => {
    const cause = new Error("inner");
    const error = new PermanentError("InvalidSpec", "outer", { cause });
    expect(error.name).toBe("PermanentError");
    expect(error.cause).toBe(cause);
    expect(messageOf(error)).toBe("outer");
    expect(messageOf(42)).toBe("42");
  });
});
