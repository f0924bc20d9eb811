// Maps the AWS SDK operations the operator sends to the IAM actions they need, and reads the operator's
// policy document, so tests can hold the two against each other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../harness/paths.ts";

/** Operations whose IAM action is not simply `<service>:<Operation>`. */
const exceptions: Readonly<Record<string, readonly string[]>> = {
  "s3:GetPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "s3:PutPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:DeleteBucketTagging": ["s3:PutBucketTagging"],
  "cloudfront:CreateDistributionWithTags": ["cloudfront:CreateDistribution", "cloudfront:TagResource"],
  "lambda:CreateFunction": ["lambda:CreateFunction", "iam:PassRole"],
};

/**
 * Actions the operator needs although it sends no operation of that name: associating a function with a
 * distribution makes CloudFront replicate it, on the caller's authority.
 */
export const impliedActions: readonly string[] = ["lambda:EnableReplication*", "iam:CreateServiceLinkedRole"];

export function iamActionsFor(service: string, operation: string): readonly string[] {
  const key = `${service}:${operation}`;
  return exceptions[key] ?? [key];
}

interface PolicyDocument {
  readonly Statement: readonly { readonly Effect: string; readonly Action: string | readonly string[] }[];
}

export function operatorPolicyActions(): Set<string> {
  const document = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", "operator-policy.json"), "utf8")) as PolicyDocument;
  return new Set(
    document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action])),
  );
}
