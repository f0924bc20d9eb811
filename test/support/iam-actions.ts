// Reads the operator's policy document, and names the actions it needs beyond the operations it sends (the
// operations' own actions come from src/aws/iam-actions.ts), so tests can hold the two against each other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../harness/paths.ts";

/**
 * Actions the operator needs although it sends no operation of that name. CloudFront checks them on the
 * operator's behalf while CreateDistributionWithTags or UpdateDistribution runs (CloudFront Developer Guide,
 * "Set up IAM permissions and roles for Lambda@Edge" and "CloudFront API permissions"); the emulator checks
 * them the same way (test/harness/moto/patches/cloudfront_caller_permissions.py). iam:PassRole is not here:
 * Lambda checks it for CreateFunction, and src/aws/iam-actions.ts says so.
 */
export const impliedActions: readonly string[] = [
  // CloudFront, for a version it starts replicating (a new association) ...
  "lambda:EnableReplication*",
  // ... and for one it stops replicating (an association removed, e.g. replaced by a new version).
  "lambda:DisableReplication*",
  // CloudFront, creating AWSServiceRoleForLambdaReplicator and AWSServiceRoleForCloudFrontLogger the first time
  // a distribution in the account has a Lambda@Edge association.
  "iam:CreateServiceLinkedRole",
  // CloudFront, reading the web ACL named by spec.distribution.webAclArn.
  "wafv2:GetWebACL",
  // CloudFront, giving its log-delivery account write access to the standard-logging bucket's ACL.
  "s3:GetBucketAcl",
  "s3:PutBucketAcl",
];

/** The operator's two policies: the broad one, and the one scoped by bucket prefix, tags and names. */
export const operatorPolicyFiles = ["operator-policy.json", "operator-policy-scoped.json"] as const;
export type OperatorPolicyFile = (typeof operatorPolicyFiles)[number];

interface PolicyDocument {
  readonly Statement: readonly { readonly Effect: string; readonly Action: string | readonly string[] }[];
}

export function operatorPolicyActions(file: OperatorPolicyFile = "operator-policy.json"): Set<string> {
  const document = JSON.parse(readFileSync(join(repoRoot, "deploy", "iam", file), "utf8")) as PolicyDocument;
  return new Set(
    document.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action])),
  );
}

export { iamActionsFor } from "../../src/aws/iam-actions.ts";
