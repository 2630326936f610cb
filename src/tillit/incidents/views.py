"""An organisation's incident pages: report one, its cases with their clocks, and the lessons
other organisations have published."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.incidents import selectors, services
from tillit.incidents.drafts import DRAFTS, as_pdf, as_text
from tillit.incidents.forms import (
    AwareForm,
    CloseForm,
    LessonForm,
    NoteForm,
    OperatorIncidentForm,
    StaffIncidentForm,
    StepDoneForm,
)
from tillit.incidents.impact import impact
from tillit.incidents.models import Case, ClockStep, ReportedVia
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers.forms import add_service_errors
from tillit.suppliers.models import Supplier
from tillit.web.feedback import error_messages

PAGE_SIZE = 50


def _case(access: OrgAccess, pk: UUID) -> Case:
    return access.get(Case.objects.select_related("incident__supplier", "via_supplier"), pk=pk)


@login_required
@require_safe
def case_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    page = Paginator(selectors.cases_of(access.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "access": access,
        "page": page,
        "query": request.GET,
        "can_edit": access.can(Permission.EDIT),
    }
    return render(request, "incidents/list.html", context)


@login_required
def incident_report(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    suppliers = Supplier.objects.filter(relations__organisation=access.organisation).order_by(
        "name"
    )
    form = StaffIncidentForm(request.POST or None, suppliers=suppliers)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        supplier = values.pop("supplier")
        identifier = values.pop("supplier_orgnr").strip()
        try:
            if identifier:
                supplier = selectors.supplier_by_identifier(identifier)
                if supplier is None:
                    raise ValidationError(
                        {"supplier_orgnr": _("No supplier with that number is registered.")}
                    )
            if supplier is None:
                raise ValidationError({"supplier": _("Choose the supplier.")})
            incident = services.incident_register(
                acting_user=request.user,
                via=ReportedVia.STAFF,
                supplier=supplier,
                reporting_organisation=access.organisation,
                **values,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            case = incident.cases.filter(organisation=access.organisation).first()
            count = incident.cases.count()
            messages.success(
                request,
                _("The incident was registered. Organisations hit: %(count)s.") % {"count": count},
            )
            if case is not None:
                return redirect("case-detail", org, case.pk)
            return redirect("case-list", org)
    return render(request, "incidents/report.html", {"access": access, "form": form})


@login_required
@require_safe
def case_detail(request: AuthenticatedHttpRequest, org: str, case: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _case(access, case)
    now = timezone.now()
    steps = [
        (step, regime, rule, step.done_at is None and step.due_at < now)
        for step, regime, rule in selectors.case_steps(target)
    ]
    context: dict[str, Any] = {
        "access": access,
        "case": target,
        "incident": target.incident,
        "steps": steps,
        "now": now,
        "timeline": list(selectors.timeline(target)),
        "entries": list(target.entries.select_related("author")),
        "can_edit": access.can(Permission.EDIT),
        "aware_form": AwareForm(initial={"aware_at": timezone.localtime(target.aware_at)}),
        "note_form": NoteForm(),
        "close_form": CloseForm(),
        "lesson_form": LessonForm(),
        "lesson": getattr(target, "lesson", None),
        "totals": impact(target.incident.supplier).totals,
    }
    return render(request, "incidents/case.html", context)


@login_required
@require_POST
def case_aware(request: AuthenticatedHttpRequest, org: str, case: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _case(access, case)
    form = AwareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and time."))
    else:
        try:
            services.case_set_aware(
                acting_user=request.user, case=target, aware_at=form.cleaned_data["aware_at"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The deadlines now count from the new time."))
    return redirect("case-detail", org, target.pk)


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, org: str, case: UUID, step: int) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _case(access, case)
    found = ClockStep.objects.filter(case=target, pk=step).select_related("case__incident").first()
    if found is None:
        raise Http404
    form = StepDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and time."))
    else:
        try:
            services.step_done(acting_user=request.user, step=found, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The step is marked done."))
    return redirect("case-detail", org, target.pk)


@login_required
@require_POST
def case_note(request: AuthenticatedHttpRequest, org: str, case: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _case(access, case)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the note."))
        services.case_note(acting_user=request.user, case=target, text=form.cleaned_data["text"])
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect("case-detail", org, target.pk)


@login_required
@require_POST
def case_close(request: AuthenticatedHttpRequest, org: str, case: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _case(access, case)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.case_close(
            acting_user=request.user, case=target, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The case is closed."))
    return redirect("case-detail", org, target.pk)


@login_required
@require_POST
def lesson_publish(request: AuthenticatedHttpRequest, org: str, case: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _case(access, case)
    form = LessonForm(request.POST)
    form.is_valid()
    try:
        services.lesson_publish(
            acting_user=request.user,
            case=target,
            text=form.cleaned_data.get("text", ""),
            show_organisation=form.cleaned_data.get("show_organisation", False),
            no_personal_data=form.cleaned_data.get("no_personal_data", False),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Thank you. The lessons are shared with every organisation."))
    return redirect("case-detail", org, target.pk)


@login_required
@require_safe
def lesson_feed(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    page = Paginator(selectors.lessons(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"access": access, "page": page, "query": request.GET}
    return render(request, "incidents/lessons.html", context)


@login_required
def operator_incidents(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The operator registers incidents and sees, for each, how far it reaches (totals only:
    which organisations are hit and what they hold is theirs)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    form = OperatorIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        supplier = selectors.supplier_by_identifier(values.pop("supplier_orgnr"))
        if supplier is None:
            form.add_error("supplier_orgnr", _("No supplier with that number is registered."))
        else:
            try:
                incident = services.incident_register(
                    acting_user=request.user, via=ReportedVia.OPERATOR, supplier=supplier, **values
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The incident was registered. Organisations hit: %(count)s.")
                    % {"count": incident.cases.count()},
                )
                return redirect("operator-incidents")
    incidents = Paginator(selectors.incidents_with_reach(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": incidents, "query": request.GET}
    return render(request, "incidents/operator.html", context)


@login_required
@require_safe
def case_draft(
    request: AuthenticatedHttpRequest, org: str, case: UUID, draft: str, fmt: str
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _case(access, case)
    if draft not in DRAFTS or fmt not in ("txt", "pdf"):
        raise Http404
    content = DRAFTS[draft](target)
    name = f"{draft}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "txt":
        response = HttpResponse(as_text(content), content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(as_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
