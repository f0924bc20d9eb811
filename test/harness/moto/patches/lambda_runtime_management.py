"""Lambda: GetRuntimeManagementConfig and PutRuntimeManagementConfig, which moto 5.2.5 does not serve.

Evidence: the Lambda API reference pages of GetRuntimeManagementConfig and PutRuntimeManagementConfig
(`GET`/`PUT /2021-07-20/functions/{FunctionName}/runtime-management-config?Qualifier=`; the response holds
`UpdateRuntimeOn` (Auto | FunctionUpdate | Manual), `FunctionArn` and, for Manual, `RuntimeVersionArn`; a
function's setting is Auto until changed), and the same operations in botocore's Lambda service model, which
moto routes by. The CloudFront Developer Guide ("Restrictions on Lambda@Edge") says Lambda@Edge supports no
runtime management setting other than Auto, which is why the operator reads and corrects it.

Modelled: the setting per function and qualifier (default Auto), kept on the Lambda backend so
/moto-api/reset forgets it; an unknown function is ResourceNotFoundException (404); Manual without a
RuntimeVersionArn is InvalidParameterValueException (400). Not modelled: runtime versions themselves (any ARN is
accepted and echoed back).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda import urls
from moto.awslambda.models import lambda_backends
from moto.awslambda.responses import LambdaResponse

_PATH = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/runtime-management-config/?$"
_MODES = {"Auto", "FunctionUpdate", "Manual"}


def _settings(backend: Any) -> dict[tuple[str, str], dict[str, str]]:
    store = getattr(backend, "_harness_runtime_management", None)
    if store is None:
        store = {}
        backend._harness_runtime_management = store
    return store


# moto's call_action takes (body, headers) and reads the status from the headers.
def _error(status: int, code: str, message: str) -> tuple[str, dict[str, Any]]:
    return json.dumps({"Type": "User", "message": message}), {"status": status, "x-amzn-errortype": code}


def _target(response: LambdaResponse) -> tuple[Any, str, tuple[str, str]]:
    """The backend (None when the function or version does not exist), the ARN to answer with, and the key."""
    parts = [unquote(p) for p in response.path.split("?")[0].split("/") if p]
    name = parts[2].split(":function:")[-1].split(":")[0]
    qualifier = (response.querystring.get("Qualifier") or ["$LATEST"])[0]
    base = f"arn:aws:lambda:{response.region}:{response.current_account}:function:{name}"
    arn = base if qualifier == "$LATEST" else f"{base}:{qualifier}"
    backend = lambda_backends[response.current_account][response.region]
    try:
        backend.get_function(name, None if qualifier == "$LATEST" else qualifier)
    except Exception:  # moto raises its own not-found error classes
        return None, arn, (name, qualifier)
    return backend, arn, (name, qualifier)


def _get(self: LambdaResponse) -> Any:
    backend, arn, key = _target(self)
    if backend is None:
        return _error(404, "ResourceNotFoundException", f"Function not found: {arn}")
    setting = _settings(backend).get(key, {"UpdateRuntimeOn": "Auto"})
    return json.dumps({**setting, "FunctionArn": arn}), {"status": 200}


def _put(self: LambdaResponse) -> Any:
    backend, arn, key = _target(self)
    if backend is None:
        return _error(404, "ResourceNotFoundException", f"Function not found: {arn}")
    body = json.loads(self.body or "{}")
    mode = body.get("UpdateRuntimeOn")
    if mode not in _MODES:
        return _error(400, "InvalidParameterValueException", f"UpdateRuntimeOn must be one of {', '.join(sorted(_MODES))}")
    if mode == "Manual" and not body.get("RuntimeVersionArn"):
        return _error(400, "InvalidParameterValueException", "RuntimeVersionArn is required when UpdateRuntimeOn is Manual")
    setting = {"UpdateRuntimeOn": mode, **({"RuntimeVersionArn": body["RuntimeVersionArn"]} if mode == "Manual" else {})}
    _settings(backend)[key] = setting
    return json.dumps({**setting, "FunctionArn": arn}), {"status": 200}


def apply() -> None:
    urls.url_paths[_PATH] = LambdaResponse.dispatch
    LambdaResponse.get_runtime_management_config = _get  # type: ignore[attr-defined]
    LambdaResponse.put_runtime_management_config = _put  # type: ignore[attr-defined]
