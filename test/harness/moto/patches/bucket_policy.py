"""Bucket-policy evaluation for callers that are not a signed IAM identity, shared by the S3 patches.

Not a patch itself: pure functions over a parsed policy document, with no moto imports.

Scope, chosen for what the operator and its tests do:
- Callers are anonymous, or an AWS service principal acting for a resource (CloudFront via OAC, carrying
  aws:SourceArn). Signed requests are the account's administrator and are not evaluated here.
- Principal, NotPrincipal, Action, NotAction, Resource, NotResource with IAM wildcards.
- Condition operators: String*, Arn*, Bool and Null, with IfExists and ForAnyValue/ForAllValues prefixes
  (every key here is single-valued). An operator outside that list never holds: an Allow that depends on it
  grants nothing, a Deny that depends on it denies nothing.

"Public" (is_public: what BlockPublicPolicy refuses, RestrictPublicBuckets ignores and GetBucketPolicyStatus
reports) follows the Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage", section "The
meaning of 'public'", and the API Reference's PublicAccessBlockConfiguration. S3 starts from public and calls a
policy non-public only when it grants access only to fixed values (no wildcard, no policy variable) of:
- a principal (an AWS account, user or role, a service principal; the User Guide names aws:PrincipalOrgID, and
  aws:PrincipalArn and aws:PrincipalAccount are read the same way); a Federated principal is public (the User
  Guide's example);
- aws:SourceIp, a set of CIDRs: ranges broader than /8 (IPv4) or /32 (IPv6) are public (RFC 1918 ranges are
  exempt, which no IPv4 range broader than /8 can be);
- aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
  s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid outside the pattern "AROLEID:*",
  s3:DataAccessPointArn (the access point name may be a wildcard when the account is fixed) and
  s3:DataAccessPointAccount.
Only a positive matching operator pins a key (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals,
ArnLike; IpAddress for aws:SourceIp); negated operators, Null, ...IfExists, ForAnyValue:/ForAllValues: and
other keys pin nothing. Actions do not matter. The operator implements the same rule
(src/reconcile/bucket/public-policy.ts); test/fixtures/public-policy-vectors.json holds both to the same cases.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["allow", "deny", "none"]

# Condition keys that, pinned to fixed values, make an Allow to everyone non-public. aws:SourceIp is separate.
_PINNING_KEYS = {
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
}
_PINNING_OPERATORS = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
_NEGATED_OPERATORS = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}
# The broadest aws:SourceIp prefix that still pins the caller, per address family: a /8 is not "broader than /8".
_NARROWEST_BROAD_PREFIX = {4: 8, 6: 32}
_ACCESS_POINTS_OF_ACCOUNT = re.compile(r"^(arn:[^:]+:s3:[^:]+:\d{12}:accesspoint/).+$")


@dataclass(frozen=True)
class Caller:
    """Who is asking: anonymous when service is None. Context keys are lower-cased."""

    service: str | None = None
    context: Mapping[str, str] = field(default_factory=dict)


def parse_policy(document: str | bytes | None) -> dict[str, Any] | None:
    if not document:
        return None
    try:
        parsed = json.loads(document)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def evaluate(policy: Mapping[str, Any] | None, caller: Caller, action: str, resource: str) -> Verdict:
    """An explicit Deny wins over any Allow; "none" means the policy says nothing for this request."""
    verdict: Verdict = "none"
    for statement in statements(policy):
        if not _statement_applies(statement, caller, action, resource):
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        if statement.get("Effect") == "Allow":
            verdict = "allow"
    return verdict


def is_public(policy: Mapping[str, Any] | None) -> bool:
    return any(_statement_is_public(statement) for statement in statements(policy))


def statements(policy: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    found = policy.get("Statement") or []
    return [s for s in as_list(found) if isinstance(s, dict)]


def _statement_applies(statement: Mapping[str, Any], caller: Caller, action: str, resource: str) -> bool:
    if "Principal" in statement:
        if not _principal_matches(statement["Principal"], caller):
            return False
    elif "NotPrincipal" in statement:
        if _principal_matches(statement["NotPrincipal"], caller):
            return False
    else:
        return False  # a bucket policy statement without a principal is invalid; it grants nothing
    if not element_matches(statement, "Action", action, ignore_case=True):
        return False
    if not element_matches(statement, "Resource", resource, ignore_case=False):
        return False
    return conditions_hold(statement.get("Condition") or {}, caller.context)


def _principal_matches(principal: Any, caller: Caller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    if "*" in as_list(principal.get("AWS")):
        return True
    # Only a service acting as itself matches a Service principal; anonymous callers never do.
    return caller.service is not None and caller.service in as_list(principal.get("Service"))


def element_matches(statement: Mapping[str, Any], name: str, value: str, *, ignore_case: bool) -> bool:
    if name in statement:
        return any(wildcard_match(p, value, ignore_case) for p in as_list(statement[name]))
    negated = f"Not{name}"
    if negated in statement:
        return not any(wildcard_match(p, value, ignore_case) for p in as_list(statement[negated]))
    return False


def conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, entries in conditions.items():
        if not isinstance(entries, Mapping):
            return False
        for key, expected in entries.items():
            if not _condition_holds(operator, key.lower(), [text(v) for v in as_list(expected)], context):
                return False
    return True


def _condition_holds(operator: str, key: str, expected: list[str], context: Mapping[str, str]) -> bool:
    name = operator.split(":")[-1].lower()
    if_exists = name.endswith("ifexists")
    name = name.removesuffix("ifexists")
    actual = context.get(key)
    if name == "null":
        return (actual is None) == (bool(expected) and expected[0].lower() == "true")
    if actual is None:
        # IAM: a missing key fails positive operators and satisfies negated ones.
        return if_exists or name in _NEGATED_OPERATORS
    match name:
        case "stringequals" | "stringnotequals":
            found = actual in expected
        case "stringequalsignorecase" | "stringnotequalsignorecase":
            found = actual.lower() in (e.lower() for e in expected)
        case "stringlike" | "stringnotlike" | "arnequals" | "arnlike" | "arnnotequals" | "arnnotlike":
            found = any(wildcard_match(e, actual, False) for e in expected)
        case "bool":
            found = actual.lower() in (e.lower() for e in expected)
        case _:
            return False
    return not found if name in _NEGATED_OPERATORS else found


def _statement_is_public(statement: Mapping[str, Any]) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    return _grants_to_unfixed_principal(statement) and not _is_pinned(statement.get("Condition") or {})


def _grants_to_unfixed_principal(statement: Mapping[str, Any]) -> bool:
    if "NotPrincipal" in statement:
        return True  # everyone but the principals it names
    principal = statement.get("Principal")
    if principal is None:
        return False  # S3 refuses such a bucket policy as malformed; it grants nothing
    if not isinstance(principal, Mapping):
        return True  # "*"
    for kind, values in principal.items():
        if kind == "Federated":
            return True
        if any(not _is_fixed(v) for v in as_list(values)):
            return True
    return False


def _is_pinned(conditions: Mapping[str, Any]) -> bool:
    """True when one condition limits the caller to fixed values of a listed key (conditions are ANDed)."""
    if not isinstance(conditions, Mapping):
        return False
    for operator, entries in conditions.items():
        name = operator.lower()
        if ":" in name or name.endswith("ifexists") or not isinstance(entries, Mapping):
            continue
        for key, value in entries.items():
            values = as_list(value)
            if not values:
                continue
            lower = key.lower()
            if lower == "aws:sourceip":
                if name == "ipaddress" and all(_is_narrow_range(v) for v in values):
                    return True
            elif lower in _PINNING_KEYS and name in _PINNING_OPERATORS and all(_is_fixed_for(lower, v) for v in values):
                return True
    return False


def _is_fixed_for(key: str, value: Any) -> bool:
    if key == "s3:dataaccesspointarn" and isinstance(value, str):
        match = _ACCESS_POINTS_OF_ACCOUNT.match(value)
        if match and _is_fixed(match.group(1)):
            return True
    return _is_fixed(value)


def _is_fixed(value: Any) -> bool:
    """No wildcard and no IAM policy variable; an unquoted number (an account id) is fixed too."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str) or not value:
        return False
    return "*" not in value and "?" not in value and "${" not in value


def _is_narrow_range(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f:.]+(/[0-9]{1,3})?", value.strip()):
        return False  # an address or a CIDR with a prefix length; a netmask or anything else pins nothing
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _NARROWEST_BROAD_PREFIX[network.version]


def wildcard_match(pattern: str, value: str, ignore_case: bool) -> bool:
    """IAM's wildcards: `*` matches any run of characters (newlines too), `?` any one."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text(pattern))
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
