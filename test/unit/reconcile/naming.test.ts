import { describe, expect, it } from "vitest";
import { edgeFunctionName, originAccessControlName, ownershipTags, policyStatementId } from "../../../src/reconcile/shared/naming.ts";

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
