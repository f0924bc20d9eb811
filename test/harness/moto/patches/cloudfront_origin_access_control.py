"""CloudFront: origin access controls are versioned, and cannot be deleted while a distribution uses them.

AWS behaviour restored here:
- DeleteOriginAccessControl of an unknown id fails with NoSuchOriginAccessControl (404). moto 5.2.5 raises a
  KeyError, which the server turns into a 500, and the operator's cleanup would retry it forever.
- DeleteOriginAccessControl of an OAC that a distribution's origin still names fails with
  OriginAccessControlInUse (409), so the deletion order (distribution first, then the OAC) is enforced.
- Like distributions, an OAC's ETag is its version: UpdateOriginAccessControl gives it a new one, and both
  update and delete need the current ETag as If-Match (InvalidIfMatchVersion when missing, PreconditionFailed
  when outdated). moto 5.2.5 never passes If-Match to its backend.
- ListOriginAccessControls pages by Marker and MaxItems. moto 5.2.5's handler reads both but calls its
  paginated backend without them, so every request gets the first page, marked truncated: anything that
  pages through more than 100 OACs (the operator's lookup by name) never reaches the end.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult

from .cloudfront_etag import check_if_match


class OriginAccessControlInUse(CloudFrontException):
    def __init__(self, control_id: str) -> None:
        super().__init__(
            "OriginAccessControlInUse",
            f"The origin access control {control_id} is in use by a distribution and cannot be deleted.",
        )


def distributions_using(backend: Any, control_id: str) -> list[str]:
    using = []
    for dist in backend.distributions.values():
        origins = dist.distribution_config.Origins.get("Items") or []
        if any(getattr(origin, "origin_access_control_id", "") == control_id for origin in origins):
            using.append(dist.distribution_id)
    return using


def apply() -> None:
    _patch_backend()
    _pass_if_match_from_requests()
    _page_listing()


def _page_listing() -> None:
    def list_origin_access_controls(self: Any) -> ActionResult:
        marker = self._get_param("Marker") or None
        max_items = self._get_int_param("MaxItems") or 100
        page, next_marker = self.backend.list_origin_access_controls(marker=marker, max_items=max_items)
        listing = {
            "Marker": marker or "",
            "MaxItems": max_items,
            "IsTruncated": next_marker is not None,
            "Quantity": len(page),
            "Items": page,
        }
        if next_marker is not None:
            listing["NextMarker"] = next_marker
        return ActionResult({"OriginAccessControlList": listing})

    CloudFrontResponse.list_origin_access_controls = list_origin_access_controls  # type: ignore[method-assign]


def _patch_backend() -> None:
    backend = models.CloudFrontBackend
    original_update = backend.update_origin_access_control

    def update_origin_access_control(
        self: Any, control_id: str, config: dict[str, str], if_match: str | None = None
    ) -> Any:
        control = self.get_origin_access_control(control_id)
        check_if_match(control.etag, if_match)
        original_update(self, control_id, config)
        control.etag = models.random_id()
        return control

    def delete_origin_access_control(self: Any, control_id: str, if_match: str | None = None) -> None:
        control = self.get_origin_access_control(control_id)  # NoSuchOriginAccessControl instead of KeyError
        check_if_match(control.etag, if_match)
        if distributions_using(self, control_id):
            raise OriginAccessControlInUse(control_id)
        del self.origin_access_controls[control_id]

    backend.update_origin_access_control = update_origin_access_control  # type: ignore[method-assign]
    backend.delete_origin_access_control = delete_origin_access_control  # type: ignore[method-assign]


def _pass_if_match_from_requests() -> None:
    def update_origin_access_control(self: Any) -> Any:
        control = self.backend.update_origin_access_control(
            self._get_param("Id"), self._get_param("OriginAccessControlConfig", {}), self._get_param("IfMatch")
        )
        body = {"Id": control.id, "OriginAccessControlConfig": control}
        return ActionResult({"OriginAccessControl": body, "ETag": control.etag})

    def delete_origin_access_control(self: Any) -> Any:
        self.backend.delete_origin_access_control(self._get_param("Id"), self._get_param("IfMatch"))
        return EmptyResult()

    CloudFrontResponse.update_origin_access_control = update_origin_access_control  # type: ignore[method-assign]
    CloudFrontResponse.delete_origin_access_control = delete_origin_access_control  # type: ignore[method-assign]
