// The Argo CD health check in deploy/argocd, run by a real Lua 5.1 interpreter (Debian's lua5.1) against a
// SecuredContentBucket in each state, and installed into argocd-cm both ways the README shows.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../../harness/kubectl.ts";
import { ensureLua, type LuaInterpreter } from "../../harness/lua.ts";
import { repoRoot } from "../../harness/paths.ts";
import { argoHealth, argoHealthKey, healthScriptPath } from "./argocd.ts";
import { healthSamples } from "./samples.ts";

const argoNamespace = "argocd";

interface ConfigMap {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data: Record<string, string>;
}

describe("the Argo CD health check", () => {
  const env = inject("harness");
  let lua: LuaInterpreter;

  beforeAll(async () => {
    lua = await ensureLua((line) => { console.log(`[harness] ${line}`); });
  }, 5 * 60_000);

  it.each(healthSamples)("reads $name as $argo.status", async (sample) => {
    expect(await argoHealth(lua, sample.object)).toEqual(sample.argo);
  });

  it("never fails on odd shapes: empty status, empty or malformed conditions, a string generation", async () => {
    const base = healthSamples[0]?.object ?? {};
    const odd = [
      { ...base, status: {} },
      { ...base, status: { conditions: [] } },
      { ...base, status: { conditions: [{}, "junk", { type: "Ready" }] } },
      { ...base, metadata: { name: "x", generation: "2" }, status: { observedGeneration: 1 } },
      { ...base, metadata: {} },
    ];
    const results = await Promise.all(odd.map((object) => argoHealth(lua, object)));
    expect(results.map((r) => r.status)).toEqual(["Progressing", "Progressing", "Progressing", "Progressing", "Progressing"]);
    expect(results[3]?.message).toBe("Waiting for the operator to observe generation 2 (status describes generation 1)");
  });

  it("is merged into argocd-cm by the kustomize component in deploy/argocd, leaving the other keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "argocd-component-"));
    // Like Argo CD's install.yaml: argocd-cm without a namespace, which the kustomization sets.
    writeFileSync(join(dir, "argocd-cm.yaml"), JSON.stringify(argocdCm({ url: "https://argocd.example.com" }, null)));
    writeFileSync(
      join(dir, "kustomization.yaml"),
      JSON.stringify({ namespace: argoNamespace, resources: ["argocd-cm.yaml"], components: [relative(dir, join(repoRoot, "deploy", "argocd"))] }),
    );
    const rendered = await kubectl(env, ["kustomize", dir]);
    const json = await kubectl(env, ["create", "--dry-run=client", "-o", "json", "-f", "-"], { input: rendered });
    const configMap = JSON.parse(json) as ConfigMap;
    expect(configMap.metadata).toMatchObject({ name: "argocd-cm", namespace: argoNamespace, labels: { "app.kubernetes.io/part-of": "argocd" } });
    expect(configMap.data).toEqual({ url: "https://argocd.example.com", [argoHealthKey]: readFileSync(healthScriptPath, "utf8") });
  });

  it("is added to a live argocd-cm by the README's merge patch, leaving the other keys and labels", async () => {
    await kubectl(env, ["create", "namespace", argoNamespace]);
    // Installed the way Argo CD's own instructions do it: client-side kubectl apply.
    await kubectl(env, ["apply", "-f", "-"], { input: JSON.stringify(argocdCm({ url: "https://argocd.example.com", "timeout.reconciliation": "180s" })) });
    // The two commands of deploy/argocd/README.md, with the repository root as working directory.
    const patch = await kubectl(env, [
      "create", "configmap", "argocd-cm", "-n", argoNamespace,
      `--from-file=${argoHealthKey}=${join(repoRoot, "deploy", "argocd", "health.lua")}`,
      "--dry-run=client", "-o", "json",
    ]);
    await kubectl(env, ["patch", "configmap", "argocd-cm", "-n", argoNamespace, "--type", "merge", "-p", patch]);
    const live = JSON.parse(await kubectl(env, ["get", "configmap", "argocd-cm", "-n", argoNamespace, "-o", "json"])) as ConfigMap;
    expect(live.data).toEqual({
      url: "https://argocd.example.com",
      "timeout.reconciliation": "180s",
      [argoHealthKey]: readFileSync(healthScriptPath, "utf8"),
    });
    expect(live.metadata.labels).toEqual({ "app.kubernetes.io/part-of": "argocd" });
  });
});

function argocdCm(data: Record<string, string>, namespace: string | null = argoNamespace): ConfigMap & { apiVersion: string; kind: string } {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "argocd-cm", ...(namespace === null ? {} : { namespace }), labels: { "app.kubernetes.io/part-of": "argocd" } },
    data,
  };
}
