"""The IAM authorization each S3, CloudFront and Lambda request needs: action names, resources and context.

Not a patch itself: pure functions from what a request looks like to the checks IAM makes for it, used by
iam_enforcement. The names come from the Service Authorization Reference (SAR), not from the API:

- S3 (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html): an operation is
  named by method and sub-resource, and several API operations share an action. GetPublicAccessBlock is
  s3:GetBucketPublicAccessBlock, PutPublicAccessBlock and DeletePublicAccessBlock are
  s3:PutBucketPublicAccessBlock, DeleteBucketTagging is s3:PutBucketTagging, HeadBucket is s3:ListBucket,
  HeadObject is s3:GetObject. moto 5.2.5 keys its own table by "public_access_block" where the query says
  "publicAccessBlock", so it asks for s3:ListBucket, s3:CreateBucket and s3:DeleteBucket instead.
- CloudFront (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html):
  actions are the operation names, except that CreateDistributionWithTags needs cloudfront:CreateDistribution
  and cloudfront:TagResource (CloudFront Developer Guide, "CloudFront API permissions", CreateDistributionWithTags).
- Lambda (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html): actions are
  the operation names (Invoke is lambda:InvokeFunction); the resource is the function's ARN, qualified when the
  request names a version or alias. CreateFunction, and UpdateFunctionConfiguration with a Role, also need
  iam:PassRole on that role with iam:PassedToService = lambda.amazonaws.com (Lambda Developer Guide, "Lambda
  execution role"; the error is AccessDeniedException "... is not authorized to perform: iam:PassRole ...").

moto asks for `<signing name>:<operation name>` on resource "*" for every service but S3, so a policy scoped to
function ARNs never matches and S3's renamed actions are asked under names no policy grants.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote


@dataclass(frozen=True)
class Check:
    """One authorization IAM makes for a request."""

    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------- S3

# Sub-resource (query key) -> action, by method, for requests on a bucket. The first key present wins.
_S3_BUCKET: dict[str, list[tuple[str, str]]] = {
    "GET": [
        ("publicAccessBlock", "s3:GetBucketPublicAccessBlock"),
        ("policyStatus", "s3:GetBucketPolicyStatus"),
        ("policy", "s3:GetBucketPolicy"),
        ("tagging", "s3:GetBucketTagging"),
        ("acl", "s3:GetBucketAcl"),
        ("ownershipControls", "s3:GetBucketOwnershipControls"),
        ("location", "s3:GetBucketLocation"),
        ("versioning", "s3:GetBucketVersioning"),
        ("versions", "s3:ListBucketVersions"),
        ("uploads", "s3:ListBucketMultipartUploads"),
        ("cors", "s3:GetBucketCORS"),
        ("website", "s3:GetBucketWebsite"),
        ("logging", "s3:GetBucketLogging"),
        ("lifecycle", "s3:GetLifecycleConfiguration"),
        ("encryption", "s3:GetEncryptionConfiguration"),
        ("notification", "s3:GetBucketNotification"),
        ("object-lock", "s3:GetBucketObjectLockConfiguration"),
        ("accelerate", "s3:GetAccelerateConfiguration"),
        ("replication", "s3:GetReplicationConfiguration"),
        ("requestPayment", "s3:GetBucketRequestPayment"),
    ],
    "PUT": [
        ("publicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        ("policy", "s3:PutBucketPolicy"),
        ("tagging", "s3:PutBucketTagging"),
        ("acl", "s3:PutBucketAcl"),
        ("ownershipControls", "s3:PutBucketOwnershipControls"),
        ("versioning", "s3:PutBucketVersioning"),
        ("cors", "s3:PutBucketCORS"),
        ("website", "s3:PutBucketWebsite"),
        ("logging", "s3:PutBucketLogging"),
        ("lifecycle", "s3:PutLifecycleConfiguration"),
        ("encryption", "s3:PutEncryptionConfiguration"),
        ("notification", "s3:PutBucketNotification"),
        ("object-lock", "s3:PutBucketObjectLockConfiguration"),
        ("accelerate", "s3:PutAccelerateConfiguration"),
        ("replication", "s3:PutReplicationConfiguration"),
        ("requestPayment", "s3:PutBucketRequestPayment"),
    ],
    "DELETE": [
        ("publicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        ("policy", "s3:DeleteBucketPolicy"),
        ("tagging", "s3:PutBucketTagging"),
        ("ownershipControls", "s3:PutBucketOwnershipControls"),
        ("cors", "s3:PutBucketCORS"),
        ("website", "s3:DeleteBucketWebsite"),
        ("lifecycle", "s3:PutLifecycleConfiguration"),
        ("encryption", "s3:PutEncryptionConfiguration"),
        ("replication", "s3:PutReplicationConfiguration"),
    ],
}
_S3_BUCKET_DEFAULT = {"GET": "s3:ListBucket", "HEAD": "s3:ListBucket", "PUT": "s3:CreateBucket", "DELETE": "s3:DeleteBucket"}


def s3_checks(method: str, query: Mapping[str, object], bucket: str | None, key: str | None, partition: str = "aws") -> list[Check]:
    """The check for one S3 request; `query` holds the query string's keys."""
    if not bucket:
        return [Check("s3:ListAllMyBuckets", "*")]
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    if not key:
        if method == "POST" and "delete" in query:
            return [Check("s3:DeleteObject", f"{bucket_arn}/*")]
        for name, action in _S3_BUCKET.get(method, []):
            if name in query:
                return [Check(action, bucket_arn)]
        return [Check(_S3_BUCKET_DEFAULT.get(method, f"s3:{method.title()}Bucket"), bucket_arn)]
    return [Check(_s3_object_action(method, query), f"{bucket_arn}/{key}")]


