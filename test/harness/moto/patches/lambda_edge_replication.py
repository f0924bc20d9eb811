"""Lambda@Edge: a function stays undeletable while CloudFront uses it, and for a while after.

CloudFront replicates a Lambda@Edge function to its edge locations. While a distribution associates a version
of the function, and for hours after the association is removed or the distribution deleted (until the
replicas are cleaned up), Lambda refuses DeleteFunction, for the whole function and for that version, with
InvalidParameterValueException (400): "Lambda was unable to delete <arn> because it is a replicated function."
The operator's deletion path and its sweeper exist because of this. moto 5.2.5 replicates nothing and
deletes at once.

Here the refusal is modelled per function (account and name):
- while any distribution in the account associates a version of it, deletion is refused;
- after the last association goes away (UpdateDistribution without it, or DeleteDistribution), deletion is
  refused for the linger time, then allowed.
The linger time is moto's state-manager transition of the model "lambda::edge-replica": the launcher registers
the default (--edge-replica-linger-ms), and a test may change it at run time with
POST /moto-api/state-manager/set-transition {"model_name": "lambda::edge-replica",
"transition": {"progression": "time", "seconds": N}} and go back with unset-transition. Release times live on
the Lambda backend, so /moto-api/reset forgets them.
"""

from __future__ import annotations

import re
import time
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import InvalidParameterValueException
from moto.cloudfront import models as cloudfront_models
from moto.moto_api import state_manager

MODEL_NAME = "lambda::edge-replica"

# arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier]
_FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):function:([A-Za-z0-9_-]+)(?::[^:]+)?$")


def linger_seconds() -> float:
    transition = state_manager.get_transition(MODEL_NAME)
    return float(transition.get("seconds", 0)) if transition.get("progression") == "time" else 0.0


def function_key(arn: str) -> tuple[str, str] | None:
    match = _FUNCTION_ARN.match(arn or "")
    return (match.group(1), match.group(2)) if match else None


def associated_functions(dist: Any) -> set[tuple[str, str]]:
    """(account, function name) of every Lambda@Edge association on the distribution's cache behaviours."""
    config = dist.distribution_config
    behaviours = [config.DefaultCacheBehavior, *((getattr(config, "CacheBehaviors", None) or {}).get("Items") or [])]
    keys: set[tuple[str, str]] = set()
    for behaviour in behaviours:
        associations = getattr(behaviour, "lambda_function_associations", None) or {}
        for item in associations.get("Items") or []:
            key = function_key(item.get("LambdaFunctionARN", ""))
            if key is not None:
                keys.add(key)
    return keys


def released_at(account_id: str) -> dict[str, float]:
    """Function name -> when its last association went away, on the account's us-east-1 Lambda backend."""
    backend = lambda_models.lambda_backends[account_id]["us-east-1"]
    if not hasattr(backend, "_edge_replicas_released_at"):
        backend._edge_replicas_released_at = {}
    released: dict[str, float] = backend._edge_replicas_released_at
    return released


def in_use(account_id: str, name: str) -> bool:
    backend = cloudfront_models.cloudfront_backends[account_id]["aws"]
    return any((account_id, name) in associated_functions(dist) for dist in list(backend.distributions.values()))


def function_name(name_or_arn: str) -> str:
    key = function_key(name_or_arn)
    return key[1] if key is not None else name_or_arn.split(":")[0]


def _record_releases(before: set[tuple[str, str]], after: set[tuple[str, str]]) -> None:
    now = time.monotonic()
    for account_id, name in before - after:
        released_at(account_id)[name] = now


def _track_cloudfront() -> None:
    backend = cloudfront_models.CloudFrontBackend
    original_update = backend.update_distribution
    original_delete = backend.delete_distribution

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str | None) -> Any:
        dist = self.distributions.get(_id)
        before = associated_functions(dist) if dist is not None else set()
        result = original_update(self, dist_config, _id, if_match)
        _record_releases(before, associated_functions(result[0]))
        return result

    def delete_distribution(self: Any, distribution_id: str, if_match: str | None) -> None:
        dist = self.distributions.get(distribution_id)
        before = associated_functions(dist) if dist is not None else set()
        original_delete(self, distribution_id, if_match)
        _record_releases(before, set())

    backend.update_distribution = update_distribution  # type: ignore[method-assign]
    backend.delete_distribution = delete_distribution  # type: ignore[method-assign]


def _refuse_replicated_deletes() -> None:
    backend = lambda_models.LambdaBackend
    original_delete = backend.delete_function

    def delete_function(self: Any, name_or_arn: str, qualifier: str | None = None) -> None:
        name = function_name(name_or_arn)
        released = released_at(self.account_id).get(name)
        lingering = released is not None and time.monotonic() - released < linger_seconds()
        if self.region_name == "us-east-1" and (in_use(self.account_id, name) or lingering):
            arn = f"arn:aws:lambda:{self.region_name}:{self.account_id}:function:{name}"
            target = f"{arn}:{qualifier}" if qualifier else arn
            raise InvalidParameterValueException(
                f"Lambda was unable to delete {target} because it is a replicated function. "
                "Please see our documentation for Deleting Lambda@Edge Functions and Replicas."
            )
        original_delete(self, name_or_arn, qualifier)

    backend.delete_function = delete_function  # type: ignore[method-assign]


def apply(linger_ms: int) -> None:
    # The default, not an override: set-transition/unset-transition from a test then behave as documented.
    state_manager.register_default_transition(MODEL_NAME, {"progression": "time", "seconds": linger_ms / 1000})
    _track_cloudfront()
    _refuse_replicated_deletes()
