import { describe, expect, it } from "vitest";
import {
  edgeFunctionName,
  fitted,
  legacyEdgeFunctionName,
  legacyOwnerKey,
  legacyPolicyStatementId,
  limits,
  originAccessControlName,
  ownerKey,
  ownershipTags,
  policyStatementId,
} from "../../../src/reconcile/common/naming.ts";

const clusterUid = "5f3c2b10-aaaa-4bbb-8ccc-0123456789ab";
const owner = { cluster: "prod-eu", clusterUid, namespace: "learning", name: "courses", uid: "0b7e3c1a-1111-2222-3333-444455556666" };

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

  it("tells apart two clusters of one CLUSTER_NAME by the cluster uid, in every name, key and statement id", () => {
    const twin = { ...owner, clusterUid: "77aa0c3e-dddd-4eee-8fff-ba9876543210", uid: "1c8f4d2b-5555-6666-7777-888899990000" };
    expect(edgeFunctionName(twin)).not.toBe(edgeFunctionName(owner));
    expect(ownerKey(twin)).not.toBe(ownerKey(owner));
    expect(policyStatementId(twin)).not.toBe(policyStatementId(owner));
    // The names and keys written before the cluster uid: the same for both, which is why they prove nothing.
    expect(legacyEdgeFunctionName(twin)).toBe(legacyEdgeFunctionName(owner));
    expect(legacyOwnerKey(twin)).toBe(legacyOwnerKey(owner));
    expect(legacyPolicyStatementId(twin)).toBe(legacyPolicyStatementId(owner));
    expect(legacyEdgeFunctionName(owner)).not.toBe(edgeFunctionName(owner));
  });

  it("fits what it writes into AWS's length limits, deterministically and keeping long texts distinct", () => {
    expect(fitted("short", 128)).toBe("short");
    const long = "a".repeat(300);
    expect(fitted(long, 128)).toHaveLength(128);
    expect(fitted(long, 128)).toBe(fitted(long, 128));
    expect(fitted(`${long}b`, 128)).not.toBe(fitted(`${long}c`, 128));
    // The longest owner key: a 64-character cluster name, a 63-character namespace and a 253-character name.
    const longest = { cluster: "c".repeat(64), clusterUid, namespace: "n".repeat(63), name: "x".repeat(253), uid: owner.uid };
    expect(ownerKey(longest).length).toBe(limits.tagValue);
    // The uids come first, so cutting never touches them.
    expect(ownerKey(longest).startsWith(`${clusterUid}/${owner.uid}/`)).toBe(true);
    expect(ownershipTags(longest)["securedcontent.io/owner"]).toBe(ownerKey(longest));
    expect(ownerKey(owner)).toBe(`${clusterUid}/${owner.uid}/prod-eu/learning/courses`);
    expect(legacyOwnerKey(owner)).toBe("prod-eu/learning/courses");
  });

  it("tags created resources with the cluster, its uid, the CR and its uid", () => {
    expect(ownershipTags(owner)).toEqual({
      "securedcontent.io/owner": `${clusterUid}/${owner.uid}/prod-eu/learning/courses`,
      "securedcontent.io/cluster": "prod-eu",
      "securedcontent.io/cluster-uid": clusterUid,
      "securedcontent.io/namespace": "learning",
      "securedcontent.io/name": "courses",
      "securedcontent.io/uid": owner.uid,
    });
  });
});
