import { describe, expect, it } from "vitest";
import { AwsError, toAwsError } from "../../../src/aws/errors.ts";
import { failureReason, isPermanent } from "../../../src/errors.ts";

function sdkError(name: string, status: number | undefined): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

describe("toAwsError", () => {
  it.each([
    ["AccessDenied", 403, "AccessDenied"],
    ["AccessDeniedException", 403, "AccessDenied"],
    ["Throttling", 400, "Throttled"],
    ["TooManyRequestsException", 429, "Throttled"],
    ["SlowDown", 503, "Throttled"],
    ["PreconditionFailed", 412, "PreconditionFailed"],
    ["NoSuchBucketPolicy", 404, "NotFound"],
    ["ResourceNotFoundException", 404, "NotFound"],
    ["NoSuchOriginAccessControl", 404, "NotFound"],
    ["DistributionNotDisabled", 409, "Conflict"],
    ["InternalError", 500, "Transient"],
    ["InvalidArgument", 400, "InvalidRequest"],
  ] as const)("maps %s (HTTP %s) to %s", (name, status, code) => {
    const error = toAwsError(sdkError(name, status), "cloudfront", "UpdateDistribution");
    expect(error).toBeInstanceOf(AwsError);
    expect(error.code).toBe(code);
    expect(error.awsCode).toBe(name);
    expect(error.awsMessage).toBe(`${name} happened`);
    expect(error.service).toBe("cloudfront");
    expect(error.operation).toBe("UpdateDistribution");
  });

  it("treats a failure with no HTTP response as transient", () => {
    const error = toAwsError(new Error("connect ECONNREFUSED"), "lambda", "GetFunction");
    expect(error.code).toBe("Transient");
    expect(isPermanent(error)).toBe(false);
  });

  it("passes an AwsError through unchanged", () => {
    const error = toAwsError(sdkError("InvalidArgument", 400), "s3", "PutBucketPolicy");
    expect(toAwsError(error, "lambda", "GetFunction")).toBe(error);
  });
});

