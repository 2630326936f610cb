"""The organisation's side of assessments: start one, send links, review, findings."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.assessments import selectors, services
from tillit.assessments.forms import (
    AssessmentForm,
    FindingForm,
    LinkForm,
    QuestionForm,
    ReviewForm,
)
from tillit.assessments.models import (
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    PortalLink,
    Question,
    Review,
)
from tillit.assessments.report.content import Report
from tillit.assessments.report.pdf import render_report_pdf
from tillit.assessments.report.selectors import report_content
from tillit.assessments.report.xlsx import render_report_xlsx
from tillit.assessments.scoring import RULES
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers.forms import add_service_errors
from tillit.web.feedback import error_messages

PAGE_SIZE = 50

REPORT_RENDERERS: dict[str, tuple[Callable[[Report], bytes], str]] = {
    "pdf": (render_report_pdf, "application/pdf"),
    "xlsx": (
        render_report_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _assessment(access: OrgAccess, pk: UUID) -> Assessment:
    return access.get(Assessment.objects.select_related("supplier", "catalogue"), pk=pk)


@login_required
@require_safe
def assessment_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    status = request.GET.get("status", "")
    assessments = selectors.assessments_of(access.organisation)
    if status in AssessmentStatus.values:
        assessments = assessments.filter(status=status)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "page": page,
        "query": request.GET,
        "status": status,
        "statuses": AssessmentStatus.choices,
        "can_edit": access.can(Permission.EDIT),
    }
    return render(request, "assessments/list.html", context)


@login_required
def assessment_create(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    initial = {"contracts": request.GET.getlist("contract")}
    form = AssessmentForm(request.POST or None, initial=initial, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                acting_user=request.user,
                organisation=access.organisation,
                contracts=list(form.cleaned_data["contracts"]),
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The questionnaire was created."))
            return redirect("assessment-detail", org, assessment.pk)
    return render(request, "assessments/form.html", {"access": access, "form": form})


@login_required
@require_safe
def assessment_detail(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _assessment(access, assessment)
    can_edit = access.can(Permission.EDIT)
    questions = list(selectors.questions_of(target))
    areas: dict[str, list[Question]] = {}
    for question in questions:
        areas.setdefault(question.localised("area"), []).append(question)
    shared = []
    if can_edit and target.status in (AssessmentStatus.DRAFT, AssessmentStatus.SENT):
        shared = list(selectors.shared_with(access.organisation, target.supplier))
    context = {
        "access": access,
        "assessment": target,
        "areas": areas,
        "result": selectors.result(target),
        "rules": RULES,
        "links": list(target.links.all()),
        "findings": list(target.findings.select_related("question")),
        "contracts": list(target.contracts.all()),
        "shared": shared,
        "can_edit": can_edit,
        "reviewing": can_edit and target.status == AssessmentStatus.SUBMITTED,
        "link_form": LinkForm(),
        "question_form": QuestionForm(),
        "review_choices": Review.choices,
    }
    return render(request, "assessments/detail.html", context)


def _report_language(request: AuthenticatedHttpRequest) -> str:
    """?lang=sv or ?lang=en, else the language the person is using Tillit in."""
    chosen = request.GET.get("lang", "")
    if chosen in ("sv", "en"):
        return chosen
    return "en" if (translation.get_language() or "sv").startswith("en") else "sv"


@login_required
@require_safe
def assessment_report(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID, fmt: str
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _assessment(access, assessment)
    if fmt not in REPORT_RENDERERS:
        raise Http404
    render_report, content_type = REPORT_RENDERERS[fmt]
    language = _report_language(request)
    data = render_report(report_content(target, language))
    with translation.override(language):
        title = _("assessment report")
    # slugify() keeps ASCII letters, digits and hyphens only: nothing can break out of the
    # header's quotes, whatever the supplier or the title is called.
    name = slugify(f"{title} {target.supplier.name} {target.title}")[:100].strip("-")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name or "report"}.{fmt}"'
    return response


@login_required
@require_POST
def link_issue(request: AuthenticatedHttpRequest, org: str, assessment: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    form = LinkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("assessment-detail", org, target.pk)
    try:
        link, _token = services.link_issue(
            acting_user=request.user, assessment=target, **form.cleaned_data
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("A link was sent to %(email)s. It is valid until %(date)s.")
            % {"email": link.contact_email, "date": f"{link.expires_at:%Y-%m-%d}"},
        )
    return redirect("assessment-detail", org, target.pk)


@login_required
@require_POST
def link_revoke(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID, link: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    found = PortalLink.objects.filter(assessment=target, pk=link).first()
    if found is None:
        return redirect("assessment-detail", org, target.pk)
    services.link_revoke(acting_user=request.user, link=found)
    messages.success(request, _("The link no longer works."))
    return redirect("assessment-detail", org, target.pk)


@login_required
@require_POST
def question_add(request: AuthenticatedHttpRequest, org: str, assessment: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(acting_user=request.user, assessment=target, **form.cleaned_data)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The question was added."))
    else:
        messages.error(request, _("Write the question."))
    return redirect("assessment-detail", org, target.pk)


@login_required
@require_POST
def answer_review(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID, question: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    found = target.questions.filter(pk=question).select_related("assessment").first()
    form = ReviewForm(request.POST)
    if found is not None and form.is_valid():
        try:
            services.answer_review(
                acting_user=request.user,
                question=found,
                review=form.cleaned_data["review"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
    elif found is not None:
        messages.error(request, _("Accept or reject the answer."))
    return redirect(reverse("assessment-detail", args=[org, target.pk]) + f"#q-{question}")


@login_required
@require_POST
def assessment_reopen(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    try:
        services.assessment_reopen(acting_user=request.user, assessment=target)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The supplier can change its answers again."))
    return redirect("assessment-detail", org, target.pk)


@login_required
@require_POST
def review_complete(request: AuthenticatedHttpRequest, org: str, assessment: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    try:
        findings = services.review_complete(acting_user=request.user, assessment=target)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("The review is completed. Findings raised: %(count)s.") % {"count": len(findings)},
        )
    return redirect("assessment-detail", org, target.pk)


@login_required
@require_POST
def import_shared(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID, source: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    # Only what is shared with this organisation can be found here; anything else is 404.
    shared = selectors.shared_with(access.organisation, target.supplier).filter(pk=source).first()
    if shared is None:
        raise Http404
    try:
        count = services.answers_import_shared(
            acting_user=request.user, assessment=target, source=shared
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("%(count)s answers were imported. Review them as usual.") % {"count": count}
        )
    return redirect("assessment-detail", org, target.pk)


# -- Findings ---------------------------------------------------------------------------------


@login_required
@require_safe
def finding_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    status = request.GET.get("status", "")
    findings = selectors.findings_of(access.organisation)
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "page": page,
        "query": request.GET,
        "status": status,
        "statuses": FindingStatus.choices,
    }
    return render(request, "assessments/findings.html", context)


@login_required
def finding_create(
    request: AuthenticatedHttpRequest, org: str, assessment: UUID, question: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _assessment(access, assessment)
    found = target.questions.filter(pk=question).first()
    if found is None:
        raise Http404
    form = FindingForm(
        request.POST or None,
        initial={
            "title": f"{found.label}: {found.localised('title')}",
            "required_action": found.review_comment,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_create(
                acting_user=request.user, assessment=target, question=found, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The finding was raised."))
            return redirect("assessment-detail", org, target.pk)
    context = {"access": access, "form": form, "assessment": target, "question": found}
    return render(request, "assessments/finding_form.html", context)


@login_required
def finding_detail(request: AuthenticatedHttpRequest, org: str, finding: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = access.get(
        Finding.objects.select_related("assessment__supplier", "question"), pk=finding
    )
    can_edit = access.can(Permission.EDIT)
    form = FindingForm(
        request.POST or None,
        initial={field: getattr(target, field) for field in services.FINDING_FIELDS},
    )
    if request.method == "POST":
        access = access_organisation(request.user, org, Permission.EDIT)
        if form.is_valid():
            try:
                services.finding_update(
                    acting_user=request.user, finding=target, **form.cleaned_data
                )
            except ValidationError as exc:
                target.refresh_from_db()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The finding was saved."))
                return redirect("finding-detail", org, target.pk)
    moves = [
        (status, FindingStatus(status).label)
        for status in sorted(services.STAFF_TRANSITIONS[FindingStatus(target.status)])
    ]
    context = {
        "access": access,
        "finding": target,
        "form": form,
        "can_edit": can_edit,
        "moves": moves if can_edit else [],
    }
    return render(request, "assessments/finding_detail.html", context)


@login_required
@require_POST
def finding_move(request: AuthenticatedHttpRequest, org: str, finding: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = access.get(Finding.objects.all(), pk=finding)
    try:
        services.finding_move(
            acting_user=request.user, finding=target, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("The finding is now %(status)s.") % {"status": target.get_status_display().lower()},
        )
    return redirect("finding-detail", org, target.pk)
