"""S3: bucket tags are eventually consistent; a read right after a write may still see the old tag set.

The S3 User Guide's consistency model: "Bucket configurations have an eventual consistency model"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel); a bucket's tag set is
bucket configuration. Terraform's AWS provider waits for S3 tag updates to show for this reason
(https://github.com/hashicorp/terraform-provider-aws/issues/15572). moto 5.2.5 is strongly consistent, so a
controller that writes a tag and trusts the next read passes here and misbehaves on AWS.

The model here is deterministic: after a PutBucketTagging or DeleteBucketTagging, the next N GetBucketTagging
reads of that bucket return the tag set as it was before that write (NoSuchTagSet if it had none); the read
after those sees the write. A second write before those reads are used restarts the count, with "before" being
the state just before the latest write. N is the state-manager transition of the model
"s3::bucket-tagging", {"progression": "manual", "times": N}: the launcher registers it (serve.py
--bucket-tagging-stale-reads, default 1; 0 makes tagging consistent), a test changes it with
/moto-api/state-manager/set-transition and restores it with unset-transition. Pending stale reads live on the
bucket, so /moto-api/reset forgets them. How long AWS takes is not documented; one read is the smallest delay
that a read-after-write check notices.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.moto_api import state_manager
from moto.s3 import models
from moto.s3.exceptions import NoSuchTagSet
from moto.s3.responses import S3Response

from .switches import active

NAME = "s3_bucket_tagging_consistency"
MODEL_NAME = "s3::bucket-tagging"


def stale_reads() -> int:
    transition = state_manager.get_transition(MODEL_NAME)
    return max(0, int(transition.get("times", 0))) if transition.get("progression") == "manual" else 0


def _remember_before_write(backend: Any, bucket_name: str) -> None:
    bucket = backend.get_bucket(bucket_name)
    if not active(NAME) or stale_reads() == 0:
        bucket._tagging_stale = None
        return
    previous = [dict(tag) for tag in backend.get_bucket_tagging(bucket_name)["Tags"]]
    bucket._tagging_stale = {"tags": previous, "reads_left": stale_reads()}


def apply(default_stale_reads: int) -> None:
    state_manager.register_default_transition(MODEL_NAME, {"progression": "manual", "times": default_stale_reads})

    backend = models.S3Backend
    original_put = backend.put_bucket_tagging
    original_delete = backend.delete_bucket_tagging
    original_get_tags = S3Response.get_bucket_tags

    def put_bucket_tagging(self: Any, bucket_name: str, tags: dict[str, str]) -> None:
        _remember_before_write(self, bucket_name)
        original_put(self, bucket_name, tags)

    def delete_bucket_tagging(self: Any, bucket_name: str) -> None:
        _remember_before_write(self, bucket_name)
        original_delete(self, bucket_name)

    def get_bucket_tags(self: Any) -> Any:
        bucket = self.backend.buckets.get(self.bucket_name)
        stale = getattr(bucket, "_tagging_stale", None) if bucket is not None else None
        if not active(NAME) or not stale or stale["reads_left"] <= 0:
            return original_get_tags(self)
        stale["reads_left"] -= 1
        self.data["Action"] = "GetBucketTagging"
        if not stale["tags"]:
            raise NoSuchTagSet(bucket_name=self.bucket_name)
        return self.serialized(ActionResult({"TagSet": stale["tags"]}))

    backend.put_bucket_tagging = put_bucket_tagging  # type: ignore[method-assign]
    backend.delete_bucket_tagging = delete_bucket_tagging  # type: ignore[method-assign]
    S3Response.get_bucket_tags = get_bucket_tags  # type: ignore[method-assign]

