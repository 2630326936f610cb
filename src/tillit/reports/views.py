"""Management's view of the organisation, and the concentration view across the instance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.lib.dates import RANGE
from tillit.organisations.access import access_organisation
from tillit.organisations.models import Organisation
from tillit.reports import services
from tillit.reports.concentration import subprocessor_reach, supplier_reach
from tillit.reports.forms import ReportForm
from tillit.reports.models import ManagementReport
from tillit.reports.overview import overview
from tillit.web.feedback import error_messages

CRITICAL_PAGE = 100  # critical systems a page: a large organisation has thousands


@login_required
@require_safe
def management(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    today = timezone.localdate()
    found = overview(access.organisation, today)
    context = {
        **found,
        "page": Paginator(found["critical"], CRITICAL_PAGE).get_page(request.GET.get("page")),
        "query": request.GET,
        "access": access,
        "today": today,
        "reports": _reports(access.organisation),
        "report_form": ReportForm(
            initial={
                "period_start": today.replace(month=1, day=1),
                "period_end": today,
                "language": request.LANGUAGE_CODE,
            }
        ),
    }
    return render(request, "reports/management.html", context)


def _reports(organisation: Organisation) -> list[ManagementReport]:
    return list(
        ManagementReport.objects.filter(organisation=organisation).select_related("document")[:10]
    )


@login_required
def report_request(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """Ask the worker for a management report; the page shows its progress."""
    access = access_organisation(request.user, org)
    if request.method != "POST":
        return render(
            request,
            "reports/partials/report_list.html",
            {"access": access, "reports": _reports(access.organisation)},
        )
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_request(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The report is being made. It appears below when ready."))
    else:
        messages.error(
            request,
            _("Give the period as two dates between %(earliest)s and %(latest)s.") % RANGE,
        )
    return redirect(reverse("management", args=[org]) + "#reports")


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
