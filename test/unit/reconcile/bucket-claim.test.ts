import { describe, expect, it } from "vitest";
import { claimOf, withClaim, withoutClaim } from "../../../src/reconcile/bucket/claim.ts";
import { settingsOff } from "../../../src/reconcile/bucket/exposure.ts";
import { tagKeys } from "../../../src/reconcile/shared/naming.ts";

describe("the bucket claim", () => {
  const others = [{ Key: "team", Value: "learning" }, { Key: "aws:cloudformation:stack-name", Value: "site" }];

  it("is read from the owner tag", () => {
    expect(claimOf(others)).toBeUndefined();
    expect(claimOf([...others, { Key: tagKeys.owner, Value: "c/ns/n" }])).toBe("c/ns/n");
  });

  it("is set and removed keeping every other tag", () => {
    const claimed = withClaim([...others, { Key: tagKeys.owner, Value: "c/ns/old" }], "c/ns/new");
    expect(claimed).toEqual([...others, { Key: tagKeys.owner, Value: "c/ns/new" }]);
    expect(withoutClaim(claimed)).toEqual(others);
  });
});

describe("Block Public Access", () => {
  it("names the settings that are off, all four when the bucket has none", () => {
    expect(settingsOff(undefined)).toEqual(["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]);
    expect(settingsOff({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true })).toEqual(["BlockPublicPolicy"]);
    expect(settingsOff({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true })).toEqual([]);
  });
});
