// Reads the operator's policy document, and names the actions it needs beyond the operations it sends (the
// operations' own actions come from src/aws/iam-actions.ts), so tests can hold the two against each other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../harness/paths.ts";

/**
 * Actions the operator needs although it sends no operation of that name: associating a function with a
 * distribution makes CloudFront replicate it, on the caller's authority.
 */
export const impliedActions: readonly string[] = ["lambda:EnableReplication*", "iam:CreateServiceLinkedRole"];

interface PolicyDocument {
  readonly Statement: readonly { readonly Effect: string; readonly Action: string | readonly string[] }[];
}

export function operatorPolicyActions(): Set<string> {
  const document = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", "operator-policy.json"), "utf8")) as PolicyDocument;
  return new Set(
    document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action])),
  );
}

export { iamActionsFor } from "../../src/aws/iam-actions.ts";
