"""IAM: when enforcement is on, S3, CloudFront and Lambda requests are authorized under the real IAM action names.

How moto 5.2.5 enforces IAM in server mode (moto/core/authorization.py, moto/iam/access_control.py):
- Every request passes ActionAuthenticatorMixin._authenticate_and_authorize_action. While fewer requests than
  settings.INITIAL_NO_AUTH_ACTION_COUNT (default: infinite) have been served it only counts; after that it
  looks the access key up among moto's IAM users (or STS sessions), checks the SigV4 signature, and asks
  IAMPolicy whether the key's policies allow `<signing name>:<operation name>` on a resource.
  POST /moto-api/reset-auth with a number sets INITIAL_NO_AUTH_ACTION_COUNT and restarts the count, so
  "0" turns enforcement on from the next request and "inf" turns it off: the harness's per-file switch.
- S3 (REST-XML) asks from its own handlers with a name from moto's ACTION_MAP and the bucket/key ARN.
  CloudFront (REST-XML) and Lambda (REST-JSON) ask from BaseResponse.call_action with the botocore
  operation name and the resource "*".

What that gets wrong for this operator, and what this patch does instead:
1. Action names. S3's table misses the "publicAccessBlock" sub-resource (it is keyed "public_access_block"),
   so Get/Put/DeletePublicAccessBlock are checked as s3:ListBucket, s3:CreateBucket and s3:DeleteBucket;
   CloudFront's CreateDistributionWithTags is checked as itself, an action no policy can grant (the SAR and the
   CloudFront Developer Guide require cloudfront:CreateDistribution and cloudfront:TagResource). The checks now
   come from iam_action_names, which follows the Service Authorization Reference.
2. Resources. CloudFront and Lambda are checked against "*", so a statement scoped to
   arn:aws:lambda:us-east-1:*:function:scb-edge-* never matches and every Lambda call is denied. Lambda
   requests are now checked against the function's ARN (qualified for a version), CloudFront requests against
   the distribution's or OAC's ARN.
3. Implied actions. Lambda's CreateFunction (and UpdateFunctionConfiguration with a Role) also needs
   iam:PassRole on the role, with iam:PassedToService; moto never asks.
4. Conditions. moto's statement evaluation turns a Condition that does not hold into an explicit DENY; the
   decision now comes from iam_identity_policy (Deny wins, then Allow, else implicit deny).
5. Signatures. For a request without a body moto signs its copy with the parsed query or, when there is none,
   the request's headers as the payload, so every signed GET to CloudFront or Lambda fails with
   SignatureDoesNotMatch. The copy now carries the raw body (empty when there is none).
6. Errors. A refusal is the service's own error: S3 AccessDenied (403, XML), CloudFront AccessDenied (403,
   <ErrorResponse><Error>), Lambda AccessDeniedException (403, JSON), each with AWS's message "User: <arn> is
   not authorized to perform: <action> on resource: <resource> because no identity-based policy allows the
   <action> action" (or "... with an explicit deny in an identity-based policy"). moto's generic XML was
   unreadable to the JavaScript SDK for CloudFront and Lambda.

The harness's credentials (access key id "testing", test/harness/env.ts) stand for the account's root user:
with enforcement on they may do anything, so fixtures keep working while only IAM users created in moto are
checked. Unsigned requests are left to the S3 patches (anonymous callers, bucket policies) as before; IAM,
STS, Cognito and other services keep moto's own checks (with fixes 4 and 5).

Every decision for a checked principal is recorded, newest last, and served (harness-only) at
GET /moto-api/harness/iam/decisions as {"decisions": [{principal, service, operation, action, resource,
decision, statement}]}. POST /moto-api/reset clears the record; it does not change the enforcement setting.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from botocore.awsrequest import AWSRequest
from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import ServiceException
from moto.iam import access_control
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.s3.exceptions import S3AccessDeniedError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from . import iam_action_names as names
from .iam_identity_policy import Decision, evaluate, parse_document

# The harness's static credentials (test/harness/env.ts emulatorCredentials): the account's root user.
ROOT_ACCESS_KEY_IDS = frozenset({"testing"})
CHECKED_SERVICES = ("s3", "cloudfront", "lambda")
DECISIONS_PATH = "/moto-api/harness/iam/decisions"
_MAX_DECISIONS = 50_000

_request = threading.local()
_decisions: list[dict[str, str]] = []
_decisions_lock = threading.Lock()


@dataclass(frozen=True)
class Principal:
    """The IAM identity behind a request, with its identity-based policies as parsed documents."""

    arn: str
    account_id: str
    documents: tuple[dict[str, Any], ...]


def enforcing() -> bool:
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def current_principal() -> Principal | None:
    """The checked principal of the request this thread is serving; None for root, anonymous or no enforcement."""
    principal: Principal | None = getattr(_request, "principal", None)
    return principal


def authorize(principal: Principal, check: names.Check, service: str, operation: str) -> Decision:
    """Decides one check for the principal and records it."""
    decision = evaluate(principal.documents, check.action, check.resource, check.context)
    record = {
        "principal": principal.arn,
        "service": service,
        "operation": operation,
        "action": check.action,
        "resource": check.resource,
        "decision": decision.verdict,
        "statement": decision.statement or "",
    }
    with _decisions_lock:
        _decisions.append(record)
        del _decisions[:-_MAX_DECISIONS]
    return decision


def denial_message(principal: Principal, check: names.Check, decision: Decision, *, quote_resource: bool = False) -> str:
    resource = f'"{check.resource}"' if quote_resource else check.resource
    reason = (
        "with an explicit deny in an identity-based policy"
        if decision.verdict == "explicit-deny"
        else f"because no identity-based policy allows the {check.action} action"
    )
    return f"User: {principal.arn} is not authorized to perform: {check.action} on resource: {resource} {reason}"


class _S3Denied(S3AccessDeniedError):
    def __init__(self, message: str) -> None:
        ServiceException.__init__(self, "AccessDenied", message)


class _Denied(HTTPException):
    """A refusal raised before the operation runs, rendered in the service's own protocol."""

    code = 403

    def __init__(self, service: str, message: str) -> None:
        super().__init__()
        if service == "lambda":
            self.description = json.dumps({"__type": "AccessDeniedException", "Type": "User", "Message": message})
        else:
            escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.description = (
                '<?xml version="1.0"?>\n<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
                f"<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{escaped}</Message></Error>"
                "<RequestId>harness-iam-enforcement</RequestId></ErrorResponse>"
            )


