// The Accepted condition a class reports: False with the parser's message for a class the operator cannot read,
// True otherwise, noting a clash of default classes and a role it does not use yet.
import { describe, expect, it } from "vitest";
import { acceptedCondition } from "../../../src/reconcile/class-status.ts";

function classObject(spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { metadata: { name: "courses", uid: "u", resourceVersion: "1", generation: 3, ...(annotations === undefined ? {} : { annotations }) }, spec };
}

const valid = { namespaces: { from: "All" }, buckets: { namePatterns: ["courses-*"] }, userPools: ["us-east-1_AbC"] };

describe("acceptedCondition", () => {
  it("accepts a valid class, at its generation", () => {
    expect(acceptedCondition(classObject(valid), [])).toEqual({
      type: "Accepted",
      status: "True",
      reason: "Accepted",
      message: "the operator uses this class",
      observedGeneration: 3,
    });
  });

  it("refuses with InvalidSpec a class that does not parse (one written before the CRD's rules, say)", () => {
    const condition = acceptedCondition(classObject({ ...valid, userPools: [] }), []);
    expect(condition).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(condition.message).toContain("spec.userPools: must list at least one user pool");
  });

  it("notes when it is one of several default classes, and the role its resources are managed as", () => {
    const condition = acceptedCondition(
      classObject({ ...valid, aws: { roleArn: "arn:aws:iam::111122223333:role/tenant", edgeFunctionRoleArn: "arn:aws:iam::111122223333:role/securedcontent-edge" } }, { "securedcontent.io/is-default-class": "true" }),
      ["courses", "other"],
    );
    expect(condition.status).toBe("True");
    expect(condition.message).toContain("2 classes are annotated securedcontent.io/is-default-class (courses, other)");
    expect(condition.message).toContain("its resources are managed as arn:aws:iam::111122223333:role/tenant, assumed through STS");
  });
});
