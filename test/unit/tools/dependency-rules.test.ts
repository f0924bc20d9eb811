// The dependency rules of .dependency-cruiser.ts, run on a small tree made for the purpose: each rule fires on
// the import that breaks it, and the imports the rules allow pass.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import configuration from "../../../.dependency-cruiser.ts";

/** Each file of the tree and what it imports; `// allowed` marks imports no rule may flag. */
const tree: Record<string, string> = {
  "src/api/spec.ts": [
    'import { maxTokenBytes } from "../../edge-auth/src/limits.ts"; // allowed',
    'import { parse } from "./parse.ts"; // allowed',
    'import { deepEqual } from "../util/deep-equal.ts";',
  ].join("\n"),
  "src/api/parse.ts": "export const parse = 1;",
  "src/util/deep-equal.ts": "export const deepEqual = 1;",
  "edge-auth/src/limits.ts": "export const maxTokenBytes = 8192;",
  "edge-auth/src/handler.ts": [
    'import { createHash } from "node:crypto"; // allowed',
    'import { maxTokenBytes } from "./limits.ts"; // allowed',
    'import { packageEdgeFunction } from "../package/cli.ts";',
  ].join("\n"),
  "edge-auth/package/cli.ts": ['import { waitFor } from "../../test/wait.ts";', "export const packageEdgeFunction = 1;"].join("\n"),
  "src/k8s/client.ts": ['import { clients } from "../aws/clients.ts";', 'import type { Step } from "../reconcile/naming.ts";', "export const client = 1;"].join("\n"),
  "src/controller/manager.ts": ['import { clients } from "../aws/clients.ts";', 'import { name } from "../reconcile/naming.ts";'].join("\n"),
  "src/aws/clients.ts": ['import { name } from "../reconcile/naming.ts";', "export const clients = 1;"].join("\n"),
  "src/reconcile/naming.ts": "export const name = 1;\nexport type Step = 1;",
  "src/reconcile/step.ts": ['import { clients } from "../aws/clients.ts"; // allowed', 'import { client } from "../k8s/client.ts"; // allowed'].join("\n"),
  "src/main.ts": ['import { step } from "./reconcile/step.ts"; // allowed', 'import { build } from "../tools/build.ts";'].join("\n"),
  "tools/build.ts": ['import { cycle } from "./cycle.ts"; // allowed', "export const build = 1;"].join("\n"),
  "tools/cycle.ts": 'import type { Loop } from "./loop.ts";',
  "tools/loop.ts": 'import type { Cycle } from "./cycle.ts";',
  "test/wait.ts": 'import { build } from "../tools/build.ts"; // allowed\nexport const waitFor = 1;',
  "src/reconcile/common/context.ts": "export const context = 1;",
  "src/reconcile/bucket/claim.ts": [
    'import { context } from "../common/context.ts"; // allowed',
    'import { policy } from "./policy.ts"; // allowed',
    'import { ensureDistribution } from "../distribution/ensure.ts";',
    'import { step } from "../step.ts";',
  ].join("\n"),
  "src/reconcile/bucket/policy.ts": "export const policy = 1;",
  "src/reconcile/distribution/ensure.ts": 'import { context } from "../common/context.ts"; // allowed\nexport const ensureDistribution = 1;',
  "dev/dev.ts": [
    'import { harness } from "../test/harness/api.ts"; // allowed',
    'import { waitFor } from "../test/wait.ts";',
  ].join("\n"),
  "test/harness/api.ts": 'import { demo } from "../../dev/demo.ts";\nexport const harness = 1;',
  "dev/demo.ts": "export const demo = 1;",
  "src/tenancy/admission.ts": [
    'import { parse } from "../api/parse.ts"; // allowed',
    'import { glob } from "./patterns.ts"; // allowed',
    'import { clients } from "../aws/clients.ts";',
  ].join("\n"),
  "src/tenancy/patterns.ts": "export const glob = 1;",
};

/** Each violation as "rule: from → to" (a cycle is reported once, at one of its imports). */
async function violationsIn(root: string): Promise<string[]> {
  const { output } = await cruise(
    ["src", "edge-auth", "test", "tools", "dev"],
    { ...configuration.options, baseDir: root, validate: true, ruleSet: { forbidden: configuration.forbidden ?? [] } },
  );
  const { summary } = output as ICruiseResult;
  return summary.violations.map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`).sort();
}

describe("the dependency rules", () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "dependency-rules-"));
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), `${text}\n`);
    }
  });
  afterAll(() => { rmSync(root, { recursive: true, force: true }); });

  it("flag each import that breaks one, and only those", async () => {
    expect(await violationsIn(root)).toEqual([
      "api-imports-nothing-of-ours: src/api/spec.ts → src/util/deep-equal.ts",
      "dev-uses-the-test-tree-through-one-door: dev/dev.ts → test/wait.ts",
      "edge-function-self-contained: edge-auth/src/handler.ts → edge-auth/package/cli.ts",
      "kubernetes-machinery-imports-no-aws: src/controller/manager.ts → src/aws/clients.ts",
      "kubernetes-machinery-imports-no-aws: src/k8s/client.ts → src/aws/clients.ts",
      "machinery-imports-no-reconciler: src/aws/clients.ts → src/reconcile/naming.ts",
      "machinery-imports-no-reconciler: src/controller/manager.ts → src/reconcile/naming.ts",
      "machinery-imports-no-reconciler: src/k8s/client.ts → src/reconcile/naming.ts",
      "no-circular: tools/cycle.ts → tools/loop.ts",
      "nothing-depends-on-dev: test/harness/api.ts → dev/demo.ts",
      "one-home-per-aws-concern: src/reconcile/bucket/claim.ts → src/reconcile/distribution/ensure.ts",
      "one-home-per-aws-concern: src/reconcile/bucket/claim.ts → src/reconcile/step.ts",
      "runtime-imports-no-development-code: edge-auth/package/cli.ts → test/wait.ts",
      "runtime-imports-no-development-code: src/main.ts → tools/build.ts",
      "tenancy-is-pure: src/tenancy/admission.ts → src/aws/clients.ts",
    ]);
  });
});
