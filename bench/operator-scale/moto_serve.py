"""The harness's moto launcher, plus one fidelity patch that only shows with more than 100 origin access controls.

moto 5.2.5's ListOriginAccessControls handler never passes Marker and MaxItems to its own paginator, so every
page is the first page, still marked truncated. Anything that pages through more than 100 OACs loops; the
operator gives up after 50 pages and retries, and never converges. AWS pages as documented: this restores that.
(It belongs in test/harness/moto/patches with a test; until it is there, the benchmark applies it itself.)

Usage: the same as test/harness/moto/serve.py, run with that folder as the working directory.
"""

from __future__ import annotations

import os
import sys
from typing import Any

HARNESS_MOTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "harness", "moto")
sys.path.insert(0, HARNESS_MOTO)
sys.dont_write_bytecode = True


def page_origin_access_controls() -> None:
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult

    def list_origin_access_controls(self: Any) -> ActionResult:
        marker = self._get_param("Marker")
        max_items = self._get_int_param("MaxItems")
        controls, next_marker = self.backend.list_origin_access_controls(marker=marker, max_items=max_items)
        return ActionResult(
            {
                "OriginAccessControlList": {
                    "Marker": marker or "",
                    "NextMarker": next_marker,
                    "MaxItems": max_items or 100,
                    "IsTruncated": next_marker is not None,
                    "Quantity": len(controls),
                    "Items": controls,
                }
            }
        )

    CloudFrontResponse.list_origin_access_controls = list_origin_access_controls  # type: ignore[method-assign]


if __name__ == "__main__":
    import serve  # the harness launcher, found through HARNESS_MOTO

    page_origin_access_controls()
    serve.main(sys.argv[1:])
