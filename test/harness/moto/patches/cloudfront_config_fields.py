"""CloudFront: keep the distribution settings that moto 5.2.5 silently drops.

AWS stores the whole DistributionConfig it is given and returns it from every read. moto 5.2.5 builds its own
objects from the request and loses, among others:

- Origins[].OriginAccessControlId: the origin had no OAC, so the operator would re-add it on every resync.
- Origins[].S3OriginConfig (with OriginAccessIdentity ""): moto keeps the identity string but never returns
  the structure, and fails with a KeyError when OriginAccessIdentity is absent.
- LambdaFunctionAssociations (and FunctionAssociations) on the default and ordered cache behaviours: moto
  always answers Quantity 0, so the viewer-request association could never be observed.
- ForwardedValues: moto invents a legacy ForwardedValues block next to a CachePolicyId. Sending that config
  back, as GetDistributionConfig -> UpdateDistribution does, fails on AWS with InvalidArgument; so the
  invented block is no longer returned, and a request carrying both is rejected the way AWS rejects it.
- ViewerCertificate.CertificateSource/Certificate: moto reports "cloudfront" even for an ACM certificate.

It also rejects what AWS rejects for Lambda@Edge associations: an ARN that does not name a numbered version
of a function in us-east-1 gives InvalidLambdaFunctionAssociation (400).
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException

# arn:aws:lambda:us-east-1:123456789012:function:name:42 - the version must be a number, not $LATEST or an alias.
_EDGE_FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:us-east-1:\d{12}:function:[A-Za-z0-9_-]+:\d+$")


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class InvalidLambdaFunctionAssociation(CloudFrontException):
    def __init__(self, arn: str) -> None:
        super().__init__(
            "InvalidLambdaFunctionAssociation",
            f"The function ARN must reference a specific function version in us-east-1: {arn}",
        )


def apply() -> None:
    _keep_origin_access_fields()
    _keep_behaviour_associations()
    _report_certificate_source()


def _keep_origin_access_fields() -> None:
    original_init = models.Origin.__init__

    def init(self: Any, origin: dict[str, Any]) -> None:
        s3_config = origin.get("S3OriginConfig")
        if "S3OriginConfig" in origin:
            # An empty <OriginAccessIdentity/> arrives as None or is missing; AWS stores it as "".
            s3_config = dict(s3_config or {})
            s3_config["OriginAccessIdentity"] = s3_config.get("OriginAccessIdentity") or ""
            origin["S3OriginConfig"] = s3_config
        original_init(self, origin)
        # Serialised by moto's shape-driven serializer through the snake_case attribute names.
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        self.s3_origin_config = s3_config

    models.Origin.__init__ = init  # type: ignore[method-assign]


def _keep_behaviour_associations() -> None:
    original_init = models.DefaultCacheBehaviour.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        if config.get("CachePolicyId") and config.get("ForwardedValues") is not None:
            raise InvalidArgument(
                "The parameter ForwardedValues cannot be used when a cache policy is associated to the cache behavior."
            )
        lambda_associations = _associations(config.get("LambdaFunctionAssociations"))
        for association in lambda_associations.get("Items", []):
            arn = association.get("LambdaFunctionARN") or ""
            if not _EDGE_FUNCTION_ARN.match(arn):
                raise InvalidLambdaFunctionAssociation(arn)
        original_init(self, config)
        self.lambda_function_associations = lambda_associations
        self.function_associations = _associations(config.get("FunctionAssociations"))
        if config.get("CachePolicyId"):
            self.forwarded_values = None

    # CacheBehaviour (ordered behaviours) calls this through super().__init__, so both are covered.
    models.DefaultCacheBehaviour.__init__ = init  # type: ignore[method-assign]


def _associations(value: Any) -> dict[str, Any]:
    """Normalises an association list to AWS's {Quantity, Items} shape, keeping every item as sent."""
    items = list((value or {}).get("Items") or [])
    for item in items:
        if "IncludeBody" in item:
            item["IncludeBody"] = item["IncludeBody"] in (True, "true", "True")
    return {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}


def _report_certificate_source() -> None:
    original_init = models.ViewerCertificate.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        original_init(self, config)
        if self.acm_certificate_arn:
            self.certificate_source, self.certificate = "acm", self.acm_certificate_arn
            self.cloud_front_default_certificate = bool(config.get("CloudFrontDefaultCertificate", False))
        elif self.iam_certificate_id:
            self.certificate_source, self.certificate = "iam", self.iam_certificate_id
            self.cloud_front_default_certificate = bool(config.get("CloudFrontDefaultCertificate", False))

    models.ViewerCertificate.__init__ = init  # type: ignore[method-assign]
