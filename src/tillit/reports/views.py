"""Management's view of the organisation, and the concentration view across the instance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.organisations.access import access_organisation
from tillit.reports.concentration import subprocessor_reach, supplier_reach
from tillit.reports.figures import key_figures, trend


@login_required
@require_safe
def management(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    today = timezone.localdate()
    figures, critical = key_figures(access.organisation, today)
    context = {
        "access": access,
        "today": today,
        "figures": figures,
        "critical": critical,
        "trend": trend(access.organisation),
    }
    return render(request, "reports/management.html", context)


def _concentration(request: AuthenticatedHttpRequest, context: dict[str, object]) -> HttpResponse:
    context |= {"suppliers": supplier_reach(), "subprocessors": subprocessor_reach()}
    return render(request, "reports/concentration.html", context)


@login_required
@require_safe
def concentration(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """For organisations that take part by name."""
    access = access_organisation(request.user, org)
    if not access.organisation.share_concentration:
        return render(request, "reports/concentration_off.html", {"access": access}, status=403)
    return _concentration(request, {"access": access})


@login_required
@require_safe
def operator_concentration(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    return _concentration(request, {})