def apply() -> None:
    _fix_signature_copy()
    _authorize_with_real_names()
    _serve_decisions()


def _fix_signature_copy() -> None:
    def _create_aws_request(self: Any) -> AWSRequest:
        signed_headers = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
        headers = self._create_headers_for_aws_request(signed_headers, self._headers)
        body = self._body if isinstance(self._body, (bytes, str)) else b""
        request = AWSRequest(method=self._method, url=self._path, data=body or b"", headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    access_control.IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]


def _credential_scope(authorization: str) -> list[str]:
    scope = authorization.partition("Credential=")[2].partition(",")[0]
    return scope.split("/")


def _authorize_with_real_names() -> None:
    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        _request.principal = None
        if not enforcing():
            ActionAuthenticatorMixin.request_count += 1
            return
        if self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
            return
        authorization = self.headers.get("Authorization") or ""
        if "Credential=" not in authorization:
            return  # unsigned: the S3 patches decide anonymous callers
        scope = _credential_scope(authorization)
        if scope[0] in ROOT_ACCESS_KEY_IDS:
            return
        service = scope[3] if len(scope) > 3 else ""
        if service not in CHECKED_SERVICES:
            original(self, iam_request_cls, resource)
            return
        path = self.raw_path + (f"?{urlparse(self.uri).query}" if urlparse(self.uri).query else "")
        iam_request = iam_request_cls(
            account_id=self.current_account,
            method=self.method,
            path=path,
            data=self.data,
            body=self.raw_body,
            headers=self.headers,
            action=self._get_action() or "Unknown",
        )
        iam_request.check_signature()
        access_key = iam_request._access_key
        principal = Principal(
            arn=access_key.arn,
            account_id=self.current_account,
            documents=tuple(d for d in (_document_of(p) for p in access_key.collect_policies()) if d is not None),
        )
        operation, checks = _checks_for(self, service, scope[2] if len(scope) > 2 else "us-east-1", resource)
        for check in checks:
            decision = authorize(principal, check, service, operation)
            if not decision.allowed:
                if service == "s3":
                    raise _S3Denied(denial_message(principal, check, decision, quote_resource=True))
                raise _Denied(service, denial_message(principal, check, decision))
        _request.principal = principal

    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action  # type: ignore[method-assign]


def _checks_for(response: Any, service: str, region: str, resource: str) -> tuple[str, list[names.Check]]:
    query: Mapping[str, list[str]] = parse_qs(urlparse(response.uri).query, keep_blank_values=True)
    account = response.current_account
    if service == "s3":
        if response.path.startswith("/v20180820/"):
            operation = response._get_action() or "Unknown"
            action = names.S3_CONTROL_ACTIONS.get(operation, f"s3:{operation}")
            return operation, [names.Check(action, "*")]
        target = resource.split(":::", 1)[1] if ":::" in resource else "*"
        bucket, _, key = target.partition("/")
        checks = names.s3_checks(response.method, query, None if bucket == "*" else bucket, key or None)
        # S3 names its operations by method and sub-resource, e.g. "GET ?publicAccessBlock".
        return " ".join([response.method, *(f"?{k}" for k in list(query)[:1])]), checks
    operation = response._get_action() or "Unknown"
    if service == "cloudfront":
        return operation, names.cloudfront_checks(operation, response.path, query, account)
    return operation, names.lambda_checks(operation, response.method, response.raw_path, query, response.raw_body, region, account)


def _document_of(policy: Any) -> dict[str, Any] | None:
    """moto hands policies over as managed-policy objects, dicts of inline policies, or raw documents."""
    versions = getattr(policy, "versions", None)
    if versions is not None:
        default = next((v for v in versions if getattr(v, "is_default", False)), None)
        return parse_document(getattr(default, "document", None))
    if isinstance(policy, dict):
        return parse_document(policy.get("policy_document"))
    if isinstance(policy, str):
        return parse_document(policy)
    return None


def _serve_decisions() -> None:
    original_call = DomainDispatcherApplication.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if path == DECISIONS_PATH and method == "GET":
            with _decisions_lock:
                body = json.dumps({"enforcing": enforcing(), "decisions": list(_decisions)})
            return Response(body, status=200, content_type="application/json")(environ, start_response)
        if path == "/moto-api/reset" and method == "POST":
            with _decisions_lock:
                _decisions.clear()
        return original_call(self, environ, start_response)

    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
