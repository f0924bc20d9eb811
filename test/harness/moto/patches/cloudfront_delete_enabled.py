"""CloudFront: only a disabled, fully deployed distribution can be deleted.

AWS's DeleteDistribution fails with DistributionNotDisabled (409) while the distribution is enabled, and the
documented procedure is to disable it, wait until GetDistribution reports Status Deployed, then delete with
the ETag of that last change. Until the disabling change has deployed, AWS still treats the distribution as
not disabled, so this patch refuses the delete while Status is InProgress too. moto 5.2.5 deletes an enabled
distribution at once, which would let the operator's deletion path skip its disable-and-wait step unnoticed.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException


class DistributionNotDisabled(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "DistributionNotDisabled",
            "The distribution you are trying to delete has not been disabled.",
        )


def is_enabled(dist: Any) -> bool:
    return getattr(dist.distribution_config, "Enabled", False) in (True, "true", "True")


def apply() -> None:
    backend = models.CloudFrontBackend
    original_delete = backend.delete_distribution

    def delete_distribution(self: Any, distribution_id: str, if_match: str | None) -> None:
        dist = self.distributions.get(distribution_id)
        # Reading .status evaluates moto's state transition without counting as a read (see cloudfront_deployment).
        if dist is not None and (is_enabled(dist) or dist.status != "Deployed"):
            raise DistributionNotDisabled
        original_delete(self, distribution_id, if_match)

    backend.delete_distribution = delete_distribution  # type: ignore[method-assign]
