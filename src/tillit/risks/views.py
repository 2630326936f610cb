"""The risk register's pages: the list with its heat map, a risk (new, proposed from a finding
or an incident case, edited, accepted) and the organisation's risk settings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.assessments.models import Finding
from tillit.incidents.models import Case
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.roles import Permission
from tillit.risks import selectors, services
from tillit.risks.forms import RiskAcceptForm, RiskForm, RiskSettingsForm
from tillit.risks.matrix import MATRICES, Band, rescale
from tillit.risks.models import Risk, RiskSettings, RiskStatus, Treatment
from tillit.suppliers.forms import add_service_errors

PAGE_SIZE = 50
FILTERS = ("band", "treatment", "status", "owner")


def _risk(access: OrgAccess, pk: UUID) -> Risk:
    return access.get(
        selectors.risks_of(access.organisation).select_related(
            "contract__supplier", "asset", "finding", "case__incident", "accepted_by"
        ),
        pk=pk,
    )


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404 from None


@login_required
@require_safe
def risk_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    settings = selectors.settings_of(access.organisation)
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    risks = selectors.risks_filtered(selectors.risks_of(access.organisation), settings, **filters)
    page = Paginator(risks, PAGE_SIZE).get_page(request.GET.get("page"))
    matrix = settings.matrix
    context = {
        "access": access,
        "page": page,
        "rows": [
            (risk, matrix.band(risk.residual_level), risk.residual_level > settings.appetite)
            for risk in page.object_list
        ],
        "query": request.GET,
        "filters": filters,
        "bands": Band.choices,
        "treatments": [*Treatment.choices, ("none", _("Not decided"))],
        "statuses": RiskStatus.choices,
        "owners": list(selectors.members_of(access.organisation)),
        "heat": selectors.heatmap(access.organisation, settings=settings),
        "settings": settings,
        "can_edit": access.can(Permission.EDIT),
        "can_set": access.can(Permission.ACCEPT_RISK),
    }
    return render(request, "risks/list.html", context)


@login_required
@require_safe
def risk_heatmap(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """The heat map on its own (for htmx and for pages that embed it)."""
    access = access_organisation(request.user, org)
    kind = request.GET.get("kind", "residual")
    if kind not in selectors.KINDS:
        kind = "residual"
    context = {"access": access, "heat": selectors.heatmap(access.organisation, kind=kind)}
    return render(request, "risks/partials/heatmap.html", context)


def _proposal(access: OrgAccess, query: QueryDict) -> tuple[dict[str, Any], Finding | Case | None]:
    """Initial values proposed from ?finding= or ?case= (of this organisation, else 404)."""
    if "finding" in query:
        finding = access.get(
            Finding.objects.select_related("assessment__supplier"), pk=_uuid(str(query["finding"]))
        )
        return selectors.proposal_from_finding(finding), finding
    if "case" in query:
        case = access.get(
            Case.objects.select_related("incident__supplier", "organisation"),
            pk=_uuid(str(query["case"])),
        )
        return selectors.proposal_from_case(case), case
    return {}, None


@login_required
def risk_create(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    settings = selectors.settings_of(access.organisation)
    initial, source = _proposal(access, request.GET)
    form = RiskForm(
        request.POST or None,
        initial=initial,
        organisation=access.organisation,
        matrix=settings.matrix,
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk was registered."))
            return redirect("risk-detail", org, risk.pk)
    context = {
        "access": access,
        "form": form,
        "source": source,
        "is_finding": isinstance(source, Finding),
        "settings": settings,
    }
    return render(request, "risks/form.html", context)


@login_required
def risk_edit(request: AuthenticatedHttpRequest, org: str, risk: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _risk(access, risk)
    settings = selectors.settings_of(access.organisation)
    initial = {name: getattr(target, name) for name in services.RISK_FIELDS}
    form = RiskForm(
        request.POST or None,
        initial=initial,
        organisation=access.organisation,
        matrix=settings.matrix,
    )
    if request.method == "POST" and form.is_valid():
        was_accepted = target.status == RiskStatus.ACCEPTED
        try:
            services.risk_update(acting_user=request.user, risk=target, **form.cleaned_data)
        except ValidationError as exc:
            target = _risk(access, risk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk was saved."))
            if was_accepted and target.status != RiskStatus.ACCEPTED:
                messages.warning(
                    request, _("The risk changed, so it is no longer accepted: decide again.")
                )
            return redirect("risk-detail", org, target.pk)
    context = {"access": access, "form": form, "risk": target, "settings": settings}
    return render(request, "risks/form.html", context)


def _detail(
    request: AuthenticatedHttpRequest,
    access: OrgAccess,
    risk: Risk,
    accept_form: RiskAcceptForm | None = None,
) -> HttpResponse:
    settings = selectors.settings_of(access.organisation)
    matrix = settings.matrix
    inherent = matrix.level(risk.inherent_likelihood, risk.inherent_consequence)
    residual = matrix.level(risk.residual_likelihood, risk.residual_consequence)
    above = residual > settings.appetite
    open_ = risk.status not in (RiskStatus.ACCEPTED, RiskStatus.CLOSED)
    may_accept = open_ and (
        access.can(Permission.ACCEPT_RISK) or (access.can(Permission.EDIT) and not above)
    )
    context = {
        "access": access,
        "risk": risk,
        "settings": settings,
        "matrix": matrix,
        "inherent": inherent,
        "residual": residual,
        "inherent_band": matrix.band(inherent),
        "residual_band": matrix.band(residual),
        "above": above,
        "may_accept": may_accept,
        "accept_blocked": open_ and not may_accept and access.can(Permission.EDIT),
        "accept_form": accept_form or RiskAcceptForm(initial={"accepted_on": timezone.localdate()}),
        "history": list(selectors.history(risk)),
        "can_edit": access.can(Permission.EDIT),
    }
    return render(request, "risks/detail.html", context)


@login_required
@require_safe
def risk_detail(request: AuthenticatedHttpRequest, org: str, risk: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    return _detail(request, access, _risk(access, risk))


@login_required
@require_POST
def risk_accept(request: AuthenticatedHttpRequest, org: str, risk: UUID) -> HttpResponse:
    """Accept the residual risk. Who may depends on the risk appetite (the service decides)."""
    access = access_organisation(request.user, org)
    target = _risk(access, risk)
    form = RiskAcceptForm(request.POST)
    if form.is_valid():
        try:
            services.risk_accept(
                acting_user=request.user,
                permissions=access.permissions,
                risk=target,
                accepted_on=form.cleaned_data["accepted_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk is accepted."))
            return redirect("risk-detail", org, target.pk)
    return _detail(request, access, _risk(access, risk), form)


def _mapping(settings: RiskSettings, form: RiskSettingsForm) -> list[tuple[int, int]]:
    """How each step of the current matrix would move to the size asked for, if it differs."""
    new = {str(size): size for size in MATRICES}.get(form.data.get("matrix_size", ""))
    if new is None or new == settings.matrix_size:
        return []
    return [(value, rescale(value, settings.matrix_size, new)) for value in settings.matrix.values]


@login_required
def risk_settings(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """The matrix size and the risk appetite: management's (and administrators') to set."""
    access = access_organisation(request.user, org, Permission.ACCEPT_RISK)
    settings = selectors.settings_of(access.organisation)
    form = RiskSettingsForm(
        request.POST or None,
        initial={"matrix_size": settings.matrix_size, "appetite": settings.appetite},
        matrix=settings.matrix,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_settings_set(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The risk settings were saved."))
            return redirect("risk-list", org)
    context = {
        "access": access,
        "form": form,
        "settings": settings,
        "matrix": settings.matrix,
        "mapping": _mapping(settings, form) if form.is_bound else [],
        "risk_count": Risk.objects.filter(organisation=access.organisation).count(),
    }
    return render(request, "risks/settings.html", context)
