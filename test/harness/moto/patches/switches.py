"""Turning patches off: at launch for every patch, at run time for the patches of the realistic mode.

Every patch can be left out at launch (`serve.py --disable-patch NAME`, repeatable, or MOTO_DISABLED_PATCHES
as a comma-separated list); a patch that is left out is never applied.

The patches of the realistic mode (REALISTIC_MODE below) are applied in any case and ask, on every request,
whether they are switched on. Their switch is moto's state manager, like the other run-time settings of this
emulator: the launcher registers the default transition of the model "securedcontent::patches" as
{"disabled": [<names left out at launch>]}, and a test that needs moto's simpler behaviour for a while posts

    POST /moto-api/state-manager/set-transition
    {"model_name": "securedcontent::patches", "transition": {"disabled": ["cloudfront_set_order"]}}

and goes back to the launch setting with POST /moto-api/state-manager/unset-transition
{"model_name": "securedcontent::patches"}. /moto-api/reset does not touch it.
"""

from __future__ import annotations

from moto.moto_api import state_manager

MODEL_NAME = "securedcontent::patches"

# The behaviours a test may switch off while the server runs. They change what CloudFront, Lambda and S3
# return; the older patches restore behaviour the operator cannot be tested without and stay on.
REALISTIC_MODE = (
    "cloudfront_defaults",
    "cloudfront_set_order",
    "cloudfront_quotas",
    "cloudfront_field_limits",
    "lambda_qualified_tags",
    "lambda_field_limits",
    "s3_bucket_tagging_consistency",
    "s3_bucket_tag_limits",
    "s3_bucket_region",
)


def register(disabled_at_launch: frozenset[str]) -> None:
    state_manager.register_default_transition(MODEL_NAME, {"disabled": sorted(disabled_at_launch)})


def active(name: str) -> bool:
    """Whether a realistic-mode patch is switched on right now."""
    disabled = state_manager.get_transition(MODEL_NAME).get("disabled") or []
    return name not in disabled
