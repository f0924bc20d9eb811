"""CloudFront: response headers policies, which moto 5.2.5 does not serve at all.

Evidence: the CloudFront API reference pages of CreateResponseHeadersPolicy, GetResponseHeadersPolicy,
GetResponseHeadersPolicyConfig, UpdateResponseHeadersPolicy, DeleteResponseHeadersPolicy and
ListResponseHeadersPolicies (URIs under /2020-05-31/response-headers-policy, the ResponseHeadersPolicyConfig
shape, the ETag header, the error lists with their HTTP statuses), and the same operations in botocore's
CloudFront service model, which moto routes and serializes by. A GetResponseHeadersPolicy result with its
ETag, Id and config recorded from AWS: turbot/steampipe-plugin-aws#1128. The refusal of `*` in
Access-Control-Allow-Headers beside AccessControlAllowCredentials true, recorded from AWS as a 400 with "The
parameter Access-Control-Allow-Headers cannot contain * when allowCredentials is true.": aws/aws-cdk#35308.

Modelled:
- Create: the name is unique in the account (ResponseHeadersPolicyAlreadyExists, 409); a Comment over 128
  characters is InvalidArgument (the ResponseHeadersPolicyConfig page: "cannot be longer than 128 characters");
  a Quantity that does not match its Items is InconsistentQuantities; the credentials rule above. The policy
  gets an id, an ETag and a LastModifiedTime; the answer carries Location and ETag.
- Get and GetConfig: the whole config as stored, NoSuchResponseHeadersPolicy (404) for an unknown id.
- Update replaces the whole config, needs the current ETag as If-Match (InvalidIfMatchVersion when missing,
  PreconditionFailed when outdated), refuses a name another policy has, and gives a new ETag.
- Delete needs the current ETag too, and fails with ResponseHeadersPolicyInUse (409) while a cache behaviour of
  any distribution names the policy.
- List pages by Marker and MaxItems and filters by Type (custom: the account's own; managed: none here).
- A distribution whose cache behaviour names an unknown policy is refused with NoSuchResponseHeadersPolicy on
  CreateDistribution(WithTags) and UpdateDistribution (their error lists). moto already stores and returns the
  behaviour's ResponseHeadersPolicyId.

Not modelled: AWS's managed policies (Managed-CORS-With-Preflight and the others), the account quota of
response headers policies, the quota of 100 distributions per policy (which the operator meets with
TooManyDistributionsAssociatedToResponseHeadersPolicy by moving to the next shared policy; its step test
raises that error itself), the per-policy limits on custom headers and Content-Security-Policy length, and
whether AWS also refuses a `*` origin beside credentials (no recorded response found).

The policies live on the CloudFront backend, so /moto-api/reset forgets them.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models, urls
from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult

from .cloudfront_etag import check_if_match, now_iso

_BASE = "{0}/2020-05-31/response-headers-policy"
_PATHS = [f"{_BASE}$", f"{_BASE}/(?P<policy_id>[^/]+)$", f"{_BASE}/(?P<policy_id>[^/]+)/config$"]
MAX_COMMENT = 128


class NoSuchResponseHeadersPolicy(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("NoSuchResponseHeadersPolicy", "The response headers policy does not exist.")


class ResponseHeadersPolicyAlreadyExists(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__(
            "ResponseHeadersPolicyAlreadyExists",
            f"A response headers policy with the name {name} already exists. You must provide a unique name.",
        )


class ResponseHeadersPolicyInUse(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "ResponseHeadersPolicyInUse",
            "Cannot delete the response headers policy because it is attached to one or more cache behaviors.",
        )


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class InconsistentQuantities(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("InconsistentQuantities", "The value of Quantity and the size of Items don't match.")


class Policy:
    def __init__(self, config: dict[str, Any]) -> None:
        self.id = models.random_id()  # AWS uses UUIDs; the shape is a plain string either way
        self.config = config
        self.etag = models.random_id()
        self.last_modified_time = now_iso()

    def body(self) -> dict[str, Any]:
        return {"Id": self.id, "LastModifiedTime": self.last_modified_time, "ResponseHeadersPolicyConfig": self.config}


def policies(backend: Any) -> dict[str, Policy]:
    store = getattr(backend, "_harness_response_headers_policies", None)
    if store is None:
        store = {}
        backend._harness_response_headers_policies = store
    return store


def policy_of(backend: Any, policy_id: str | None) -> Policy:
    policy = policies(backend).get(policy_id or "")
    if policy is None:
        raise NoSuchResponseHeadersPolicy
    return policy


def _check_quantities(value: Any) -> None:
    """Every {Quantity, Items} pair in the config, at any depth, must agree."""
    if isinstance(value, dict):
        if "Quantity" in value and int(value["Quantity"]) != len(value.get("Items") or []):
            raise InconsistentQuantities
        for inner in value.values():
            _check_quantities(inner)
    elif isinstance(value, list):
        for inner in value:
            _check_quantities(inner)


def validate(backend: Any, config: dict[str, Any], replacing: str | None) -> None:
    name = config.get("Name") or ""
    if len(config.get("Comment") or "") > MAX_COMMENT:
        raise InvalidArgument("The parameter Comment is too big.")
    _check_quantities(config)
    cors = config.get("CorsConfig")
    if cors and cors.get("AccessControlAllowCredentials") in (True, "true"):
        if "*" in ((cors.get("AccessControlAllowHeaders") or {}).get("Items") or []):
            raise InvalidArgument("The parameter Access-Control-Allow-Headers cannot contain * when allowCredentials is true.")
    for other in policies(backend).values():
        if other.id != replacing and (other.config.get("Name") or "") == name:
            raise ResponseHeadersPolicyAlreadyExists(name)


def referenced_policy_ids(dist: Any) -> set[str]:
    """The response headers policies a distribution's cache behaviours name."""
    config = dist.distribution_config
    behaviours = [config.DefaultCacheBehavior, *((config.CacheBehaviors or {}).get("Items") or [])]
    return {pid for pid in (getattr(b, "response_headers_policy_id", None) for b in behaviours) if pid}


