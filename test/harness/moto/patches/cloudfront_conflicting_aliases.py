"""CloudFront: ListConflictingAliases, which moto 5.2.5 does not serve.

Evidence: the CloudFront API reference page of ListConflictingAliases (`GET /2020-05-31/conflicting-alias?
Alias=&DistributionId=&Marker=&MaxItems=`; both Alias and DistributionId are required; DistributionId names a
distribution of the caller's account with an attached certificate that includes the alias; the answer is a
ConflictingAliasesList of Items {Alias, DistributionId, AccountId} with Quantity, MaxItems and NextMarker, the
two ids partially hidden). Its overlap rule, from the same page: for `www.example.com` the list holds
`www.example.com` and the wildcard `*.example.com`; for `*.example.com` it holds `*.example.com` and every name
that wildcard covers (`www.example.com`, `test.example.com`, ...). The CloudFront Developer Guide (alternate
domain names) says a wildcard covers exactly one label. The masking follows a recorded AWS CLI answer: the
distribution id shown as `*******` and its last 7 characters, the account id as `******` and its last 6 digits.

Modelled: every distribution of every account in the emulator is searched (aliases are global in CloudFront);
names compare case-insensitively; the caller's distribution must exist (NoSuchDistribution, 404) and carry an
ACM or IAM certificate rather than CloudFront's default one (InvalidArgument, 400); MaxItems (default 100) and
Marker page the list. Not modelled: whether the certificate really covers the alias (the emulator holds no
certificates' names), and distribution tenants (this operation only covers standard distributions).
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import urls
from moto.cloudfront.exceptions import CloudFrontException, NoSuchDistribution
from moto.cloudfront.models import cloudfront_backends
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult

_PATH = "{0}/2020-05-31/conflicting-alias$"


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


def overlaps(asked: str, alias: str) -> bool:
    """Whether `alias` (in use) conflicts with `asked`: the same name, or one is a wildcard covering the other."""
    a, b = asked.lower(), alias.lower()
    if a == b:
        return True
    return _covers(a, b) or _covers(b, a)


def _covers(wildcard: str, name: str) -> bool:
    # "*.example.com" covers "www.example.com", not "example.com" nor "a.b.example.com": exactly one label.
    if not wildcard.startswith("*."):
        return False
    head, _, rest = name.partition(".")
    return head != "" and "*" not in head and rest == wildcard[2:]


def _mask(value: str, shown: int) -> str:
    return "*" * max(0, len(value) - shown) + value[-shown:]


def _aliases(dist: Any) -> list[str]:
    aliases = getattr(dist.distribution_config, "Aliases", None) or {}
    return list(aliases.get("Items") or [])


def _every_distribution() -> list[tuple[str, Any]]:
    found = []
    for account_id, by_partition in cloudfront_backends.items():
        for backend in by_partition.values():
            found.extend((account_id, dist) for dist in backend.distributions.values())
    return found


def _has_own_certificate(dist: Any) -> bool:
    certificate = getattr(dist.distribution_config, "ViewerCertificate", None)
    return bool(getattr(certificate, "acm_certificate_arn", "") or getattr(certificate, "iam_certificate_id", ""))


def list_conflicting_aliases(self: Any) -> ActionResult:
    asked = self._get_param("Alias") or ""
    distribution_id = self._get_param("DistributionId") or ""
    if asked == "" or distribution_id == "":
        raise InvalidArgument("Alias and DistributionId are required.")
    own = self.backend.distributions.get(distribution_id)
    if own is None:
        raise NoSuchDistribution
    if not _has_own_certificate(own):
        raise InvalidArgument(
            f"To list conflicting aliases for {asked}, you must attach a trusted certificate that covers it to distribution {distribution_id}."
        )
    matches = [
        {"Alias": alias, "DistributionId": _mask(dist.distribution_id, 7), "AccountId": _mask(account_id, 6)}
        for account_id, dist in _every_distribution()
        for alias in _aliases(dist)
        if overlaps(asked, alias)
    ]
    max_items = self._get_int_param("MaxItems") or 100
    start = int(self._get_param("Marker") or 0)
    page = matches[start : start + max_items]
    listing: dict[str, Any] = {"MaxItems": max_items, "Quantity": len(page), "Items": page}
    if start + max_items < len(matches):
        listing["NextMarker"] = str(start + max_items)
    return ActionResult({"ConflictingAliasesList": listing})


def apply() -> None:
    urls.url_paths[_PATH] = CloudFrontResponse.dispatch
    CloudFrontResponse.list_conflicting_aliases = list_conflicting_aliases  # type: ignore[attr-defined]
