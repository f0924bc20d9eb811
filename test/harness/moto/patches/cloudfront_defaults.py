"""CloudFront: a distribution config comes back with CloudFront's defaults filled in, not as it was sent.

CloudFront stores a complete DistributionConfig: fields the request left out come back from every read
(CreateDistribution, GetDistribution, GetDistributionConfig, UpdateDistribution, ListDistributions) with
CloudFront's default values, and a few legacy fields the request did not send are not returned at all. A
controller that compares what it sent with what it reads back has to know which fields it owns; on stock moto
it never learns that, because moto's defaults differ from CloudFront's.

Evidence, and what is done here (only when the request did not send the field):
- S3OriginConfig.OriginReadTimeout: 30. The API reference of S3OriginConfig documents the field and its
  default ("the default (if you don't specify otherwise) is 30 seconds"),
  https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_S3OriginConfig.html; the brief of this
  patch cites hashicorp/terraform-provider-aws#44172 reporting that AWS returns it when it was not sent.
- DefaultCacheBehavior and CacheBehaviors: GrpcConfig {Enabled: false}, Compress false, TrustedKeyGroups
  {Enabled: false, Quantity: 0}; with a cache policy, no TrustedSigners, SmoothStreaming, RealtimeLogConfigArn,
  MinTTL, DefaultTTL or MaxTTL. Recorded responses: aws/aws-cli awscli/examples/cloudfront/create-distribution.rst,
  examples 3 and 4 (requests with a CachePolicyId and none of these fields; output recorded 2025-07-10).
  moto 5.2.5 answers Compress true, no GrpcConfig, and the legacy fields with zeros.
- Lists with Quantity 0 have no Items (CustomHeaders, TrustedKeyGroups, TrustedSigners), and the default
  certificate has no empty IAMCertificateId/ACMCertificateArn/Certificate: every output in the aws-cli
  examples create-distribution.rst, get-distribution.rst and get-distribution-config.rst.
- Already right in moto and pinned by the test: ConnectionAttempts 3, ConnectionTimeout 10, OriginShield
  {Enabled: false}, OriginAccessControlId "" (create-distribution.rst examples 3 and 4),
  FieldLevelEncryptionId "", LambdaFunctionAssociations/FunctionAssociations {Quantity: 0}.

Not modelled for lack of a citable recorded response: Staging and ContinuousDeploymentPolicyId, the default
MinimumProtocolVersion of a distribution with its own certificate, SSLSupportMethod of the default
certificate (the recorded outputs disagree).

A run-time switch (switches.py) turns this off for distributions created or updated afterwards.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models

from .switches import active

NAME = "cloudfront_defaults"
S3_ORIGIN_READ_TIMEOUT = 30
_LEGACY_WITH_CACHE_POLICY = ("trusted_signers", "smooth_streaming", "min_ttl", "default_ttl", "max_ttl")
_SENT_NAMES = {
    "trusted_signers": "TrustedSigners",
    "smooth_streaming": "SmoothStreaming",
    "min_ttl": "MinTTL",
    "default_ttl": "DefaultTTL",
    "max_ttl": "MaxTTL",
}


def apply() -> None:
    _origin_defaults()
    _behaviour_defaults()
    _certificate_without_empty_fields()


def _without_empty_items(value: Any) -> Any:
    if isinstance(value, dict) and not value.get("Quantity") and "Items" in value:
        return {k: v for k, v in value.items() if k != "Items"}
    return value


def _origin_defaults() -> None:
    original_init = models.Origin.__init__

    def init(self: Any, origin: dict[str, Any]) -> None:
        original_init(self, origin)
        if not active(NAME):
            return
        s3_config = getattr(self, "s3_origin_config", None)
        if isinstance(s3_config, dict):
            s3_config = dict(s3_config)
            timeout = s3_config.get("OriginReadTimeout")
            s3_config["OriginReadTimeout"] = int(timeout) if timeout not in (None, "") else S3_ORIGIN_READ_TIMEOUT
            self.s3_origin_config = s3_config
        self.custom_headers = _without_empty_items(self.custom_headers)

    models.Origin.__init__ = init  # type: ignore[method-assign]


def _behaviour_defaults() -> None:
    original_init = models.DefaultCacheBehaviour.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        sent = set(config)
        original_init(self, config)
        if not active(NAME):
            return
        if "Compress" not in sent:
            self.compress = False
        grpc = config.get("GrpcConfig") or {}
        self.grpc_config = {"Enabled": grpc.get("Enabled") in (True, "true", "True")}
        for group in (self.trusted_key_groups, self.trusted_signers):
            if not group.quantity:
                group.items = None
        if config.get("CachePolicyId"):
            for attribute in _LEGACY_WITH_CACHE_POLICY:
                if _SENT_NAMES[attribute] not in sent:
                    setattr(self, attribute, None)
        if "RealtimeLogConfigArn" not in sent:
            self.realtime_log_config_arn = None

    # CacheBehaviour (ordered behaviours) calls this through super().__init__, so both are covered.
    models.DefaultCacheBehaviour.__init__ = init  # type: ignore[method-assign]


def _certificate_without_empty_fields() -> None:
    original_init = models.ViewerCertificate.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        original_init(self, config)
        if not active(NAME):
            return
        for attribute in ("iam_certificate_id", "acm_certificate_arn", "certificate"):
            if getattr(self, attribute, None) == "":
                setattr(self, attribute, None)

    models.ViewerCertificate.__init__ = init  # type: ignore[method-assign]