describe("the permanent-or-temporary table", () => {
  it.each([
    // Only a change to the policy, the spec or the account fixes these: Stalled, with AWS's code as the reason.
    ["AccessDenied", 403, "s3", "PutBucketPolicy", true, "AccessDenied"],
    ["InvalidViewerCertificate", 400, "cloudfront", "UpdateDistribution", true, "InvalidViewerCertificate"],
    ["InvalidWebACLId", 400, "cloudfront", "CreateDistributionWithTags", true, "InvalidWebACLId"],
    ["TooManyOriginAccessControls", 400, "cloudfront", "CreateOriginAccessControl", true, "QuotaExceeded"],
    ["TooManyDistributions", 400, "cloudfront", "CreateDistributionWithTags", true, "QuotaExceeded"],
    ["CodeStorageExceededException", 400, "lambda", "PublishVersion", true, "QuotaExceeded"],
    ["CNAMEAlreadyExists", 409, "cloudfront", "UpdateDistribution", true, "CNAMEAlreadyExists"],
    ["PermanentRedirect", 301, "s3", "GetBucketTagging", true, "PermanentRedirect"],
    // These clear up by themselves: retried.
    ["Throttling", 400, "cloudfront", "GetDistribution", false, "Throttled"],
    ["InternalError", 500, "s3", "GetBucketPolicy", false, "Transient"],
    ["PreconditionFailed", 412, "cloudfront", "UpdateDistribution", false, "PreconditionFailed"],
    ["ResourceConflictException", 409, "lambda", "UpdateFunctionCode", false, "ResourceConflictException"],
    ["ExpiredToken", 403, "s3", "GetBucketTagging", false, "ExpiredToken"],
    ["SignatureDoesNotMatch", 403, "s3", "GetBucketTagging", false, "SignatureDoesNotMatch"],
    ["RequestTimeTooSkewed", 403, "s3", "GetBucketTagging", false, "RequestTimeTooSkewed"],
    ["InvalidIfMatchVersion", 400, "cloudfront", "UpdateDistribution", false, "InvalidIfMatchVersion"],
    ["NoSuchDistribution", 404, "cloudfront", "GetDistribution", false, "NotFound"],
  ] as const)("%s (HTTP %s) from %s:%s is permanent: %s, reason %s", (...row) => {
    const [name, status, service, operation, permanent, reason] = row;
    const error = toAwsError(sdkError(name, status), service, operation);
    expect(isPermanent(error)).toBe(permanent);
    expect(failureReason(error)).toBe(reason);
  });

  it("names the IAM action, not the SDK operation, when access is denied", () => {
    const error = toAwsError(sdkError("AccessDenied", 403), "s3", "GetPublicAccessBlock");
    expect(error.iamAction).toBe("s3:GetBucketPublicAccessBlock");
    expect(error.message).toBe("access denied for s3:GetBucketPublicAccessBlock: AccessDenied happened");
  });

  it("names every action an operation needs", () => {
    const error = toAwsError(sdkError("AccessDenied", 403), "cloudfront", "CreateDistributionWithTags");
    expect(error.message).toMatch(/^access denied for cloudfront:CreateDistribution and cloudfront:TagResource: /);
  });

  it("says a quota was reached, which one, and how to raise it", () => {
    const error = toAwsError(sdkError("TooManyOriginAccessControls", 400), "cloudfront", "CreateOriginAccessControl");
    expect(error.message).toBe(
      "cloudfront:CreateOriginAccessControl failed with TooManyOriginAccessControls: TooManyOriginAccessControls happened. " +
        "This is an account quota: request an increase in Service Quotas, or remove what the account no longer needs",
    );
  });

  it.each([
    [
      "InvalidLambdaFunctionAssociation",
      "Lambda@Edge cannot enable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:EnableReplication* for resource: arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x:3 and try again.",
      "lambda:EnableReplication*",
    ],
    [
      "InvalidLambdaFunctionAssociation",
      "Lambda@Edge cannot disable replication for the specified Lambda function. Update the IAM policy to add permission: lambda:DisableReplication* for resource: arn:aws:lambda:us-east-1:123456789012:function:scb-edge-x:2 and try again.",
      "lambda:DisableReplication*",
    ],
    ["AccessDenied", "The user is not authorized to create or assume a service linked role.", "iam:CreateServiceLinkedRole"],
    ["InvalidWebACLId", "Web ACL is not accessible by the requester.", "wafv2:GetWebACL"],
    [
      "AccessDenied",
      "You don't have permission to access the S3 bucket for CloudFront logs: logs-cloudfront-logs.s3.amazonaws.com If you're using IAM, you need s3:GetBucketAcl and s3:PutBucketAcl permissions to create a distribution or to update log settings for an existing distribution.",
      "s3:GetBucketAcl and s3:PutBucketAcl",
    ],
  ] as const)("names %s about %s as access denied for %s, checked on the caller's behalf", (awsCode, awsMessage, action) => {
    const error = toAwsError(Object.assign(new Error(awsMessage), { name: awsCode, $metadata: { httpStatusCode: awsCode === "AccessDenied" ? 403 : 400 } }), "cloudfront", "UpdateDistribution");
    expect(isPermanent(error)).toBe(true);
    expect(failureReason(error)).toBe("AccessDenied");
    expect(error.iamAction).toBe(action);
    expect(error.message).toBe(`access denied for ${action}, which cloudfront checks on the caller's behalf for UpdateDistribution: ${awsMessage}`);
  });

  it("says which call failed and how, for everything else", () => {
    const error = toAwsError(sdkError("InvalidViewerCertificate", 400), "cloudfront", "UpdateDistribution");
    expect(error.message).toBe("cloudfront:UpdateDistribution failed with InvalidViewerCertificate: InvalidViewerCertificate happened");
  });
});
