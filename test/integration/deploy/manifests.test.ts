// deploy/base installs with kubectl apply -k, and its RBAC grants the operator what it needs and no more.
import { describe, expect, inject, it } from "vitest";
import { join } from "node:path";
import { kubectl } from "../../harness/kubectl.ts";
import { repoRoot } from "../../harness/paths.ts";

const operator = "system:serviceaccount:securedcontent-system:securedcontent";

describe("deploy/base", () => {
  const env = inject("harness");

  it("applies with kubectl apply -k and grants least privilege to the operator's ServiceAccount", async () => {
    await kubectl(env, ["apply", "-k", join(repoRoot, "deploy", "base")]);
    const can = async (...args: string[]): Promise<boolean> => {
      try {
        return (await kubectl(env, ["auth", "can-i", "--as", operator, ...args])).trim() === "yes";
      } catch {
        return false; // kubectl exits 1 for "no"
      }
    };
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

    const deployment = JSON.parse(await kubectl(env, ["get", "deployment", "-n", "securedcontent-system", "securedcontent", "-o", "json"])) as {
      spec: { replicas: number; template: { spec: { securityContext: { runAsNonRoot: boolean }; containers: { securityContext: { readOnlyRootFilesystem: boolean } }[] } } };
    };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.template.spec.containers[0]?.securityContext.readOnlyRootFilesystem).toBe(true);
  });
});
