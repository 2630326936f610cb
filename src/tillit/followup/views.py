from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.followup import services
from tillit.followup.calendar import calendar
from tillit.followup.forms import PlanFilterForm, PolicyForm
from tillit.followup.models import Run, Status, status_filter
from tillit.followup.plan import Responsibility, policy_of
from tillit.followup.store import items_for, plan_items
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers.forms import add_service_errors

PAGE_SIZE = 100


@login_required
@require_safe
def plan(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    today = timezone.localdate()
    items = plan_items(access.organisation, today)
    responsibility = Responsibility.of(access.organisation)
    form = PlanFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            items = items.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            items = items.filter(status_filter(Status(form.cleaned_data["status"]), today))
        if form.cleaned_data["mine"]:
            items = items.filter(responsibility.answered_by(request.user))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "form": form,
        "page": page,
        "rows": [(item, responsibility.people(item), item.status(today)) for item in page],
        "query": request.GET,
        "today": today,
        "last_run": Run.objects.filter(daily=True).first(),
        "can_edit": access.can(Permission.EDIT),
        "policy": policy_of(access.organisation),
    }
    return render(request, "followup/plan.html", context)


@login_required
def policy(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    current = policy_of(access.organisation)
    initial = {name: getattr(current, name) for name in services.POLICY_FIELDS}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("followup-plan", org)
    return render(request, "followup/policy.html", {"access": access, "form": form})


@login_required
@require_POST
def calendar_reset(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    token = services.calendar_feed_reset(user=request.user)
    url = request.build_absolute_uri(reverse("followup-calendar", args=[token]))
    context = {"access": access, "url": url}
    return render(request, "followup/calendar_created.html", context)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's items in every organisation, for Outlook; no session, the token is the key."""
    user = services.calendar_feed_user(token)
    if user is None:
        raise Http404
    body = calendar(
        ((organisation.name, item) for organisation, item in items_for(user, timezone.localdate())),
        name="Tillit",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tillit.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
