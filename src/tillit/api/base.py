"""What every API view shares: authentication, throttling, JSON in and out, problem+json
errors, the audit channel of a token, the caller's language, pagination and ETags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tillit.api.access import token_of
from tillit.api.conditional import etag_of
from tillit.api.pagination import Pagination
from tillit.api.problems import django_errors
from tillit.audit.services import audit_channel

if TYPE_CHECKING:
    Serializer = serializers.Serializer[Any]
else:
    Serializer = serializers.Serializer

M = TypeVar("M", bound=models.Model)


class JsonNegotiation(DefaultContentNegotiation):
    """JSON whatever Accept says: the API speaks nothing else (and errors are problem+json)."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        available = list(renderers)
        try:
            renderer, media_type = super().select_renderer(request, available, format_suffix)
        except NotAcceptable:
            renderer, media_type = available[0], available[0].media_type
        return renderer, str(media_type)


class ApiView(APIView):
    pagination_class = Pagination
    content_negotiation_class = JsonNegotiation

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with ExitStack() as self.scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Accept-Language (or the language chosen in Tillit's pages); Swedish otherwise.
        translation.activate(translation.get_language_from_request(request._request))
        super().initial(request, *args, **kwargs)
        token = token_of(request)
        if token is not None:
            self.scope.enter_context(audit_channel(f'API token "{token.name}" ({token.prefix}…)'))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers.setdefault("Content-Language", translation.get_language())
        # Answers depend on who asks: no shared cache may keep them.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    def validated(
        self,
        serializer_class: type[Serializer],
        data: Any,
        *,
        partial: bool = False,
    ) -> dict[str, Any]:
        """The input checked for shape and type (the services check the rest)."""
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def query(self, serializer_class: type[Serializer], request: Request) -> dict[str, Any]:
        return self.validated(serializer_class, request.query_params.dict())

    def page(
        self,
        request: Request,
        items: models.QuerySet[Any] | list[Any],
        serializer_class: type[Serializer],
        **context: Any,
    ) -> Response:
        paginator = Pagination()
        found = paginator.paginate_queryset(items, request, view=self)  # type: ignore[arg-type]
        data = serializer_class(found, many=True, context={"request": request, **context}).data
        return paginator.get_paginated_response(data)

    def one(
        self,
        request: Request,
        instance: Any,
        serializer_class: type[Serializer],
        *,
        status: int = 200,
        location: str = "",
        **context: Any,
    ) -> Response:
        """One resource, with its ETag (and its address, when it was just created)."""
        data = serializer_class(instance, context={"request": request, **context}).data
        headers = {"ETag": etag_of(data)}
        if location:
            headers["Location"] = request.build_absolute_uri(location)
        return Response(data, status=status, headers=headers)

    def current_etag(
        self, request: Request, instance: Any, serializer_class: type[Serializer], **context: Any
    ) -> str:
        return etag_of(serializer_class(instance, context={"request": request, **context}).data)


def ordered(queryset: models.QuerySet[M], ordering: str | None, default: str) -> models.QuerySet[M]:
    """Order by the chosen field (with '-' for descending), the primary key breaking ties so
    that pages never overlap."""
    return queryset.order_by(ordering or default, "pk")


def ordering_field(*fields: str) -> serializers.ChoiceField:
    choices = [choice for field in fields for choice in (field, f"-{field}")]
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        help_text="Sort by this field; a leading '-' sorts descending.",
    )


def pick(queryset: models.QuerySet[M], pk: Any, field: str) -> M:
    """An object named in the request body, from what the caller may use, or a field error
    (never telling apart 'does not exist' from 'belongs to someone else')."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("There is no such object here.")]})
    return found


def pick_many(queryset: models.QuerySet[M], pks: list[Any], field: str) -> list[M]:
    found = {obj.pk: obj for obj in queryset.filter(pk__in=pks)}
    missing = [index for index, pk in enumerate(pks) if pk not in found]
    if missing:
        raise ValidationError(
            {f"{field}.{index}": [_("There is no such object here.")] for index in missing}
        )
    return [found[pk] for pk in dict.fromkeys(pks)]


def renamed(exc: DjangoValidationError, names: Mapping[str, str]) -> ValidationError:
    """A service's ValidationError with its field names as the API calls them."""
    return ValidationError(
        {names.get(field, field): messages for field, messages in django_errors(exc).items()}
    )
