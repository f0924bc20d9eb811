"""Identity-policy evaluation for the IAM enforcement patches: pure functions, no moto imports.

Not a patch itself. It decides one request (action, resource, context keys) against the identity-based
policies of one IAM user or role, the way IAM does for a caller in the same account with no permissions
boundary, SCP or session policy:

1. an explicit Deny in any statement that matches wins;
2. otherwise an Allow that matches grants;
3. otherwise the request is implicitly denied.

A statement matches when its Action (or NotAction) covers the action, its Resource (or NotResource) covers the
resource, and every Condition holds. Actions compare case-insensitively, resources case-sensitively, both with
the IAM wildcards `*` and `?`. Condition operators: String*, Arn*, Bool and Null, each with IfExists, and the
ForAnyValue:/ForAllValues: prefixes for single-valued keys. An operator outside that list never holds: an Allow
that depends on it grants nothing, a Deny that depends on it denies nothing. Context keys compare
case-insensitively by name, as IAM does.

moto's own evaluator (moto/iam/access_control.py, IAMPolicyStatement) turns a statement whose Condition does
not hold into an explicit DENY, which would make the operator's `iam:PassRole` statement (conditioned on
iam:PassedToService) deny every PassRole it does not allow; hence this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["allow", "explicit-deny", "implicit-deny"]

_NEGATED = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    # The Sid (or the index, "#2") of the statement that decided, when one did.
    statement: str | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict == "allow"


def parse_document(document: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A policy document from IAM's storage (JSON text, sometimes URL-encoded by moto) or an already parsed one."""
    if document is None:
        return None
    if isinstance(document, Mapping):
        return dict(document)
    text = document
    if text.lstrip().startswith("%7B"):
        from urllib.parse import unquote

        text = unquote(text)
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def evaluate(documents: Iterable[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, str] | None = None) -> Decision:
    """Decides one request against all of a principal's identity policies."""
    keys = {name.lower(): value for name, value in (context or {}).items()}
    allowed_by: str | None = None
    for document in documents:
        for index, statement in enumerate(statements(document)):
            if not _applies(statement, action, resource, keys):
                continue
            name = str(statement.get("Sid") or f"#{index}")
            if statement.get("Effect") == "Deny":
                return Decision("explicit-deny", name)
            if statement.get("Effect") == "Allow" and allowed_by is None:
                allowed_by = name
    return Decision("allow", allowed_by) if allowed_by is not None else Decision("implicit-deny")


def statements(document: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not document:
        return []
    found = document.get("Statement") or []
    return [s for s in _as_list(found) if isinstance(s, dict)]


def _applies(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, str]) -> bool:
    if not _element_matches(statement, "Action", action, ignore_case=True):
        return False
    if not _element_matches(statement, "Resource", resource, ignore_case=False):
        return False
    return _conditions_hold(statement.get("Condition") or {}, context)


def _element_matches(statement: Mapping[str, Any], name: str, value: str, *, ignore_case: bool) -> bool:
    if name in statement:
        return any(wildcard_match(p, value, ignore_case=ignore_case) for p in _as_list(statement[name]))
    negated = f"Not{name}"
    if negated in statement:
        return not any(wildcard_match(p, value, ignore_case=ignore_case) for p in _as_list(statement[negated]))
    return False


def _conditions_hold(conditions: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, entries in conditions.items():
        if not isinstance(entries, Mapping):
            return False
        for key, expected in entries.items():
            if not _condition_holds(operator, key.lower(), [_text(v) for v in _as_list(expected)], context):
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
        # A missing key fails a positive operator and satisfies a negated one, unless ...IfExists.
        return if_exists or name in _NEGATED
    match name:
        case "stringequals" | "stringnotequals":
            found = actual in expected
        case "stringequalsignorecase" | "stringnotequalsignorecase":
            found = actual.lower() in (e.lower() for e in expected)
        case "stringlike" | "stringnotlike" | "arnequals" | "arnlike" | "arnnotequals" | "arnnotlike":
            found = any(wildcard_match(e, actual, ignore_case=False) for e in expected)
        case "bool":
            found = actual.lower() in (e.lower() for e in expected)
        case _:
            return False
    return not found if name in _NEGATED else found


def wildcard_match(pattern: str, value: str, *, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in _text(pattern))
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
