"""The project's fidelity patches for moto 5.2.5, applied in-process before the server starts.

Each module restores one AWS behaviour that the operator depends on and that moto gets wrong or leaves out.
The modules are written against moto 5.2.5's code: bumping the pin in requirements.txt means re-reading
moto's cloudfront, s3 and awslambda modules and re-running test/integration/moto.

Any patch can be left out at launch (PatchOptions.disabled); the realistic-mode patches can also be switched
off while the server runs (see switches.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # Names of patches not to apply (launch) or, for the realistic-mode patches, to start switched off.
    disabled: frozenset[str] = field(default_factory=frozenset)
    # Account quotas (CloudFront's documented defaults); tests lower them to reach the limit quickly.
    max_origin_access_controls: int = 100
    max_distributions: int = 500
    # How many GetBucketTagging reads after a PutBucketTagging/DeleteBucketTagging still see the old tag set.
    bucket_tagging_stale_reads: int = 1


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
        cloudfront_conflicting_aliases,
        cloudfront_defaults,
        cloudfront_delete_enabled,
        cloudfront_deployment,
        cloudfront_etag,
        cloudfront_field_limits,
        cloudfront_origin_access_control,
        cloudfront_quotas,
        cloudfront_response_headers_policy,
        cloudfront_set_order,
        iam_enforcement,
        lambda_code_location,
        lambda_edge_replication,
        lambda_field_limits,
        lambda_qualified_tags,
        lambda_runtime_management,
        s3_anonymous_access,
        s3_block_public_access,
        s3_bucket_region,
        s3_bucket_tag_limits,
        s3_bucket_tagging_consistency,
        s3_object_acl_default,
        switches,
    )

    # Order matters where patches wrap the same moto method: the last applied runs first. cloudfront_etag
    # goes after cloudfront_delete_enabled and cloudfront_deployment so that a delete or update is checked
    # for existence and If-Match before anything else, as on AWS; cloudfront_caller_permissions goes before
    # it for the same reason (a stale If-Match is reported before a missing permission). cloudfront_defaults
    # and cloudfront_set_order rewrite what cloudfront_config_fields stored, so they come after it; the quota
    # and field-limit checks come last so that they run before anything is created.
    patches = [
        ("cloudfront_caller_reference", cloudfront_caller_reference.apply),
        ("cloudfront_config_fields", cloudfront_config_fields.apply),
        ("cloudfront_defaults", cloudfront_defaults.apply),
        ("cloudfront_set_order", cloudfront_set_order.apply),
        ("cloudfront_delete_enabled", cloudfront_delete_enabled.apply),
        ("cloudfront_deployment", lambda: cloudfront_deployment.apply(options.deploy_after_reads, options.deploy_after_ms)),
        ("cloudfront_response_headers_policy", cloudfront_response_headers_policy.apply),
        ("cloudfront_caller_permissions", cloudfront_caller_permissions.apply),
        ("cloudfront_etag", cloudfront_etag.apply),
        ("cloudfront_origin_access_control", cloudfront_origin_access_control.apply),
        ("cloudfront_conflicting_aliases", cloudfront_conflicting_aliases.apply),
        ("cloudfront_quotas", lambda: cloudfront_quotas.apply(options.max_origin_access_controls, options.max_distributions)),
        ("cloudfront_field_limits", cloudfront_field_limits.apply),
        ("lambda_edge_replication", lambda: lambda_edge_replication.apply(options.edge_replica_linger_ms)),
        ("s3_anonymous_access", s3_anonymous_access.apply),
        ("s3_block_public_access", s3_block_public_access.apply),
        ("s3_object_acl_default", s3_object_acl_default.apply),
        ("s3_bucket_tagging_consistency", lambda: s3_bucket_tagging_consistency.apply(options.bucket_tagging_stale_reads)),
        ("s3_bucket_tag_limits", s3_bucket_tag_limits.apply),
        ("s3_bucket_region", s3_bucket_region.apply),
        ("lambda_code_location", lambda_code_location.apply),
        ("lambda_qualified_tags", lambda_qualified_tags.apply),
        ("lambda_field_limits", lambda_field_limits.apply),
        ("lambda_runtime_management", lambda_runtime_management.apply),
        ("iam_enforcement", iam_enforcement.apply),
    ]
    unknown = options.disabled - {name for name, _ in patches}
    if unknown:
        raise ValueError(f"no such patch to disable: {', '.join(sorted(unknown))}")
    # A realistic-mode patch named at launch is applied but starts switched off, so a test can turn it on.
    switches.register(options.disabled)
    applied = []
    for name, apply in patches:
        if name in options.disabled and name not in switches.REALISTIC_MODE:
            continue
        apply()
        applied.append(f"{name} (off)" if name in options.disabled else name)
    return applied
