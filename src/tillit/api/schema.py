"""The OpenAPI description's shared parts: the bearer-token scheme, the Problem object and the
error responses every operation may give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from tillit.api.problems import CONTENT_TYPE


# drf-spectacular registers extensions in an untyped __init_subclass__.
class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "tillit.api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token made under API tokens in Tillit: "
            "`Authorization: Bearer tillit_…`.",
        }


PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem.",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "description": "about:blank, or a tag: URI in docs/api.md"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Messages per field (dotted paths into the body or the query); "
            "non_field_errors for the request as a whole.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

_DESCRIPTIONS = {
    "400": "The request has errors (see `errors`).",
    "401": "No valid token or session.",
    "403": "The token's scope or your role does not allow this.",
    "404": "Not found, or not yours to see.",
    "409": "The resource is not in a state that allows this.",
    "412": "If-Match does not match the current ETag: fetch again.",
    "415": "Send application/json.",
    "428": "Send If-Match.",
    "429": "Too many requests: wait Retry-After seconds.",
}


def _errors_for(method: str) -> list[str]:
    codes = ["400", "401", "403", "404", "429"]
    if method in ("post", "put", "patch"):
        codes.append("415")
    if method in ("put", "patch"):
        codes += ["412", "428"]
    return codes


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the Problem schema, and each error response an operation can give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _errors_for(method):
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {CONTENT_TYPE: {"schema": reference}},
                    },
                )
            if "429" in responses:
                responses["429"]["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
                }
    return result
