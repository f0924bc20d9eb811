// The IAM actions behind the SDK operations the operator sends. Most are `<service>:<Operation>`; these are the
// exceptions. AccessDenied names the action from here, so an administrator fixes the policy, not a guess.

/** Operations whose IAM action is not simply `<service>:<Operation>`. */
const exceptions: Readonly<Record<string, readonly string[]>> = {
  "s3:GetPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "s3:PutPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
  "s3:DeleteBucketTagging": ["s3:PutBucketTagging"],
  "s3:GetBucketEncryption": ["s3:GetEncryptionConfiguration"],
  "cloudfront:CreateDistributionWithTags": ["cloudfront:CreateDistribution", "cloudfront:TagResource"],
  // The Service Authorization Reference lists GetDistribution beside it: CloudFront reads the asking distribution.
  "cloudfront:ListConflictingAliases": ["cloudfront:ListConflictingAliases", "cloudfront:GetDistribution"],
  "lambda:CreateFunction": ["lambda:CreateFunction", "iam:PassRole"],
  // The operator always sends the Role, and Lambda checks that the caller may pass it.
  "lambda:UpdateFunctionConfiguration": ["lambda:UpdateFunctionConfiguration", "iam:PassRole"],
};

/** Every IAM action an operation needs. */
export function iamActionsFor(service: string, operation: string): readonly string[] {
  const key = `${service}:${operation}`;
  return exceptions[key] ?? [key];
}
