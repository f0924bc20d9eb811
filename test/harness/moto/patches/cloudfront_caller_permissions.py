"""CloudFront: what CloudFront checks on the caller's behalf when a distribution changes (with IAM enforcement on).

CreateDistribution(WithTags) and UpdateDistribution do more than cloudfront:* authorization: CloudFront acts
on other services as the caller, and refuses the request when the caller may not. moto 5.2.5 checks none of
it. With enforcement on (iam_enforcement), for an IAM user or role (never the harness's root credentials):

- A Lambda@Edge version newly associated needs lambda:GetFunction and lambda:EnableReplication* on that
  version's ARN; an association removed needs lambda:DisableReplication* on the version it named (CloudFront
  Developer Guide, "Set up IAM permissions and roles for Lambda@Edge": "For the resource, specify the ARN of
  the function version ... You must add the asterisk (*) at the end of the lambda:EnableReplication* and
  lambda:DisableReplication* actions"). The emulator asks for the literal actions "lambda:EnableReplication*"
  and "lambda:DisableReplication*", so only a grant ending in the asterisk (or a wider wildcard) covers them,
  as the guide requires. Refusal: InvalidLambdaFunctionAssociation (400) with the message CloudFront gives,
  "Lambda@Edge cannot retrieve the specified Lambda function. Update the IAM policy to add permission:
  lambda:GetFunction for resource: <arn> and try again." (reported in
  awslabs/live-streaming-with-automated-multi-language-subtitling#33), "Lambda@Edge cannot enable replication
  for the specified Lambda function. Update the IAM policy to add permission: lambda:EnableReplication* for
  resource: <arn> and try again." (serverless-operations/serverless-lambda-edge-pre-existing-cloudfront#36);
  the DisableReplication message is not on record anywhere we found and is modelled on the other two. The
  error code is the one CloudFront gives for its other association checks (aws/aws-cdk#5180:
  "The function execution role must be assumable ... Error Code: InvalidLambdaFunctionAssociation").
- While a distribution has a Lambda@Edge association, the service-linked roles AWSServiceRoleForLambdaReplicator
  (replicator.lambda.amazonaws.com) and AWSServiceRoleForCloudFrontLogger (logger.cloudfront.amazonaws.com)
  must exist; CloudFront creates a missing one on the caller's authority, which needs iam:CreateServiceLinkedRole
  on the role's ARN with iam:AWSServiceName (same guide, "Service-linked roles for Lambda@Edge" and "Creating
  service-linked roles for Lambda@Edge"). Refusal: AccessDenied (403) "The user is not authorized to create or
  assume a service linked role." (silvermine/serverless-plugin-cloudfront-lambda-edge#51). Once created, a
  role stays until deleted through IAM.
- A WebACLId newly set needs read access to the web ACL: wafv2:GetWebACL on its ARN (waf:GetWebACL for a WAF
  Classic id), and the web ACL must exist. Refusal: InvalidWebACLId (400) "Web ACL is not accessible by the
  requester." (hashicorp/terraform#17544; aws/aws-sdk-java#2901 records the variant "Unable to verify read
  permissions on Web ACL").
- Standard logging (legacy) newly enabled, or moved to another bucket, needs s3:GetBucketAcl and
  s3:PutBucketAcl on the log bucket, because CloudFront rewrites its ACL to let the log-delivery account write
  (CloudFront Developer Guide, "CloudFront API permissions" for CreateDistribution/UpdateDistribution, and
  "Configure standard logging (legacy)"). Refusal: AccessDenied (403) "You don't have permission to access the
  S3 bucket for CloudFront logs: <bucket domain> If you're using IAM, you need s3:GetBucketAcl and
  s3:PutBucketAcl permissions to create a distribution or to update log settings for an existing
  distribution. In addition, the S3 ACL for the bucket must grant you FULL_CONTROL." The ACL rewrite itself is
  not modelled.

"Newly" compares with the configuration the distribution had before the update (for a create: everything is
new), so an unrelated update of a distribution whose association or web ACL predates a policy change is not
refused; the guide only describes what creating or changing the association needs. Every check is recorded
with the others at GET /moto-api/harness/iam/decisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException
from moto.iam.models import iam_backends

from . import iam_enforcement
from .iam_action_names import Check

REPLICATOR = ("replicator.lambda.amazonaws.com", "AWSServiceRoleForLambdaReplicator")
LOGGER = ("logger.cloudfront.amazonaws.com", "AWSServiceRoleForCloudFrontLogger")


class AccessDenied(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)


class InvalidLambdaFunctionAssociation(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidLambdaFunctionAssociation", message)


class InvalidWebACLId(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("InvalidWebACLId", "Web ACL is not accessible by the requester.")


def lambda_associations(config: Any) -> set[str]:
    """Every LambdaFunctionARN anywhere in a distribution config as moto parsed it from the request."""
    return {value for key, value in _walk(config) if key == "LambdaFunctionARN" and isinstance(value, str) and value}


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def web_acl_id(config: Mapping[str, Any] | None) -> str:
    return str((config or {}).get("WebACLId") or "")


def logging_bucket(config: Mapping[str, Any] | None) -> str:
    """The log bucket's domain when standard logging is on, else ""."""
    logging = (config or {}).get("Logging") or {}
    enabled = str(logging.get("Enabled", "false")).lower() == "true"
    return str(logging.get("Bucket") or "") if enabled else ""


