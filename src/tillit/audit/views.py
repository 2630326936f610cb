from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.audit.selectors import events_for_organisation
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission

PAGE_SIZE = 50


@login_required
def audit_log(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.VIEW_AUDIT_LOG)
    page = Paginator(events_for_organisation(access.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "audit/partials/events.html" if request.htmx else "audit/log.html"
    return render(request, template, {"access": access, "page": page})
