"""S3: decide unsigned requests the way S3 does, so "is this bucket private?" has a truthful answer.

moto 5.2.5 runs with IAM authorization off (INITIAL_NO_AUTH_ACTION_COUNT is infinite by default), so the
only access control it applies is a partial bucket-policy check on object requests, and that check:
- treats any dict principal as everyone: `{"Service": "cloudfront.amazonaws.com"}` let anonymous GETs in,
  which would make the operator's private bucket look public and a wrong policy look right;
- applies the same policy to signed requests, so a Deny meant for the public could lock out the admin;
- ignores Block Public Access and never checks bucket-level requests (an anonymous ListObjects succeeds).

Here an unsigned request (no Authorization header, no presigned Signature) is decided as S3 decides it:
1. an explicit Deny in the bucket policy that matches the caller wins;
2. otherwise an Allow matching the caller grants access, unless RestrictPublicBuckets is on and the policy is
   public, in which case only service principals keep their access;
3. otherwise a public ACL grant (AllUsers) grants access, unless IgnorePublicAcls is on;
4. otherwise 403 AccessDenied, also for a missing key unless the caller may list the bucket, so the caller
   cannot tell missing from forbidden.

An anonymous caller never matches a Service principal. To act as a service principal, e.g. as CloudFront
reading through OAC in the edge emulator, an unsigned request names it in the harness-only headers
`x-harness-service-principal: cloudfront.amazonaws.com` and `x-harness-source-arn: <distribution ARN>`;
their values become aws:SourceArn and aws:SourceAccount for the policy's conditions. Real S3 has no such
headers: they exist only because the emulator cannot verify CloudFront's own signature.

Signed requests are the account's administrator, whatever the credentials: bucket policies, ACLs and Block
Public Access do not apply to them (Block Public Access never limits the owner's own account on AWS either).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.iam.access_control import PermissionResult
from moto.s3 import models
from moto.s3.exceptions import S3AccessDeniedError
from moto.s3.responses import ACTION_MAP, S3Response

from .bucket_policy import Caller, evaluate, is_public, parse_policy
from .s3_block_public_access import effective_block

SERVICE_HEADER = "x-harness-service-principal"
SOURCE_ARN_HEADER = "x-harness-source-arn"

# Which AllUsers ACL permission grants an action, and on which ACL (object or bucket).
_OBJECT_ACL_GRANTS = {"GetObject": "READ", "GetObjectVersion": "READ", "GetObjectAcl": "READ_ACP", "PutObjectAcl": "WRITE_ACP"}
_BUCKET_ACL_GRANTS = {
    "ListBucket": "READ",
    "ListBucketVersions": "READ",
    "ListBucketMultipartUploads": "READ",
    "PutObject": "WRITE",
    "DeleteObject": "WRITE",
    "GetBucketAcl": "READ_ACP",
    "PutBucketAcl": "WRITE_ACP",
}
# Operations whose IAM action differs from moto's operation name.
_IAM_ACTIONS = {"HeadBucket": "ListBucket", "ListBucketVersions": "ListBucketVersions"}

# moto's own checks call FakeBucket.get_permission; it answers from the decision taken here.
_decided = threading.local()


def caller_of(request: Any) -> Caller | None:
    """The unsigned caller of a request, or None for a signed (administrator) request."""
    query = request.query_string.decode() if isinstance(request.query_string, bytes) else str(request.query_string)
    if "Authorization" in request.headers or "Signature=" in query:
        return None
    service = request.headers.get(SERVICE_HEADER)
    if not service:
        return Caller(service=None, context={"aws:securetransport": "false"})
    source_arn = request.headers.get(SOURCE_ARN_HEADER, "")
    context = {"aws:securetransport": "true", "aws:principalservicename": service}
    if source_arn:
        context["aws:sourcearn"] = source_arn
        parts = source_arn.split(":")
        if len(parts) > 4 and parts[4]:
            context["aws:sourceaccount"] = parts[4]
    return Caller(service=service, context=context)


def may(backend: Any, bucket: Any, caller: Caller, action: str, target: Any) -> bool:
    """Whether an unsigned caller may perform `action` (e.g. "GetObject") on the bucket or the key `target`."""
    key_name = getattr(target, "name", None) if target is not bucket else None
    resource = f"arn:{backend.partition}:s3:::{bucket.name}" + (f"/{key_name}" if key_name else "")
    policy = parse_policy(bucket.policy)
    verdict = evaluate(policy, caller, f"s3:{action}", resource)
    if verdict == "deny":
        return False
    block = effective_block(backend, bucket)
    if verdict == "allow" and not (block.restrict_public_buckets and is_public(policy) and caller.service is None):
        return True
    if block.ignore_public_acls:
        return False
    permission = (_OBJECT_ACL_GRANTS if key_name else _BUCKET_ACL_GRANTS).get(action)
    return permission is not None and _all_users_granted(getattr(target, "acl", None), permission)


def _all_users_granted(acl: Any, permission: str) -> bool:
    if acl is None:
        return False
    return any(
        models.ALL_USERS_GRANTEE in grant.grantees and (permission in grant.permissions or "FULL_CONTROL" in grant.permissions)
        for grant in acl.grants
    )


@contextmanager
def _decision(permitted: bool) -> Iterator[None]:
    _decided.permitted = permitted
    try:
        yield
    finally:
        _decided.permitted = False


def _action_for(resource_type: str, method: str, querystring: dict[str, Any]) -> str:
    actions = ACTION_MAP[resource_type].get(method, {})
    chosen = next((a for q, a in actions.items() if q != "DEFAULT" and q in querystring), actions.get("DEFAULT", method))
    return _IAM_ACTIONS.get(chosen, chosen)


def apply() -> None:
    original_key_response = S3Response._key_response
    original_bucket_response = S3Response._bucket_response

    def _key_response(self: Any, request: Any, full_url: str) -> Any:
        caller = caller_of(request)
        bucket = self.backend.buckets.get(self.parse_bucket_name_from_url(request, full_url))
        if caller is None or bucket is None or request.method in ("OPTIONS", "POST"):
            with _decision(False):
                return original_key_response(self, request, full_url)
        key_name = self.parse_key_name()
        action = _action_for("KEY", request.method, self._get_querystring(request, full_url))
        key = self.backend.get_object(bucket.name, key_name)
        target = key if key is not None else _MissingKey(key_name)
        if not may(self.backend, bucket, caller, action, target):
            raise S3AccessDeniedError
        if key is None and request.method in ("GET", "HEAD") and not may(self.backend, bucket, caller, "ListBucket", bucket):
            raise S3AccessDeniedError
        with _decision(True):
            return original_key_response(self, request, full_url)

    def _bucket_response(self: Any, request: Any, full_url: str) -> Any:
        caller = caller_of(request)
        bucket_name = self.parse_bucket_name_from_url(request, full_url)
        if caller is None or not bucket_name or request.method in ("OPTIONS", "POST"):
            with _decision(False):
                return original_bucket_response(self, request, full_url)
        bucket = self.backend.buckets.get(bucket_name)
        if bucket is None:
            if request.method == "PUT":
                raise S3AccessDeniedError  # anonymous CreateBucket
            return original_bucket_response(self, request, full_url)
        action = _action_for("BUCKET", request.method, self._get_querystring(request, full_url))
        if not may(self.backend, bucket, caller, action, bucket):
            raise S3AccessDeniedError
        with _decision(True):
            return original_bucket_response(self, request, full_url)

    def get_permission(self: Any, action: str, resource: str) -> Any:
        return PermissionResult.PERMITTED if getattr(_decided, "permitted", False) else PermissionResult.NEUTRAL

    S3Response._key_response = _key_response  # type: ignore[method-assign]
    S3Response._bucket_response = _bucket_response  # type: ignore[method-assign]
    models.FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


class _MissingKey:
    """Stands in for a key that does not exist yet (PUT) or at all (GET): it has a name and no ACL."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.acl = None
