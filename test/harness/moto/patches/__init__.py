"""The project's fidelity patches for moto 5.2.5, applied in-process before the server starts.

Each module restores one AWS behaviour that the operator depends on and that moto gets wrong or leaves out.
The modules are written against moto 5.2.5's code: bumping the pin in requirements.txt means re-reading
moto's cloudfront and s3 modules and re-running test/integration/moto.
"""

from __future__ import annotations

from dataclasses import dataclass

import moto

EXPECTED_MOTO_VERSION = "5.2.5"


@dataclass(frozen=True)
class PatchOptions:
    # How many GetDistribution/ListDistributions reads an InProgress distribution needs to become Deployed.
    deploy_after_reads: int = 2
    # When set, the distribution is Deployed this many milliseconds after its last change instead.
    deploy_after_ms: int | None = None
    # How long Lambda refuses to delete an edge function after CloudFront stopped using it (AWS: hours).
    edge_replica_linger_ms: int = 0


def apply_all(options: PatchOptions) -> list[str]:
    """Applies every patch and returns their names, for the launcher's ready line."""
    if moto.__version__ != EXPECTED_MOTO_VERSION:
        raise RuntimeError(
            f"the patches target moto {EXPECTED_MOTO_VERSION} but {moto.__version__} is installed; "
            "re-read moto's code before changing the pin"
        )
    # Imported here so that the version check above runs before any patch touches moto's internals.
    from . import (
        cloudfront_caller_permissions,
        cloudfront_caller_reference,
        cloudfront_config_fields,
        cloudfront_delete_enabled,
        cloudfront_deployment,
        cloudfront_etag,
        cloudfront_origin_access_control,
        iam_enforcement,
        lambda_code_location,
        lambda_edge_replication,
        s3_anonymous_access,
        s3_block_public_access,
        s3_object_acl_default,
    )

    # Order matters where patches wrap the same moto method: the last applied runs first. cloudfront_etag
    # goes after cloudfront_delete_enabled and cloudfront_deployment so that a delete or update is checked
    # for existence and If-Match before anything else, as on AWS; cloudfront_caller_permissions goes before
    # it for the same reason (a stale If-Match is reported before a missing permission).
    patches = [
        ("cloudfront_caller_reference", cloudfront_caller_reference.apply),
        ("cloudfront_config_fields", cloudfront_config_fields.apply),
        ("cloudfront_delete_enabled", cloudfront_delete_enabled.apply),
        ("cloudfront_deployment", lambda: cloudfront_deployment.apply(options.deploy_after_reads, options.deploy_after_ms)),
        ("cloudfront_caller_permissions", cloudfront_caller_permissions.apply),
        ("cloudfront_etag", cloudfront_etag.apply),
        ("cloudfront_origin_access_control", cloudfront_origin_access_control.apply),
        ("lambda_edge_replication", lambda: lambda_edge_replication.apply(options.edge_replica_linger_ms)),
        ("s3_anonymous_access", s3_anonymous_access.apply),
        ("s3_block_public_access", s3_block_public_access.apply),
        ("s3_object_acl_default", s3_object_acl_default.apply),
        ("lambda_code_location", lambda_code_location.apply),
        ("iam_enforcement", iam_enforcement.apply),
    ]
    for _, apply in patches:
        apply()
    return [name for name, _ in patches]
