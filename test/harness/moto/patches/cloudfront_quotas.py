"""CloudFront: account quotas on origin access controls and distributions, with CloudFront's error codes.

An account holds at most 100 origin access controls and 500 distributions by default ("Origin access
controls per AWS account: 100", "Distributions per AWS account: 500" in
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html). Creating one more
fails:
- CreateOriginAccessControl -> TooManyOriginAccessControls, HTTP 400 (error list of
  https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html);
- CreateDistribution and CreateDistributionWithTags -> TooManyDistributions, HTTP 400 ("Processing your
  request would cause you to exceed the maximum number of distributions allowed.", error lists of
  API_CreateDistribution.html and API_CreateDistributionWithTags.html).
moto 5.2.5 has no quotas at all, so an operator that leaks an OAC or a distribution per reconcile would never
find out here.

The limits are moto state-manager settings of the model "cloudfront::quotas": the launcher registers
{"origin_access_controls": N, "distributions": M} (serve.py --max-origin-access-controls,
--max-distributions), and a test lowers them with POST /moto-api/state-manager/set-transition
{"model_name": "cloudfront::quotas", "transition": {"origin_access_controls": 3}} (keys left out keep the
launch value) and restores them with unset-transition. Deleted resources no longer count, as on AWS.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException
from moto.moto_api import state_manager

from .switches import active

NAME = "cloudfront_quotas"
MODEL_NAME = "cloudfront::quotas"


class TooManyOriginAccessControls(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "TooManyOriginAccessControls",
            "The number of origin access controls in your AWS account exceeds the maximum allowed.",
        )


class TooManyDistributions(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "TooManyDistributions",
            "Processing your request would cause you to exceed the maximum number of distributions allowed.",
        )


_launch: dict[str, int] = {}


def limits() -> dict[str, int]:
    """The quotas in force: the launch values, overridden key by key by a transition set at run time."""
    current = state_manager.get_transition(MODEL_NAME)
    return {key: int(current.get(key, default)) for key, default in _launch.items()}


def apply(max_origin_access_controls: int, max_distributions: int) -> None:
    _launch.update({"origin_access_controls": max_origin_access_controls, "distributions": max_distributions})
    state_manager.register_default_transition(MODEL_NAME, dict(_launch))

    backend = models.CloudFrontBackend
    original_create_oac = backend.create_origin_access_control
    original_create_distribution = backend.create_distribution_with_tags

    def create_origin_access_control(self: Any, config_dict: dict[str, str]) -> Any:
        if active(NAME) and len(self.origin_access_controls) >= limits()["origin_access_controls"]:
            raise TooManyOriginAccessControls
        return original_create_oac(self, config_dict)

    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: Any) -> Any:
        if active(NAME) and len(self.distributions) >= limits()["distributions"]:
            raise TooManyDistributions
        return original_create_distribution(self, distribution_config, tags)

    backend.create_origin_access_control = create_origin_access_control  # type: ignore[method-assign]
    # CreateDistribution goes through create_distribution_with_tags in moto, so both operations are covered.
    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