def _s3_object_action(method: str, query: Mapping[str, object]) -> str:
    versioned = "versionId" in query
    if method in ("GET", "HEAD"):
        if "acl" in query:
            return "s3:GetObjectVersionAcl" if versioned else "s3:GetObjectAcl"
        if "tagging" in query:
            return "s3:GetObjectVersionTagging" if versioned else "s3:GetObjectTagging"
        if "uploadId" in query:
            return "s3:ListMultipartUploadParts"
        if "attributes" in query:
            return "s3:GetObjectVersionAttributes" if versioned else "s3:GetObjectAttributes"
        return "s3:GetObjectVersion" if versioned else "s3:GetObject"
    if method == "PUT":
        if "acl" in query:
            return "s3:PutObjectVersionAcl" if versioned else "s3:PutObjectAcl"
        if "tagging" in query:
            return "s3:PutObjectVersionTagging" if versioned else "s3:PutObjectTagging"
        return "s3:PutObject"
    if method == "DELETE":
        if "tagging" in query:
            return "s3:DeleteObjectVersionTagging" if versioned else "s3:DeleteObjectTagging"
        if "uploadId" in query:
            return "s3:AbortMultipartUpload"
        return "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
    if method == "POST":
        if "restore" in query:
            return "s3:RestoreObject"
        if "select" in query:
            return "s3:GetObject"
        return "s3:PutObject"
    return f"s3:{method.title()}Object"


# The account-level Block Public Access settings (s3control), by moto's operation name.
S3_CONTROL_ACTIONS = {
    "GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutAccountPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutAccountPublicAccessBlock",
}

# --------------------------------------------------------------------------------------------- CloudFront

_CLOUDFRONT_EXTRA: dict[str, list[str]] = {
    "CreateDistributionWithTags": ["cloudfront:CreateDistribution", "cloudfront:TagResource"],
    "CreateStreamingDistributionWithTags": ["cloudfront:CreateStreamingDistribution", "cloudfront:TagResource"],
    # The Service Authorization Reference lists GetDistribution beside it (CloudFront reads the asking distribution).
    "ListConflictingAliases": ["cloudfront:ListConflictingAliases", "cloudfront:GetDistribution"],
}


def cloudfront_checks(operation: str, path: str, query: Mapping[str, list[str]], account: str, partition: str = "aws") -> list[Check]:
    resource = _cloudfront_resource(operation, path, query, account, partition)
    actions = _CLOUDFRONT_EXTRA.get(operation, [f"cloudfront:{operation}"])
    return [Check(action, resource) for action in actions]


def _cloudfront_resource(operation: str, path: str, query: Mapping[str, list[str]], account: str, partition: str) -> str:
    if operation in ("TagResource", "UntagResource", "ListTagsForResource"):
        return (query.get("Resource") or ["*"])[0]
    if operation.startswith("List"):
        return "*"
    parts = [p for p in path.split("/") if p]
    # /2020-05-31/<kind>[/<id>[/...]]
    kind = parts[1] if len(parts) > 1 else ""
    ident = unquote(parts[2]) if len(parts) > 2 else "*"
    if kind in ("distribution", "origin-access-control", "response-headers-policy", "function", "cache-policy", "origin-request-policy", "key-group", "public-key"):
        return f"arn:{partition}:cloudfront::{account}:{kind}/{ident}"
    return "*"


# ------------------------------------------------------------------------------------------------- Lambda

_LAMBDA_RENAMED = {"Invoke": "lambda:InvokeFunction", "InvokeAsync": "lambda:InvokeAsync"}
LAMBDA_SERVICE_PRINCIPAL = "lambda.amazonaws.com"


def lambda_function_arn(name_or_arn: str, qualifier: str | None, region: str, account: str, partition: str = "aws") -> str:
    """The ARN IAM authorizes for a function named by name, partial ARN or ARN, qualified when a qualifier is given."""
    value = unquote(name_or_arn)
    if value.startswith("arn:"):
        arn = value
    elif ":function:" in value:
        arn = f"arn:{partition}:lambda:{region}:{value}"
    else:
        arn = f"arn:{partition}:lambda:{region}:{account}:function:{value}"
    if qualifier and arn.count(":") == 6:
        arn = f"{arn}:{qualifier}"
    return arn


def lambda_checks(operation: str, method: str, path: str, query: Mapping[str, list[str]], body: bytes | str | None, region: str, account: str, partition: str = "aws") -> list[Check]:
    action = _LAMBDA_RENAMED.get(operation, f"lambda:{operation}")
    parts = [unquote(p) for p in path.split("/") if p]
    payload = _json(body)
    qualifier = (query.get("Qualifier") or [None])[0]
    checks: list[Check] = []
    if operation == "CreateFunction":
        name = str(payload.get("FunctionName") or "*")
        checks.append(Check(action, lambda_function_arn(name, None, region, account, partition)))
    elif len(parts) >= 3 and parts[1] == "tags":
        checks.append(Check(action, "/".join(parts[2:])))
    elif len(parts) >= 3 and parts[1] == "functions":
        checks.append(Check(action, lambda_function_arn(parts[2], qualifier, region, account, partition)))
    else:
        checks.append(Check(action, "*"))
    role = payload.get("Role")
    if operation in ("CreateFunction", "UpdateFunctionConfiguration") and isinstance(role, str) and role:
        checks.append(Check("iam:PassRole", role, {"iam:PassedToService": LAMBDA_SERVICE_PRINCIPAL}))
    return checks


def _json(body: bytes | str | None) -> dict[str, object]:
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
