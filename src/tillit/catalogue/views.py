from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.catalogue.forms import RequirementSearchForm
from tillit.catalogue.models import Requirement
from tillit.catalogue.selectors import catalogues, default_catalogue, search_requirements
from tillit.organisations.access import access_organisation

PAGE_SIZE = 50


@login_required
def catalogue_browse(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """Catalogues are shared by the whole instance; any member may browse them."""
    access = access_organisation(request.user, org)
    all_catalogues = list(catalogues())
    chosen = request.GET.get("catalogue", "")
    catalogue = (
        next((c for c in all_catalogues if str(c.pk) == chosen), None) or default_catalogue()
    )
    form = RequirementSearchForm(request.GET or None)
    requirements = None
    if catalogue is not None:
        filters = form.cleaned_data if form.is_valid() else {}
        found = search_requirements(
            catalogue,
            text=filters.get("q", ""),
            scheme=filters.get("scheme", ""),
            reference=filters.get("reference", ""),
        )
        requirements = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "catalogues": all_catalogues,
        "catalogue": catalogue,
        "form": form,
        "page": requirements,
        "query": request.GET.copy(),
    }
    # Without a catalogue there are no results to swap in: the whole page says so.
    partial = request.htmx and requirements is not None
    template = "catalogue/partials/results.html" if partial else "catalogue/browse.html"
    return render(request, template, context)


@login_required
def requirement_detail(
    request: AuthenticatedHttpRequest, org: str, requirement: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = get_object_or_404(
        Requirement.objects.select_related("catalogue", "area").prefetch_related("references"),
        pk=requirement,
    )
    return render(request, "catalogue/requirement.html", {"access": access, "requirement": target})
