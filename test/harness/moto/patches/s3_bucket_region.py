"""S3: a signed request for a bucket in another region is redirected: 301 PermanentRedirect.

On AWS, a request that reaches a regional S3 endpoint other than the bucket's region is answered with HTTP 301,
error code PermanentRedirect, "The bucket you are attempting to access must be addressed using the specified
endpoint. Please send all future requests to this endpoint.", the bucket and an Endpoint in the XML body, and
the bucket's region in the x-amz-bucket-region header (error codes in
https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html; a recorded raw response in
https://github.com/smore-inc/tinys3/issues/18; the AWS SDK for Ruby reads the region from x-amz-bucket-region
of this error, https://docs.aws.amazon.com/sdk-for-ruby/v3/api/Aws/S3/Errors/PermanentRedirect.html). A HEAD
request gets the status and header without a body. moto 5.2.5 serves every bucket to every region.

Against the emulator every region shares one loopback endpoint, so the region a request was sent to is taken
from its SigV4 credential scope (the Authorization header, or X-Amz-Credential of a presigned URL) - the SDK
signs for the region it would send the request to. When that region is not the bucket's, the request gets
the redirect. Not redirected: unsigned requests (no region to compare), CreateBucket (moto's own
IllegalLocationConstraint handling stays), GetBucketLocation (the documented way to find a bucket's region;
https://github.com/aws/aws-cli/pull/968 points users to it after this very error), requests for buckets that
do not exist. Not modelled: the 400 AuthorizationHeaderMalformed that S3 returns when a request reaches the
right endpoint signed for the wrong region, and the 400 that regions launched after 2019-03-20 return instead
of a redirect. The Endpoint value is a stand-in (<bucket>.s3.<region>.amazonaws.com).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from moto.s3.responses import S3Response

from .switches import active

NAME = "s3_bucket_region"
_AUTH_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/s3/aws4_request")
_QUERY_SCOPE = re.compile(r"X-Amz-Credential=[^/&]+/\d{8}/([a-z0-9-]+)/s3/aws4_request")


def signing_region(request: Any) -> str | None:
    match = _AUTH_SCOPE.search(request.headers.get("Authorization", ""))
    if match:
        return match.group(1)
    query = request.query_string.decode() if isinstance(request.query_string, bytes) else str(request.query_string)
    match = _QUERY_SCOPE.search(unquote(query))
    return match.group(1) if match else None


def redirect(request: Any, bucket_name: str, region: str) -> tuple[int, dict[str, str], str]:
    headers = {"x-amz-bucket-region": region}
    if request.method == "HEAD":
        return 301, headers, ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code>'
        "<Message>The bucket you are attempting to access must be addressed using the specified endpoint. "
        "Please send all future requests to this endpoint.</Message>"
        f"<Bucket>{bucket_name}</Bucket><Endpoint>{bucket_name}.s3.{region}.amazonaws.com</Endpoint></Error>"
    )
    return 301, {**headers, "Content-Type": "application/xml"}, body


def wrong_region(response: Any, request: Any, full_url: str) -> tuple[str, str] | None:
    """(bucket, its region) when a signed request addresses an existing bucket from another region."""
    if not active(NAME):
        return None
    region = signing_region(request)
    bucket_name = response.parse_bucket_name_from_url(request, full_url)
    if region is None or not bucket_name:
        return None
    bucket = response.backend.buckets.get(bucket_name)
    if bucket is None or bucket.region_name == region:
        return None
    return bucket_name, bucket.region_name


def apply() -> None:
    original_bucket_response = S3Response._bucket_response
    original_key_response = S3Response._key_response

    def _bucket_response(self: Any, request: Any, full_url: str) -> Any:
        querystring = self._get_querystring(request, full_url)
        exempt = "location" in querystring or (request.method == "PUT" and not querystring)
        mismatch = None if exempt else wrong_region(self, request, full_url)
        if mismatch is not None:
            return redirect(request, *mismatch)
        return original_bucket_response(self, request, full_url)

    def _key_response(self: Any, request: Any, full_url: str) -> Any:
        mismatch = wrong_region(self, request, full_url)
        if mismatch is not None:
            return redirect(request, *mismatch)
        return original_key_response(self, request, full_url)

    S3Response._bucket_response = _bucket_response  # type: ignore[method-assign]
    S3Response._key_response = _key_response  # type: ignore[method-assign]
