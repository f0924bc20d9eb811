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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

# The condition operators and IAM wildcards are evaluated as for bucket policies: one implementation.
from .bucket_policy import as_list, conditions_hold, element_matches

Verdict = Literal["allow", "explicit-deny", "implicit-deny"]


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
    return [s for s in as_list(found) if isinstance(s, dict)]


def _applies(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, str]) -> bool:
    if not element_matches(statement, "Action", action, ignore_case=True):
        return False
    if not element_matches(statement, "Resource", resource, ignore_case=False):
        return False
    return conditions_hold(statement.get("Condition") or {}, context)
