"""CloudFront: a distribution's ETag is its version, and writes must name the current one.

AWS gives a distribution a new ETag whenever its configuration changes, and UpdateDistribution and
DeleteDistribution must send the current ETag as If-Match: a missing one fails with InvalidIfMatchVersion
(400) and an outdated one with PreconditionFailed (412). This is CloudFront's optimistic concurrency, and the
operator's update path (GetDistributionConfig -> change owned fields -> UpdateDistribution, re-read on
PreconditionFailed) only means something if the emulator enforces it. moto 5.2.5 keeps one ETag for life and
accepts any If-Match value.

Also restored: LastModifiedTime moves on every change (moto reports a fixed 2021 date), and CallerReference
cannot be changed by an update (AWS answers IllegalUpdate), which keeps the operator's idempotent create keyed
on the CR uid honest.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion, NoSuchDistribution


class PreconditionFailed(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("PreconditionFailed", "The request failed because it didn't meet the preconditions in one or more request-header fields.")


class IllegalUpdate(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("IllegalUpdate", message)


def check_if_match(current_etag: str, if_match: str | None) -> None:
    """The If-Match rule shared by every CloudFront write that takes one."""
    if not if_match:
        raise InvalidIfMatchVersion
    if if_match != current_etag:
        raise PreconditionFailed


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def apply() -> None:
    backend = models.CloudFrontBackend
    original_create = backend.create_distribution_with_tags
    original_update = backend.update_distribution
    original_delete = backend.delete_distribution

    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: Any) -> Any:
        dist, location, etag = original_create(self, distribution_config, tags)
        dist.last_modified_time = now_iso()
        return dist, location, etag

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str | None) -> Any:
        dist = self.distributions.get(_id)
        if dist is None:
            raise NoSuchDistribution
        check_if_match(dist.etag, if_match)
        caller_reference = (dist_config or {}).get("CallerReference")
        if caller_reference != dist.distribution_config.caller_reference:
            raise IllegalUpdate("The CallerReference of a distribution cannot be changed.")
        dist, location, _ = original_update(self, dist_config, _id, if_match)
        dist.etag = models.random_id()
        dist.last_modified_time = now_iso()
        return dist, location, dist.etag

    def delete_distribution(self: Any, distribution_id: str, if_match: str | None) -> None:
        dist = self.distributions.get(distribution_id)
        if dist is None:
            raise NoSuchDistribution
        check_if_match(dist.etag, if_match)
        original_delete(self, distribution_id, if_match)

    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    backend.update_distribution = update_distribution  # type: ignore[method-assign]
    backend.delete_distribution = delete_distribution  # type: ignore[method-assign]
