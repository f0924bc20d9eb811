"""S3: Block Public Access refuses writes that would make a bucket public.

AWS behaviour restored here (moto 5.2.5 stores the four settings and enforces none of them):
- BlockPublicPolicy: PutBucketPolicy of a public policy fails with AccessDenied (403). "Public" is S3's
  documented rule (bucket_policy.is_public, whose header cites it): a policy that grants only to fixed
  principals, such as the cloudfront.amazonaws.com service principal, or to everyone but pinned by fixed values
  of a listed condition key (an aws:SourceIp range of /8 or narrower, a fixed aws:SourceArn, ...), is not
  public and is accepted.
- BlockPublicAcls: PutBucketAcl, PutObjectAcl and PutObject with a public ACL (a grant to AllUsers or
  AuthenticatedUsers, canned or explicit) fail with AccessDenied (403).
- GetBucketPolicyStatus uses the same definition of "public" as the enforcement (stock moto treats any
  statement with a Condition as non-public, even `"Condition": {"Bool": {"aws:SecureTransport": "true"}}`).

The effective setting is the bucket's OR the account's (s3control PutPublicAccessBlock), as on AWS. The read
side (RestrictPublicBuckets, IgnorePublicAcls) is in s3_anonymous_access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.core.responses import ActionResult
from moto.s3 import models
from moto.s3.exceptions import NoSuchBucketPolicy, S3ClientError
from moto.s3.responses import S3Response
from moto.s3control.models import s3control_backends

from .bucket_policy import is_public, parse_policy

_PUBLIC_GRANTEES = (models.ALL_USERS_GRANTEE, models.AUTHENTICATED_USERS_GRANTEE)


class BlockedByPublicAccessBlock(S3ClientError):
    def __init__(self, setting: str) -> None:
        super().__init__("AccessDenied", f"Access Denied: blocked by the {setting} block public access setting")


@dataclass(frozen=True)
class EffectiveBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False


def effective_block(backend: Any, bucket: Any) -> EffectiveBlock:
    """The bucket's settings OR'ed with the account's, which is what S3 enforces."""
    sources = [bucket.public_access_block]
    try:
        sources.append(s3control_backends[backend.account_id][backend.partition].public_access_block)
    except KeyError:
        pass
    present = [s for s in sources if s is not None]
    return EffectiveBlock(
        block_public_acls=any(s.block_public_acls for s in present),
        ignore_public_acls=any(s.ignore_public_acls for s in present),
        block_public_policy=any(s.block_public_policy for s in present),
        restrict_public_buckets=any(s.restrict_public_buckets for s in present),
    )


def acl_is_public(acl: Any) -> bool:
    if acl is None:
        return False
    return any(grantee in _PUBLIC_GRANTEES for grant in acl.grants for grantee in grant.grantees)


def apply() -> None:
    backend = models.S3Backend
    original_put_policy = backend.put_bucket_policy
    original_put_bucket_acl = backend.put_bucket_acl
    original_put_object_acl = backend.put_object_acl
    original_put_object = S3Response.put_object

    def put_bucket_policy(self: Any, bucket_name: str, policy: bytes) -> None:
        bucket = self.get_bucket(bucket_name)
        if effective_block(self, bucket).block_public_policy and is_public(parse_policy(policy)):
            raise BlockedByPublicAccessBlock("BlockPublicPolicy")
        original_put_policy(self, bucket_name, policy)

    def put_bucket_acl(self: Any, bucket_name: str, acl: Any) -> None:
        _refuse_public_acl(self, self.get_bucket(bucket_name), acl)
        original_put_bucket_acl(self, bucket_name, acl)

    def put_object_acl(self: Any, bucket_name: str, key_name: str, acl: Any, *args: Any, **kwargs: Any) -> None:
        _refuse_public_acl(self, self.get_bucket(bucket_name), acl)
        original_put_object_acl(self, bucket_name, key_name, acl, *args, **kwargs)

    def put_object(self: Any) -> Any:
        _refuse_public_acl(self.backend, self.backend.get_bucket(self.bucket_name), self._acl_from_headers(self.headers))
        return original_put_object(self)

    def get_bucket_policy_status(self: Any) -> Any:
        policy = self.backend.get_bucket_policy(self.bucket_name)
        if not policy:
            raise NoSuchBucketPolicy(bucket_name=self.bucket_name)
        self.data["Action"] = "GetBucketPolicyStatus"
        return self.serialized(ActionResult({"PolicyStatus": {"IsPublic": is_public(parse_policy(policy))}}))

    backend.put_bucket_policy = put_bucket_policy  # type: ignore[method-assign]
    backend.put_bucket_acl = put_bucket_acl  # type: ignore[method-assign]
    backend.put_object_acl = put_object_acl  # type: ignore[method-assign]
    S3Response.put_object = put_object  # type: ignore[method-assign]
    S3Response.get_bucket_policy_status = get_bucket_policy_status  # type: ignore[method-assign]


def _refuse_public_acl(backend: Any, bucket: Any, acl: Any) -> None:
    if effective_block(backend, bucket).block_public_acls and acl_is_public(acl):
        raise BlockedByPublicAccessBlock("BlockPublicAcls")
