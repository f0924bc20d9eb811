"""Lambda: Description and tag lengths are validated, with Lambda's ValidationException.

- Description is 0-256 characters on CreateFunction, UpdateFunctionConfiguration and PublishVersion (Length
  Constraints in https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html and the other two
  pages). A longer one fails with ValidationException (400) "1 validation error detected: Value '...' at
  'description' failed to satisfy constraint: Member must have length less than or equal to 256", the
  response recorded in https://github.com/cloud-custodian/cloud-custodian/issues/5786 (CreateFunction).
- A tag value is 0-256 characters (a key 1-128). TagResource with a longer value fails with
  ValidationException (400) "1 validation error detected: Value '{...}' at 'tags' failed to satisfy
  constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, ...]",
  recorded in https://github.com/cloud-custodian/cloud-custodian/issues/2520 and
  https://github.com/SWO-GS/auto-tag/issues/77. CreateFunction's Tags are the same map and get the same check.
  The wording for a too-long key ("Map keys must satisfy constraint") follows the same validation format; no
  recorded response for it was found.
moto 5.2.5 accepts any length for both.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda import models
from moto.awslambda.exceptions import LambdaClientError

from .switches import active

NAME = "lambda_field_limits"
MAX_DESCRIPTION = 256
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"


class ValidationException(LambdaClientError):
    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


def check_description(description: Any) -> None:
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION:
        raise ValidationException(
            f"1 validation error detected: Value '{description}' at 'description' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_DESCRIPTION}"
        )


def check_tags(tags: Any) -> None:
    if not isinstance(tags, dict) or not tags:
        return
    shown = "{" + ", ".join(f"{key}={value}" for key, value in tags.items()) + "}"
    if any(len(str(key)) > MAX_TAG_KEY for key in tags):
        raise ValidationException(
            f"1 validation error detected: Value '{shown}' at 'tags' failed to satisfy constraint: Map keys must "
            f"satisfy constraint: [Member must have length less than or equal to {MAX_TAG_KEY}, Member must have "
            f"length greater than or equal to 1, Member must satisfy regular expression pattern: {_TAG_PATTERN}]"
        )
    if any(len(str(value or "")) > MAX_TAG_VALUE for value in tags.values()):
        raise ValidationException(
            f"1 validation error detected: Value '{shown}' at 'tags' failed to satisfy constraint: Map value must "
            f"satisfy constraint: [Member must have length less than or equal to {MAX_TAG_VALUE}, Member must have "
            f"length greater than or equal to 0, Member must satisfy regular expression pattern: {_TAG_PATTERN}]"
        )


def apply() -> None:
    backend = models.LambdaBackend
    original_create = backend.create_function
    original_update = backend.update_function_configuration
    original_publish = backend.publish_version
    original_tag = backend.tag_resource

    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        if active(NAME):
            check_description(spec.get("Description"))
            check_tags(spec.get("Tags"))
        return original_create(self, spec)

    def update_function_configuration(self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
        if active(NAME):
            check_description((body or {}).get("Description"))
        return original_update(self, function_name, qualifier, body)

    def publish_version(self: Any, function_name: str, description: str = "") -> Any:
        if active(NAME):
            check_description(description)
        return original_publish(self, function_name, description)

    def tag_resource(self: Any, resource_arn: str, tags: dict[str, str]) -> None:
        if active(NAME):
            check_tags(tags)
        original_tag(self, resource_arn, tags)

    backend.create_function = create_function  # type: ignore[method-assign]
    backend.update_function_configuration = update_function_configuration  # type: ignore[method-assign]
    backend.publish_version = publish_version  # type: ignore[method-assign]
    backend.tag_resource = tag_resource  # type: ignore[method-assign]
