"""S3: a new object's ACL is private unless the PutObject request sets one.

On AWS an object never inherits its bucket's ACL: without x-amz-acl or x-amz-grant-* headers the object gets
the default ACL (the owner has FULL_CONTROL, nobody else anything). A public-read bucket ACL lets the public
list the bucket, not read its objects. moto 5.2.5 copies the bucket's ACL onto every object put without ACL
headers, so a bucket made public-read once would keep producing anonymously readable objects and a test of
"the bucket is private again" could pass or fail for the wrong reason. Only PutObject is covered; copies and
multipart uploads keep moto's behaviour.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import get_canned_acl
from moto.s3.responses import S3Response


def apply() -> None:
    original_put_object = S3Response.put_object

    def put_object(self: Any) -> Any:
        response = original_put_object(self)
        if self._acl_from_headers(self.headers) is None:
            key = self.backend.get_object(self.bucket_name, self.parse_key_name())
            if key is not None:
                key.set_acl(get_canned_acl("private"))
        return response

    S3Response.put_object = put_object  # type: ignore[method-assign]
