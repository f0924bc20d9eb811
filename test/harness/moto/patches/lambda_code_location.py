"""Lambda: GetFunction's Code.Location downloads the deployment package that was uploaded.

On AWS, GetFunction returns `Code.Location`, a presigned S3 URL (valid for 10 minutes) from which the
function's or version's deployment package can be downloaded; a numbered version's package never changes.
moto 5.2.5 returns `https://awslambda-<region>-tasks.s3.<region>.amazonaws.com/<S3Key>`, a URL nothing
serves, so the deployed artifact cannot be read back. The edge emulator needs exactly that artifact: it runs
the zip that is deployed, not one rebuilt by the test.

Here the location is a presigned-looking, path-style URL on the emulator's own address:
  <scheme>://<host>/awslambda-<region>-tasks/snapshots/<account>/<function>-<version>-<sha256 hex>
      ?X-Amz-Date=<now>&X-Amz-Expires=600
A GET or HEAD on it (unsigned, like any presigned URL) serves the package of that function version, with
Content-Type application/zip. Like AWS:
- the URL expires 600 seconds after it was issued (403 AccessDenied "Request has expired");
- without the presigning query it is an ordinary unsigned request to a private bucket (403 AccessDenied);
- a snapshot that no longer exists (function or version deleted, or $LATEST updated since) is 404 NoSuchKey.
No bucket is created, so ListBuckets and the S3 patches are unaffected.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from moto.awslambda.models import lambda_backends
from moto.awslambda.responses import LambdaResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.wrappers import Response

EXPIRES_SECONDS = 600
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_SNAPSHOT_PATH = re.compile(
    r"^/awslambda-(?P<region>[a-z0-9-]+)-tasks/snapshots/(?P<account>\d{12})/"
    r"(?P<name>[A-Za-z0-9_-]+)-(?P<version>\$LATEST|\d+)-(?P<sha>[0-9a-f]{64})$"
)


def snapshot_path(region: str, account: str, name: str, version: str, code_bytes: bytes) -> str:
    digest = hashlib.sha256(code_bytes).hexdigest()
    return f"/awslambda-{region}-tasks/snapshots/{account}/{name}-{version}-{digest}"


def _s3_error(status: int, code: str, message: str) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(body, status=status, content_type="application/xml")


def _expired(query: dict[str, list[str]], now: datetime) -> bool | None:
    """None when the query is not presigned at all; otherwise whether its validity has run out."""
    issued = (query.get("X-Amz-Date") or [""])[0]
    expires = (query.get("X-Amz-Expires") or [""])[0]
    if not issued or not expires.isdigit():
        return None
    try:
        issued_at = datetime.strptime(issued, _DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return now > issued_at + timedelta(seconds=int(expires))


def _snapshot_bytes(match: re.Match[str]) -> bytes | None:
    backend = lambda_backends[match["account"]][match["region"]]
    version = match["version"]
    try:
        fn = backend.get_function(match["name"], None if version == "$LATEST" else version)
    except Exception:  # moto raises several unknown-function errors; each means the snapshot is gone
        return None
    code = getattr(fn, "code_bytes", b"") or b""
    return code if hashlib.sha256(code).hexdigest() == match["sha"] else None


def serve_snapshot(method: str, path: str, query_string: str, now: datetime) -> Response | None:
    """The response for a snapshot URL, or None when the request is not for one."""
    match = _SNAPSHOT_PATH.match(path)
    if match is None or method not in ("GET", "HEAD"):
        return None
    expired = _expired(parse_qs(query_string), now)
    if expired is None:
        return _s3_error(403, "AccessDenied", "Access Denied")
    if expired:
        return _s3_error(403, "AccessDenied", "Request has expired")
    code = _snapshot_bytes(match)
    if code is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return Response(code, status=200, content_type="application/zip")


def apply() -> None:
    _issue_locations()
    _serve_locations()


def _issue_locations() -> None:
    original = LambdaResponse.get_function

    def get_function(self: Any) -> Any:
        body = original(self)
        parsed = json.loads(body)
        configuration = parsed.get("Configuration") or {}
        code = parsed.get("Code") or {}
        if code.get("RepositoryType") != "S3":
            return body
        version = configuration.get("Version") or "$LATEST"
        fn = self.backend.get_function(configuration["FunctionName"], None if version == "$LATEST" else version)
        base = urlsplit(self.uri)
        path = snapshot_path(fn.region, fn.account_id, fn.function_name, str(version), fn.code_bytes or b"")
        issued = datetime.now(timezone.utc).strftime(_DATE_FORMAT)
        code["Location"] = f"{base.scheme}://{base.netloc}{path}?X-Amz-Date={issued}&X-Amz-Expires={EXPIRES_SECONDS}"
        return json.dumps(parsed)

    LambdaResponse.get_function = get_function  # type: ignore[method-assign]


def _serve_locations() -> None:
    original_call = DomainDispatcherApplication.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if "HTTP_AUTHORIZATION" not in environ:
            response = serve_snapshot(
                environ.get("REQUEST_METHOD", ""),
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                datetime.now(timezone.utc),
            )
            if response is not None:
                return response(environ, start_response)
        return original_call(self, environ, start_response)

    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
