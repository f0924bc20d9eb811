"""CloudFront: a caller reference stays spent after its distribution is deleted.

CloudFront documents CallerReference as a value that prevents replays: "if CallerReference is a value that you
already sent in a previous request to create a distribution, CloudFront returns a DistributionAlreadyExists
error". It does not promise to forget a reference once the distribution is gone, so the operator must not
count on that when it replaces a distribution someone deleted by hand. moto 5.2.5 only compares against the
distributions that still exist; here the references of deleted distributions are remembered too, per backend
(so /moto-api/reset forgets them), and reusing one fails as it would on AWS, naming the deleted id.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import DistributionAlreadyExists


def spent_references(backend: Any) -> dict[str, str]:
    """Caller reference -> id of the deleted distribution it created, kept on the backend instance."""
    if not hasattr(backend, "_spent_caller_references"):
        backend._spent_caller_references = {}
    spent: dict[str, str] = backend._spent_caller_references
    return spent


def apply() -> None:
    backend = models.CloudFrontBackend
    original_create = backend.create_distribution_with_tags
    original_delete = backend.delete_distribution

    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: list[dict[str, str]]) -> Any:
        reference = distribution_config.get("CallerReference")
        deleted_id = spent_references(self).get(reference) if isinstance(reference, str) else None
        if deleted_id is not None:
            raise DistributionAlreadyExists(deleted_id)
        return original_create(self, distribution_config, tags)

    def delete_distribution(self: Any, distribution_id: str, if_match: str | None) -> None:
        dist = self.distributions.get(distribution_id)
        original_delete(self, distribution_id, if_match)
        if dist is not None:
            spent_references(self)[dist.distribution_config.caller_reference] = distribution_id

    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    backend.delete_distribution = delete_distribution  # type: ignore[method-assign]
