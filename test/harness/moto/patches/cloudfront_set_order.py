"""CloudFront: set-like lists do not come back in the order they were sent.

CloudFront treats AllowedMethods.Items, AllowedMethods.CachedMethods.Items and Aliases.Items as sets and
returns them in its own order. A controller that compares the list it sent with the list it read, element by
element, sees a difference on every resync and updates (and redeploys) the distribution forever. moto 5.2.5
returns every list exactly as sent, so such a comparison passes here and fails on AWS.

Evidence:
- Methods: recorded outputs always list HEAD before GET (aws/aws-cli awscli/examples/cloudfront/
  create-distribution.rst, get-distribution.rst, get-distribution-config.rst, update-distribution.rst), and
  HEAD, GET, OPTIONS for three methods (the distribution read back from AWS in
  https://github.com/aws-controllers-k8s/community/issues/2335). Terraform changed allowed_methods and
  cached_methods to sets "because AWS API returns these in pretty much random order which is generating extra
  diffs + updates" (https://github.com/hashicorp/terraform/pull/7395).
- Aliases: AWS returned a distribution's aliases neither in the order sent nor sorted
  (https://github.com/ansible-collections/community.aws/issues/50).

What is modelled (a deterministic stand-in for CloudFront's order, the same whatever order was sent):
- methods: HEAD, GET, OPTIONS (as recorded), then POST, PUT, PATCH, DELETE. Where the four write methods fall
  in CloudFront's order is not in any recorded response found; they keep the order of the API reference's
  Method enumeration.
- aliases: reverse alphabetical order. CloudFront's actual alias order is not documented; reverse order
  differs from both the usual sorted order and, for two or more aliases, usually from the order sent.

A run-time switch (switches.py) turns this off for distributions created or updated afterwards.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models

from .switches import active

NAME = "cloudfront_set_order"
METHOD_ORDER = ("HEAD", "GET", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


def method_order(methods: list[str]) -> list[str]:
    rank = {method: index for index, method in enumerate(METHOD_ORDER)}
    return sorted(methods, key=lambda method: (rank.get(method, len(METHOD_ORDER)), method))


def alias_order(aliases: list[str]) -> list[str]:
    return sorted(aliases, reverse=True)


def apply() -> None:
    _order_methods()
    _order_aliases()


def _order_methods() -> None:
    original_init = models.AllowedMethods.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        original_init(self, config)
        if not active(NAME):
            return
        self.items = method_order(list(self.items))
        cached = self.cached_methods
        self.cached_methods = {**cached, "Items": method_order(list(cached.get("Items") or []))}

    models.AllowedMethods.__init__ = init  # type: ignore[method-assign]


def _order_aliases() -> None:
    original_init = models.DistributionConfig.__init__

    def init(self: Any, config: dict[str, Any]) -> None:
        original_init(self, config)
        aliases = getattr(self, "Aliases", None)
        if active(NAME) and isinstance(aliases, dict) and aliases.get("Items"):
            self.Aliases = {**aliases, "Items": alias_order(list(aliases["Items"]))}

    models.DistributionConfig.__init__ = init  # type: ignore[method-assign]
