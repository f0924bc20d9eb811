"""CloudFront: field limits the operator can hit with user input (comment, tags), with CloudFront's errors.

- DistributionConfig.Comment is at most 128 characters ("The total length of comment cannot exceed 128
  characters", quoted from the console in https://github.com/aws/aws-sdk-java-v2/issues/1468; 128 in
  https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-values-specify.html#DownloadDistValuesComment
  as cited by hashicorp/terraform-provider-aws#19476). A longer one fails CreateDistribution,
  CreateDistributionWithTags and UpdateDistribution with InvalidArgument (400) "The parameter Comment is too
  big." - the error recorded in https://github.com/aws/aws-cdk/issues/10211 and
  https://github.com/aws/aws-cdk/issues/14020 ("Status Code: 400; Error Code: InvalidArgument").
- Tag keys are 1-128 and tag values 0-256 characters (API reference of Tag,
  https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Tag.html). The recorded response for a tag
  value that breaks a Tag constraint (its pattern) on CreateDistributionWithTags is MalformedXML (400) with a
  "1 validation error detected: Value '...' at 'distributionConfigWithTags.tags.items.1.member.value' failed
  to satisfy constraint: ..." message (https://github.com/commitdev/zero-aws-eks-stack/issues/59). The length
  constraint is checked by the same request validation, so a too-long key or value gives the same code with
  "Member must have length less than or equal to 128/256"; TagResource names the member
  'tags.items.N.member.value'. The API reference also lists InvalidTagging (400) for TagResource and
  CreateDistributionWithTags; no recorded response shows which inputs produce it, so it is not used here.
moto 5.2.5 accepts any length.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException

from .switches import active

NAME = "cloudfront_field_limits"
MAX_COMMENT = 128
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class MalformedXML(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("MalformedXML", message)


def check_comment(config: dict[str, Any] | None) -> None:
    comment = (config or {}).get("Comment") or ""
    if len(comment) > MAX_COMMENT:
        raise InvalidArgument("The parameter Comment is too big.")


def check_tags(tags: list[tuple[str, str]], member_path: str) -> None:
    """Tags as (key, value) pairs in request order; member_path is the request path of their list."""
    errors = []
    for index, (key, value) in enumerate(tags, start=1):
        if len(key) > MAX_TAG_KEY:
            errors.append(
                f"Value '{key}' at '{member_path}.{index}.member.key' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_TAG_KEY}"
            )
        if len(value) > MAX_TAG_VALUE:
            errors.append(
                f"Value '{value}' at '{member_path}.{index}.member.value' failed to satisfy constraint: "
                f"Member must have length less than or equal to {MAX_TAG_VALUE}"
            )
    if errors:
        plural = "s" if len(errors) > 1 else ""
        raise MalformedXML(f"{len(errors)} validation error{plural} detected: {'; '.join(errors)}")


def apply() -> None:
    backend = models.CloudFrontBackend
    original_create = backend.create_distribution_with_tags
    original_update = backend.update_distribution
    original_tag = backend.tag_resource

    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: Any) -> Any:
        if active(NAME):
            pairs = [(tag.get("Key") or "", tag.get("Value") or "") for tag in tags or []]
            check_tags(pairs, "distributionConfigWithTags.tags.items")
            check_comment(distribution_config)
        return original_create(self, distribution_config, tags)

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str | None) -> Any:
        if active(NAME):
            check_comment(dist_config)
        return original_update(self, dist_config, _id, if_match)

    def tag_resource(self: Any, arn: str, tags: dict[str, str]) -> None:
        if active(NAME):
            check_tags([(key, value or "") for key, value in tags.items()], "tags.items")
        original_tag(self, arn, tags)

    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    backend.update_distribution = update_distribution  # type: ignore[method-assign]
    backend.tag_resource = tag_resource  # type: ignore[method-assign]
