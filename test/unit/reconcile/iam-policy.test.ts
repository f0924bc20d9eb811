// deploy/iam/operator-policy.json and operator-policy-scoped.json each grant exactly what the operator's code
// sends, and nothing else.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../harness/paths.ts";
import { iamActionsFor } from "../../../src/aws/iam-actions.ts";
import { impliedActions, operatorPolicyActions, operatorPolicyFiles } from "../../support/iam-actions.ts";

const clientService: Readonly<Record<string, string>> = {
  "@aws-sdk/client-s3": "s3",
  "@aws-sdk/client-cloudfront": "cloudfront",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-sts": "sts",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Every `new XCommand(` and every `paginateX(` in src/, attributed to the SDK client package it is imported
 * from: a paginator sends XCommand page by page.
 */
function operationsInSource(): Set<string> {
  const operations = new Set<string>();
  for (const file of sourceFiles(join(repoRoot, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/client-[a-z0-9-]+)"/g)) {
      const service = clientService[match[2] ?? ""];
      if (service === undefined) continue;
      for (const name of (match[1] ?? "").split(",").map((n) => n.trim())) {
        const command = /^(\w+)Command$/.exec(name);
        if (command?.[1] !== undefined && text.includes(`new ${name}(`)) operations.add(`${service}:${command[1]}`);
        const paginator = /^paginate(\w+)$/.exec(name);
        if (paginator?.[1] !== undefined && text.includes(`${name}(`)) operations.add(`${service}:${paginator[1]}`);
      }
    }
  }
  return operations;
}

describe("the operator's IAM policies", () => {
  const needed = new Set([...operationsInSource()].flatMap((op) => {
    const [service = "", operation = ""] = op.split(":");
    return iamActionsFor(service, operation);
  }));
  for (const action of impliedActions) needed.add(action);

  it.each(operatorPolicyFiles)("%s allows every operation the code sends, and grants nothing the code does not use", (file) => {
    const granted = operatorPolicyActions(file);
    expect([...needed].filter((a) => !granted.has(a)).sort()).toEqual([]);
    expect([...granted].filter((a) => !needed.has(a)).sort()).toEqual([]);
    expect(needed.size).toBeGreaterThan(25);
  });

  it("grant the same actions, the scoped one only on fewer resources", () => {
    expect([...operatorPolicyActions("operator-policy-scoped.json")].sort()).toEqual([...operatorPolicyActions("operator-policy.json")].sort());
  });
});
