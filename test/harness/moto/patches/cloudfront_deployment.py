"""CloudFront: every change deploys for a while before the distribution is Deployed again.

On AWS, CreateDistribution and every UpdateDistribution leave the distribution InProgress for minutes while
the change reaches the edge; only then does GetDistribution report Deployed. The operator keeps Ready=False
and Reconciling=True during that time, and its deletion path waits for Deployed before deleting, so tests
need a distribution that is visibly "deploying" and then finishes.

moto 5.2.5 models the first deployment with its state manager (model "cloudfront::distribution", Deployed
after one read) but an update never returns the distribution to InProgress, and GetDistributionConfig, whose
response has no Status at all, counts as a read.

Here the deployment is modelled with moto's own state manager, so the launcher sets its length:
- by reads (default): Deployed on the Nth GetDistribution after the change; ListDistributions counts as one
  read of every distribution, as in moto.
- by time (--deploy-after-ms): Deployed once that long has passed since the change.
Tests may still change it at run time through POST /moto-api/state-manager/set-transition and go back to the
launch setting with /moto-api/state-manager/unset-transition; /moto-api/reset leaves it alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import NoSuchDistribution
from moto.moto_api import state_manager

MODEL_NAME = "cloudfront::distribution"


def transition(deploy_after_reads: int, deploy_after_ms: int | None) -> dict[str, Any]:
    if deploy_after_ms is not None:
        return {"progression": "time", "seconds": deploy_after_ms / 1000}
    return {"progression": "manual", "times": deploy_after_reads}


def restart_deployment(dist: Any) -> None:
    """Puts a distribution back to InProgress, as a change on AWS does."""
    dist.status = "InProgress"
    dist._tick = 0
    dist._time_progressed = datetime.now()


def apply(deploy_after_reads: int, deploy_after_ms: int | None) -> None:
    # The default, not an override: set-transition/unset-transition from a test then behave as documented.
    state_manager.register_default_transition(MODEL_NAME, transition(deploy_after_reads, deploy_after_ms))

    backend = models.CloudFrontBackend
    original_update = backend.update_distribution

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str | None) -> Any:
        dist, location, etag = original_update(self, dist_config, _id, if_match)
        restart_deployment(dist)
        return dist, location, etag

    def get_distribution_config(self: Any, distribution_id: str) -> Any:
        dist = self.distributions.get(distribution_id)
        if dist is None:
            raise NoSuchDistribution
        return dist.distribution_config, dist.etag

    backend.update_distribution = update_distribution  # type: ignore[method-assign]
    backend.get_distribution_config = get_distribution_config  # type: ignore[method-assign]
