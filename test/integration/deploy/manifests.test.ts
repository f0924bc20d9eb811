// deploy/base installs with kubectl apply -k, and its RBAC grants the operator what it needs and no more.
// (dry-run.test.ts checks how the objects fit together; operator-rbac.test.ts runs the operator with them.)
import { describe, expect, inject, it } from "vitest";
import { join } from "node:path";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";
import { operatorCan } from "./service-account-operator.ts";

describe("deploy/base", () => {
  const env = inject("harness");

  it("applies with kubectl apply -k and grants least privilege to the operator's ServiceAccount", async () => {
    await kubectl(env, ["apply", "-k", join(repoRoot, "deploy", "base")]);
    const can = (...args: string[]): Promise<boolean> => operatorCan(env, args);
    expect(await can("watch", "securedcontentbuckets.securedcontent.io", "--all-namespaces")).toBe(true);
    expect(await can("patch", "securedcontentbuckets.securedcontent.io", "--subresource=status", "-n", "learning")).toBe(true);
    expect(await can("create", "events", "-n", "learning")).toBe(true);
    expect(await can("create", "configmaps", "-n", "learning")).toBe(true);
    expect(await can("update", "leases.coordination.k8s.io", "-n", "securedcontent-system")).toBe(true);

    expect(await can("update", "leases.coordination.k8s.io", "-n", "kube-system")).toBe(false);
    expect(await can("delete", "securedcontentbuckets.securedcontent.io", "-n", "learning")).toBe(false);
    expect(await can("get", "secrets", "-n", "learning")).toBe(false);
    expect(await can("delete", "configmaps", "-n", "learning")).toBe(false);
    expect(await can("create", "pods", "-n", "securedcontent-system")).toBe(false);
  });
});
