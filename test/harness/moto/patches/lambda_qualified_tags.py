"""Lambda: GetFunction of a version (any qualifier) returns no Tags.

The Lambda API reference of GetFunction: "If you specify a function version, only details that are specific
to that version are returned" (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html); tags
belong to the function, not to a version. Terraform's aws_lambda_function data source got `tags = {}` once it
passed a qualifier, even "$LATEST" (https://github.com/hashicorp/terraform-provider-aws/issues/31497), and the
provider reads tags with ListTags instead (hashicorp/terraform-provider-aws#32348). moto 5.2.5 returns the
function's Tags whatever the qualifier.

Here a GetFunction whose Qualifier parameter is set, or whose function name or ARN carries a qualifier
(name:1, name:$LATEST, arn:...:function:name:alias), has no Tags. Unqualified GetFunction and ListTags still
return them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda.responses import LambdaResponse

from .switches import active

NAME = "lambda_qualified_tags"


def is_qualified(function_name: str, qualifier: str | None) -> bool:
    if qualifier:
        return True
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        return len(parts) == 8  # arn:aws:lambda:region:account:function:name:qualifier
    if len(parts) >= 3 and parts[1] == "function":
        return len(parts) == 4  # account:function:name:qualifier
    return len(parts) == 2  # name:qualifier


def apply() -> None:
    original = LambdaResponse.get_function

    def get_function(self: Any) -> Any:
        body = original(self)
        if not active(NAME):
            return body
        function_name = unquote(self.path.rsplit("/", 1)[-1])
        if not is_qualified(function_name, self._get_param("Qualifier", None)):
            return body
        parsed = json.loads(body)
        parsed.pop("Tags", None)
        return json.dumps(parsed)

    LambdaResponse.get_function = get_function  # type: ignore[method-assign]