def apply() -> None:
    backend = models.CloudFrontBackend
    original_create = backend.create_distribution_with_tags
    original_update = backend.update_distribution

    # moto's model constructors change the request's dicts in place, so the copy is taken before the call.
    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: list[dict[str, str]]) -> Any:
        requested = _copy(distribution_config)
        _check_change(self.account_id, None, requested)
        result = original_create(self, distribution_config, tags)
        _configs(self)[result[0].distribution_id] = requested
        return result

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: Any) -> Any:
        requested = _copy(dist_config or {})
        if _id in self.distributions:
            _check_change(self.account_id, _configs(self).get(_id, {}), requested)
        result = original_update(self, dist_config, _id, if_match)
        _configs(self)[_id] = requested
        return result

    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    backend.update_distribution = update_distribution  # type: ignore[method-assign]


def _copy(config: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(config, default=str))
    return copied


def _configs(backend: Any) -> dict[str, Any]:
    """The last configuration each distribution was given, on the backend so /moto-api/reset forgets it."""
    if not hasattr(backend, "_caller_permission_configs"):
        backend._caller_permission_configs = {}
    configs: dict[str, Any] = backend._caller_permission_configs
    return configs


def _check_change(account_id: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    if not iam_enforcement.enforcing():
        return
    principal = iam_enforcement.current_principal()
    old = lambda_associations(before) if before is not None else set()
    new = lambda_associations(after)
    if principal is not None:
        for arn in sorted(new - old):
            _require(principal, Check("lambda:GetFunction", arn), lambda: InvalidLambdaFunctionAssociation(
                f"Lambda@Edge cannot retrieve the specified Lambda function. Update the IAM policy to add permission: "
                f"lambda:GetFunction for resource: {arn} and try again."))
            _require(principal, Check("lambda:EnableReplication*", arn), lambda: InvalidLambdaFunctionAssociation(
                f"Lambda@Edge cannot enable replication for the specified Lambda function. Update the IAM policy to add "
                f"permission: lambda:EnableReplication* for resource: {arn} and try again."))
        for arn in sorted(old - new):
            _require(principal, Check("lambda:DisableReplication*", arn), lambda: InvalidLambdaFunctionAssociation(
                f"Lambda@Edge cannot disable replication for the specified Lambda function. Update the IAM policy to add "
                f"permission: lambda:DisableReplication* for resource: {arn} and try again."))
    missing_roles = [role for role in (REPLICATOR, LOGGER) if new and not _role_exists(account_id, role[1])]
    if principal is not None:
        for service, name in missing_roles:
            arn = f"arn:aws:iam::{account_id}:role/aws-service-role/{service}/{name}"
            _require(principal, Check("iam:CreateServiceLinkedRole", arn, {"iam:AWSServiceName": service}), lambda: AccessDenied(
                "The user is not authorized to create or assume a service linked role."))
        acl = web_acl_id(after)
        if acl and acl != web_acl_id(before):
            _require_web_acl(principal, account_id, acl)
        bucket = logging_bucket(after)
        if bucket and bucket != logging_bucket(before):
            name = bucket.split(".s3", 1)[0]
            for action in ("s3:GetBucketAcl", "s3:PutBucketAcl"):
                _require(principal, Check(action, f"arn:aws:s3:::{name}"), lambda: AccessDenied(
                    f"You don't have permission to access the S3 bucket for CloudFront logs: {bucket} If you're using IAM, "
                    "you need s3:GetBucketAcl and s3:PutBucketAcl permissions to create a distribution or to update log "
                    "settings for an existing distribution. In addition, the S3 ACL for the bucket must grant you FULL_CONTROL."))
    for service, name in missing_roles:
        _create_service_linked_role(account_id, service, name)


def _require(principal: iam_enforcement.Principal, check: Check, refusal: Any) -> None:
    decision = iam_enforcement.authorize(principal, check, "cloudfront", "on the caller's behalf")
    if not decision.allowed:
        raise refusal()


def _require_web_acl(principal: iam_enforcement.Principal, account_id: str, acl: str) -> None:
    arn = acl if acl.startswith("arn:") else f"arn:aws:waf::{account_id}:webacl/{acl}"
    action = "wafv2:GetWebACL" if ":wafv2:" in arn else "waf:GetWebACL"
    _require(principal, Check(action, arn), InvalidWebACLId)
    if ":wafv2:" in arn and not _web_acl_exists(account_id, arn):
        raise InvalidWebACLId()


def _web_acl_exists(account_id: str, arn: str) -> bool:
    from moto.wafv2.models import wafv2_backends

    return any(arn in getattr(backend, "wacls", {}) for backend in wafv2_backends[account_id].values())


def _role_exists(account_id: str, name: str) -> bool:
    return any(role.name == name for role in iam_backends[account_id]["aws"].roles.values())


def _create_service_linked_role(account_id: str, service: str, name: str) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    iam_backends[account_id]["aws"].create_role(
        name,
        json.dumps(trust),
        f"/aws-service-role/{service}/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration="3600",
        linked_service=service,
    )
