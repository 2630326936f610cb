"""Every API error as an RFC 9457 problem: application/problem+json with type, title, status,
detail and an `errors` member holding each field's messages (empty when no field is to blame).

Problem types are `about:blank` (nothing beyond the status code) except those that carry more
meaning, listed in TYPES and described in docs/api.md.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status

logger = logging.getLogger("tillit.api")

CONTENT_TYPE = "application/problem+json"
NON_FIELD = "non_field_errors"
TYPES = {
    status.HTTP_400_BAD_REQUEST: "tag:tillit,2026:problem:validation",
    status.HTTP_409_CONFLICT: "tag:tillit,2026:problem:conflict",
    status.HTTP_412_PRECONDITION_FAILED: "tag:tillit,2026:problem:changed",
    status.HTTP_428_PRECONDITION_REQUIRED: "tag:tillit,2026:problem:if-match-required",
}


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        412: _("Changed by someone else"),
        415: _("Unsupported media type"),
        428: _("If-Match required"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you fetched it."


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag of the version you changed."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource is not in a state that allows this."


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.0.sub": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in (NON_FIELD_ERRORS, NON_FIELD) and not prefix else str(key)
            flat |= flatten(value, f"{prefix}.{name}" if prefix else name)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat |= flatten(item, f"{prefix}.{index}" if prefix else str(index))
        return flat
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or NON_FIELD: messages} if messages else {}


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            NON_FIELD if field == NON_FIELD_ERRORS else field: [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: [str(message) for message in exc.messages]}


def problem(
    status_code: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    instance: str = "",
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPES.get(status_code, "about:blank"),
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
        "errors": errors or {},
    }
    if instance:
        body["instance"] = instance
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status_code, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _detail(exc: exceptions.APIException) -> str:
    """The exception's own message in the active language."""
    defaults = {
        PreconditionFailed: _("The resource has changed since you fetched it."),
        PreconditionRequired: _("Send If-Match with the ETag of the version you changed."),
        exceptions.NotAuthenticated: _("Sign in, or send a token: Authorization: Bearer …"),
        exceptions.NotFound: _("There is nothing here, or you may not see it."),
        exceptions.PermissionDenied: _("You may not do this."),
    }
    for kind, text in defaults.items():
        if type(exc) is kind and str(exc.detail) == str(kind.default_detail):
            return text
    if isinstance(exc, exceptions.ValidationError):
        return _("The request has errors: see errors.")
    return str(exc.detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse:
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    if not isinstance(exc, exceptions.APIException):
        logger.exception("API request failed: %s", instance, exc_info=exc)
        return problem(500, _("Something went wrong on our side."), instance=instance)
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(auth_header)
    if (wait := getattr(exc, "wait", None)) is not None:
        headers["Retry-After"] = str(max(1, int(wait)))
    errors = flatten(exc.detail) if isinstance(exc, exceptions.ValidationError) else {}
    return problem(exc.status_code, _detail(exc), errors=errors, instance=instance, headers=headers)
