"""S3: PutBucketTagging rejects a tag key over 128 or a tag value over 256 characters with InvalidTag (400).

Limits: the S3 API reference of Tag (Key 1-128, Value 0-256 characters,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tag.html). Error: InvalidTag, HTTP 400, "The TagValue you
have provided is invalid" / "The TagKey you have provided is invalid", as recorded against AWS in LocalStack's
tests/aws/services/s3/test_s3_api.snapshot.json (put-bucket-tags-invalid-value, put-bucket-tags-invalid-key;
those requests break the character rules, not the length), and for the lengths themselves in
https://github.com/ministackorg/ministack/pull/1103 ("verified against real AWS S3": key length 1 to 128 ->
InvalidTag / 400 / "The TagKey you have provided is invalid"). moto 5.2.5 validates object tags but accepts
bucket tags of any length.
"""

from __future__ import annotations

from typing import Any

from moto.s3 import models
from moto.s3.exceptions import InvalidTagError

from .switches import active

NAME = "s3_bucket_tag_limits"
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def check_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not key or len(key) > MAX_TAG_KEY:
            raise InvalidTagError("The TagKey you have provided is invalid")
        if len(value or "") > MAX_TAG_VALUE:
            raise InvalidTagError("The TagValue you have provided is invalid")


def apply() -> None:
    backend = models.S3Backend
    original_put = backend.put_bucket_tagging

    def put_bucket_tagging(self: Any, bucket_name: str, tags: dict[str, str]) -> None:
        self.get_bucket(bucket_name)  # NoSuchBucket comes first
        if active(NAME):
            check_tags(tags)
        original_put(self, bucket_name, tags)

    backend.put_bucket_tagging = put_bucket_tagging  # type: ignore[method-assign]
