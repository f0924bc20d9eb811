// deploy/base installs with kubectl apply -k, and its RBAC grants the operator what it needs and no more.
// (dry-run.test.ts checks how the objects fit together; operator-rbac.test.ts runs the operator with them.)
import { describe, expect, inject, it } from "vitest";
import { join } from "node:path";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { z } from "zod";
import { operatorAccount, operatorCan } from "./service-account-operator.ts";

describe("deploy/base", () => {
  const env = inject("harness");

  it("applies with kubectl apply -k and grants least privilege to the operator's ServiceAccount", async () => {
    await kubectl(env, ["apply", "-k", join(repoRoot, "deploy", "base")]);
    const can = (...args: string[]): Promise<boolean> => operatorCan(env, args);
    const allowed = async (attributes: { verb: string; group: string; resource: string; subresource?: string }): Promise<boolean> => {
      const review = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: operatorAccount.user, groups: ["system:serviceaccounts", `system:serviceaccounts:${operatorAccount.namespace}`, "system:authenticated"], resourceAttributes: attributes } };
      const answer = z.object({ status: z.object({ allowed: z.boolean() }) });
      return answer.parse(JSON.parse(await kubectl(env, ["create", "-f", "-", "-o", "json"], { input: JSON.stringify(review) }))).status.allowed;
    };
    expect(await can("watch", "securedcontentbuckets.securedcontent.io", "--all-namespaces")).toBe(true);
    expect(await can("patch", "securedcontentbuckets.securedcontent.io", "--subresource=status", "-n", "learning")).toBe(true);
    // kubectl auth can-i cannot name a resource whose CRD is not installed: ask the authorizer directly.
    expect(await allowed({ verb: "watch", group: "securedcontent.io", resource: "securedcontentclasses" })).toBe(true);
    expect(await allowed({ verb: "patch", group: "securedcontent.io", resource: "securedcontentclasses", subresource: "status" })).toBe(true);
    expect(await allowed({ verb: "patch", group: "securedcontent.io", resource: "securedcontentclasses" })).toBe(false);
    expect(await allowed({ verb: "update", group: "securedcontent.io", resource: "securedcontentclasses", subresource: "status" })).toBe(false);
    expect(await can("watch", "namespaces")).toBe(true);
    expect(await can("get", "namespaces/kube-system")).toBe(true);
    expect(await can("create", "events", "-n", "learning")).toBe(true);
    expect(await can("create", "configmaps", "-n", "learning")).toBe(true);
    expect(await can("update", "leases.coordination.k8s.io", "-n", "securedcontent-system")).toBe(true);

    expect(await can("update", "leases.coordination.k8s.io", "-n", "kube-system")).toBe(false);
    // The operator patches; it never replaces its resources or their status, nor reads status on its own.
    expect(await can("update", "securedcontentbuckets.securedcontent.io", "-n", "learning")).toBe(false);
    expect(await can("update", "securedcontentbuckets.securedcontent.io", "--subresource=status", "-n", "learning")).toBe(false);
    expect(await can("update", "securedcontentbuckets.securedcontent.io", "--subresource=finalizers", "-n", "learning")).toBe(false);
    expect(await can("delete", "securedcontentbuckets.securedcontent.io", "-n", "learning")).toBe(false);
    expect(await can("patch", "namespaces")).toBe(false);
    expect(await can("get", "secrets", "-n", "learning")).toBe(false);
    expect(await can("delete", "configmaps", "-n", "learning")).toBe(false);
    expect(await can("create", "pods", "-n", "securedcontent-system")).toBe(false);
  });
});
