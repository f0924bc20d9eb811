import { describe, expect, it } from "vitest";
import { edgeFunctionName, fitted, limits, originAccessControlName, ownerKey, ownershipTags, policyStatementId } from "../../../src/reconcile/common/naming.ts";

const owner = { cluster: "prod-eu", namespace: "learning", name: "courses", uid: "0b7e3c1a-1111-2222-3333-444455556666" };

describe("naming", () => {
  it("derives stable, valid names from the cluster and the CR", () => {
    expect(originAccessControlName(owner)).toMatch(/^scb-learning-courses-[0-9a-f]{10}$/);
    expect(edgeFunctionName(owner)).toMatch(/^scb-edge-learning-courses-[0-9a-f]{10}$/);
    expect(policyStatementId(owner)).toMatch(/^SecuredContentCloudFrontRead[0-9a-f]{12}$/);
    expect(edgeFunctionName(owner)).toBe(edgeFunctionName({ ...owner, uid: "other" }));
  });

  it("keeps long names within AWS limits and distinct per cluster", () => {
    const long = { ...owner, namespace: "n".repeat(63), name: "x".repeat(253) };
    expect(originAccessControlName(long).length).toBeLessThanOrEqual(64);
    expect(edgeFunctionName(long)).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(edgeFunctionName(long)).not.toBe(edgeFunctionName({ ...long, cluster: "prod-us" }));
  });

  it("fits what it writes into AWS's length limits, deterministically and keeping long texts distinct", () => {
    expect(fitted("short", 128)).toBe("short");
    const long = "a".repeat(300);
    expect(fitted(long, 128)).toHaveLength(128);
    expect(fitted(long, 128)).toBe(fitted(long, 128));
    expect(fitted(`${long}b`, 128)).not.toBe(fitted(`${long}c`, 128));
    // The longest owner key: a 64-character cluster name, a 63-character namespace and a 253-character name.
    const longest = { cluster: "c".repeat(64), namespace: "n".repeat(63), name: "x".repeat(253) };
    expect(ownerKey(longest).length).toBe(limits.tagValue);
    expect(ownershipTags({ ...longest, uid: "u" })["securedcontent.io/owner"]).toBe(ownerKey(longest));
    expect(ownerKey(owner)).toBe("prod-eu/learning/courses");
  });

  it("tags created resources with the cluster, the CR and its uid", () => {
    expect(ownershipTags(owner)).toEqual({
      "securedcontent.io/owner": "prod-eu/learning/courses",
      "securedcontent.io/cluster": "prod-eu",
      "securedcontent.io/namespace": "learning",
      "securedcontent.io/name": "courses",
      "securedcontent.io/uid": owner.uid,
    });
  });
});