def _requested_policy_ids(distribution_config: dict[str, Any]) -> set[str]:
    behaviours = [distribution_config.get("DefaultCacheBehavior") or {}]
    behaviours += (distribution_config.get("CacheBehaviors") or {}).get("Items") or []
    return {b.get("ResponseHeadersPolicyId") for b in behaviours if isinstance(b, dict) and b.get("ResponseHeadersPolicyId")}


def apply() -> None:
    for path in _PATHS:
        urls.url_paths[path] = CloudFrontResponse.dispatch
    _serve_operations()
    _check_distribution_references()


def _serve_operations() -> None:
    def create(self: Any) -> ActionResult:
        config = self._get_param("ResponseHeadersPolicyConfig", {}) or {}
        validate(self.backend, config, replacing=None)
        policy = Policy(config)
        policies(self.backend)[policy.id] = policy
        location = f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{policy.id}"
        return ActionResult({"ResponseHeadersPolicy": policy.body(), "Location": location, "ETag": policy.etag})

    def get(self: Any) -> ActionResult:
        policy = policy_of(self.backend, self._get_param("Id"))
        return ActionResult({"ResponseHeadersPolicy": policy.body(), "ETag": policy.etag})

    def get_config(self: Any) -> ActionResult:
        policy = policy_of(self.backend, self._get_param("Id"))
        return ActionResult({"ResponseHeadersPolicyConfig": policy.config, "ETag": policy.etag})

    def update(self: Any) -> ActionResult:
        policy = policy_of(self.backend, self._get_param("Id"))
        check_if_match(policy.etag, self._get_param("IfMatch"))
        config = self._get_param("ResponseHeadersPolicyConfig", {}) or {}
        validate(self.backend, config, replacing=policy.id)
        policy.config = config
        policy.etag = models.random_id()
        policy.last_modified_time = now_iso()
        return ActionResult({"ResponseHeadersPolicy": policy.body(), "ETag": policy.etag})

    def delete(self: Any) -> ActionResult:
        policy = policy_of(self.backend, self._get_param("Id"))
        check_if_match(policy.etag, self._get_param("IfMatch"))
        if any(policy.id in referenced_policy_ids(dist) for dist in self.backend.distributions.values()):
            raise ResponseHeadersPolicyInUse
        del policies(self.backend)[policy.id]
        return EmptyResult()

    def list_policies(self: Any) -> ActionResult:
        kind = self._get_param("Type")
        if kind not in (None, "", "custom", "managed"):
            raise InvalidArgument("The parameter Type is invalid.")
        items = [] if kind == "managed" else list(policies(self.backend).values())
        marker = self._get_param("Marker") or ""
        max_items = int(self._get_param("MaxItems") or 100)
        ids = [p.id for p in items]
        start = ids.index(marker) if marker in ids else 0
        page = items[start : start + max_items]
        listing: dict[str, Any] = {
            "MaxItems": max_items,
            "Quantity": len(page),
            "Items": [{"Type": "custom", "ResponseHeadersPolicy": p.body()} for p in page],
        }
        if start + max_items < len(items):
            listing["NextMarker"] = items[start + max_items].id
        return ActionResult({"ResponseHeadersPolicyList": listing})

    CloudFrontResponse.create_response_headers_policy = create  # type: ignore[attr-defined]
    CloudFrontResponse.get_response_headers_policy = get  # type: ignore[attr-defined]
    CloudFrontResponse.get_response_headers_policy_config = get_config  # type: ignore[attr-defined]
    CloudFrontResponse.update_response_headers_policy = update  # type: ignore[attr-defined]
    CloudFrontResponse.delete_response_headers_policy = delete  # type: ignore[attr-defined]
    CloudFrontResponse.list_response_headers_policies = list_policies  # type: ignore[attr-defined]


def _check_distribution_references() -> None:
    backend = models.CloudFrontBackend
    original_create = backend.create_distribution_with_tags
    original_update = backend.update_distribution

    def known(self: Any, distribution_config: dict[str, Any]) -> None:
        for policy_id in _requested_policy_ids(distribution_config):
            policy_of(self, policy_id)

    def create_distribution_with_tags(self: Any, distribution_config: dict[str, Any], tags: Any) -> Any:
        known(self, distribution_config)
        return original_create(self, distribution_config, tags)

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str | None) -> Any:
        if _id in self.distributions and dist_config:
            known(self, dist_config)
        return original_update(self, dist_config, _id, if_match)

    backend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    backend.update_distribution = update_distribution  # type: ignore[method-assign]
