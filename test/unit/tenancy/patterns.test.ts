// Glob patterns, label selectors and the consent tag's format.
import { describe, expect, it } from "vitest";
import { consentGranted, isValidTagValue, valueWithConsumer } from "../../../src/tenancy/consent.ts";
import { isUnderDomain, matchesPattern } from "../../../src/tenancy/patterns.ts";

describe("matchesPattern", () => {
  it.each([
    ["courses-*", "courses-content", true],
    ["courses-*", "courses-", true],
    ["courses-*", "my-courses-content", false],
    ["*-content", "courses-content", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYbZc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    ["*", "anything.at-all", true],
    ["a.b*", "aXb", false],
  ])("%s matches %s: %s", (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });
});

describe("isUnderDomain", () => {
  it("takes the suffix itself and names under it, not names that merely end with its letters", () => {
    expect(isUnderDomain("example.com", "example.com")).toBe(true);
    expect(isUnderDomain("a.b.example.com", "example.com")).toBe(true);
    expect(isUnderDomain("badexample.com", "example.com")).toBe(false);
  });
});

describe("the consent tag", () => {
  it("grants a namespace of a cluster by name, or every namespace of the cluster with @all", () => {
    expect(consentGranted("prod/learning prod/media", "prod", "learning")).toBe(true);
    expect(consentGranted("prod/media  staging/@all", "staging", "anything")).toBe(true);
    expect(consentGranted("prod/media staging/@all", "prod", "learning")).toBe(false);
    expect(consentGranted("other-prod/learning", "prod", "learning")).toBe(false);
    expect(consentGranted(undefined, "prod", "learning")).toBe(false);
    expect(consentGranted("@all/@all", "prod", "learning")).toBe(false);
  });

  it("says which value adds a consumer, and none when it would not fit in a tag", () => {
    expect(valueWithConsumer(undefined, "prod", "learning")).toBe("prod/learning");
    expect(valueWithConsumer("prod/media", "prod", "learning")).toBe("prod/media prod/learning");
    expect(valueWithConsumer("x".repeat(250), "prod", "learning")).toBeUndefined();
  });

  it("checks S3's tag value characters", () => {
    expect(isValidTagValue("prod/learning staging/@all a_b.c:d=e+f-g@h")).toBe(true);
    expect(isValidTagValue("staging/*")).toBe(false);
    expect(isValidTagValue("prod/learning,staging")).toBe(false);
    expect(isValidTagValue("a".repeat(257))).toBe(false);
  });
});
