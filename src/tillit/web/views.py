from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.audit.selectors import events_for_organisation
from tillit.followup.plan import Status, follow_up_plan
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


@login_required
def dashboard(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    today = timezone.localdate()
    items = follow_up_plan(access.organisation, today)
    overdue = Counter(item.kind_label for item in items if item.status(today) == Status.OVERDUE)
    context = {
        "access": access,
        "overdue": sorted(overdue.items()),
        "coming": [item for item in items if item.status(today) == Status.SOON],
        "member_count": memberships_of(access.organisation).values("user").distinct().count(),
        "recent_events": (
            events_for_organisation(access.organisation)[:5]
            if access.can(Permission.VIEW_AUDIT_LOG)
            else None
        ),
    }
    return render(request, "web/dashboard.html", context)
