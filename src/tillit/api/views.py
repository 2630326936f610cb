"""Pages of the API: the documentation (Swagger UI, served by Tillit itself under its CSP), and
each person's tokens in an organisation."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.api import services
from tillit.api.forms import TokenForm
from tillit.api.models import ApiToken
from tillit.api.problems import problem
from tillit.api.selectors import organisation_tokens, tokens_of
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI with its script in a file of its own and no inline style, so the page works
    under Tillit's Content-Security-Policy as it is (script-src and style-src 'self')."""

    template_name = "api/swagger_ui.html"

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # The script carries the CSRF token: no other site may load it.
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response


@never_cache  # the page shows a new secret once
@login_required
def token_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    form = TokenForm(request.POST or None, can_write=access.can(Permission.EDIT))
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = {"access": access, "token": token, "secret": secret}
            return render(request, "api/token_created.html", created)
    context: dict[str, Any] = {
        "access": access,
        "form": form,
        "tokens": tokens_of(request.user, access.organisation),
        "docs_url": reverse("api-docs"),
        "api_url": request.build_absolute_uri(reverse("api-organisation-detail", args=[org])),
    }
    if access.can(Permission.MANAGE_MEMBERS):
        context["others"] = organisation_tokens(access.organisation).exclude(user=request.user)
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, org: str, api_token: UUID) -> HttpResponse:
    """Anyone may revoke their own tokens; those who manage members, anyone's."""
    access = access_organisation(request.user, org)
    tokens = ApiToken.objects.select_related("user")
    if not access.can(Permission.MANAGE_MEMBERS):
        tokens = tokens.filter(user=request.user)
    token = access.get(tokens, pk=api_token)
    services.api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("api-token-list", org)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Tillit's 404: a problem for an API address nothing answers to, the page otherwise."""
    if request.path.startswith("/api/"):
        detail = _("There is nothing here, or you may not see it.")
        return problem(404, detail, instance=request.path)
    return defaults.page_not_found(request, exception)
