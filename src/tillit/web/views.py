from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.audit.selectors import events_for_organisation
from tillit.followup.models import Kind, Status, overdue_by_kind, status_filter
from tillit.followup.store import plan_items
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission
from tillit.organisations.selectors import memberships_of, organisations_for_user


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a signed-in user lands: straight into their organisation if they have one."""
    organisations = list(organisations_for_user(request.user))
    if len(organisations) == 1 and not request.user.is_superuser:
        return redirect("dashboard", organisations[0].slug)
    return render(request, "web/home.html", {"organisations": organisations})


COMING = 8  # items of the next 30 days named on the dashboard


@login_required
def dashboard(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    today = timezone.localdate()
    items = plan_items(access.organisation, today)
    coming = items.filter(status_filter(Status.SOON, today))
    context = {
        "access": access,
        "overdue": sorted(
            (str(Kind(kind).label), count) for kind, count in overdue_by_kind(items, today).items()
        ),
        "coming": coming[:COMING],
        "coming_total": coming.count(),
        "member_count": memberships_of(access.organisation).values("user").distinct().count(),
        "recent_events": (
            events_for_organisation(access.organisation)[:5]
            if access.can(Permission.VIEW_AUDIT_LOG)
            else None
        ),
    }
    return render(request, "web/dashboard.html", context)
