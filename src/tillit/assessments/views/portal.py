"""The supplier portal: no account, a link with a secret token and a one-time code by e-mail.

Every request is rate limited (per address and per token) and written to the audit log. The token
is checked on every request, so a revoked or expired link stops working at once; the one-time
code proves the visitor reads the contact's mail, and marks this browser session for a while.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from tillit.assessments import selectors, services
from tillit.assessments.forms import AnswerForm, CodeForm, ConsentForm, ResponseForm
from tillit.assessments.models import Answer, AssessmentStatus, PortalLink, Question
from tillit.incidents.forms import IncidentForm
from tillit.incidents.models import ReportedVia
from tillit.incidents.services import incident_register
from tillit.lib.ratelimit import allow, client_address
from tillit.suppliers.forms import add_service_errors
from tillit.web.feedback import error_messages

logger = logging.getLogger(__name__)

SESSION_KEY = "portal_links"
VERIFIED_SECONDS = 8 * 3600
# Per minute. A person answering 80 questions quickly stays far below these.
PER_ADDRESS = 300
PER_TOKEN = 120
CODES_PER_QUARTER = 3  # one-time codes mailed per link per 15 minutes

PortalView = Callable[..., HttpResponse]


class PortalRequest(HttpRequest):
    htmx: HtmxDetails


def _verified(request: HttpRequest, link: PortalLink) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(link.pk), 0)
    return bool(until > timezone.now().timestamp())


def _mark_verified(request: PortalRequest, link: PortalLink) -> None:
    request.session.cycle_key()  # a fresh session id once the code is proven
    links = request.session.get(SESSION_KEY, {})
    links[str(link.pk)] = timezone.now().timestamp() + VERIFIED_SECONDS
    request.session[SESSION_KEY] = links


def portal(action: str, *, verified: bool = True) -> Callable[[PortalView], PortalView]:
    """Resolve the token to its link, limit, check the code was proven, and log the request."""

    def decorate(view: PortalView) -> PortalView:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
            address = client_address(request)
            token_key = hashlib.sha256(token.encode()).hexdigest()[:32]
            if not (
                allow(f"portal-address:{address}", PER_ADDRESS, 60)
                and allow(f"portal-token:{token_key}", PER_TOKEN, 60)
            ):
                return render(request, "assessments/portal/limited.html", status=429)
            link = services.link_for_token(token)
            if link is None:
                logger.warning("Portal request with an unknown, expired or revoked token")
                return render(request, "assessments/portal/invalid.html", status=404)
            if verified and not _verified(request, link):
                return redirect("portal-entry", token)
            services.portal_log(link, action)
            response = view(request, link, token, **kwargs)
            response.headers["X-Robots-Tag"] = "noindex"
            # The token is in the URL: it never goes to another site in a Referer. Not
            # no-referrer, with which browsers send the portal's forms with Origin: null, which
            # Django's CSRF check refuses.
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate


def _context(link: PortalLink, token: str, **extra: Any) -> dict[str, Any]:
    return {"link": link, "token": token, "assessment": link.assessment, **extra}


@portal("open", verified=False)
@require_http_methods(["GET", "HEAD"])
def entry(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    if _verified(request, link):
        return redirect("portal-questionnaire", token)
    return render(request, "assessments/portal/entry.html", _context(link, token, form=CodeForm()))


@portal("code_request", verified=False)
@require_POST
def code_send(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    if allow(f"portal-code:{link.pk}", CODES_PER_QUARTER, 15 * 60):
        services.code_send(link)
        messages.success(request, _("A code was sent to %(email)s.") % {"email": _masked(link)})
    else:
        messages.error(request, _("Too many codes were asked for. Wait 15 minutes and try again."))
    return redirect("portal-entry", token)


@portal("code_enter", verified=False)
@require_POST
def code_verify(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid() and services.code_verify(link, form.cleaned_data["code"]):
        _mark_verified(request, link)
        return redirect("portal-questionnaire", token)
    form.add_error(
        "code",
        _("The code is wrong or no longer valid. After five wrong tries, ask for a new code."),
    )
    return render(
        request, "assessments/portal/entry.html", _context(link, token, form=form), status=400
    )


def _masked(link: PortalLink) -> str:
    name, _at, domain = link.contact_email.partition("@")
    return f"{name[:2]}…@{domain}"


def _areas(questions: list[Question]) -> dict[str, list[Question]]:
    areas: dict[str, list[Question]] = {}
    for question in questions:
        areas.setdefault(question.localised("area"), []).append(question)
    return areas


@portal("questionnaire")
@require_http_methods(["GET", "HEAD"])
def questionnaire(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    assessment = link.assessment
    questions = list(selectors.questions_of(assessment))
    consent = getattr(assessment, "consent", None)
    context = _context(
        link,
        token,
        areas=_areas(questions),
        answered=sum(1 for q in questions if q.answer),
        total=len(questions),
        editable=assessment.editable_by_supplier,
        findings=list(assessment.findings.all()),
        consent=consent if consent and consent.withdrawn_at is None else None,
        consent_form=ConsentForm(),
        answer_choices=Answer.choices,
        can_share=assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.COMPLETED),
    )
    return render(request, "assessments/portal/questionnaire.html", context)


def _question(link: PortalLink, pk: UUID) -> Question:
    question = link.assessment.questions.filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def _back(token: str, anchor: str = "") -> HttpResponse:
    return redirect(reverse("portal-questionnaire", args=[token]) + anchor)


@portal("answer")
@require_POST
def answer(request: PortalRequest, link: PortalLink, token: str, question: UUID) -> HttpResponse:
    found = _question(link, question)
    form = AnswerForm(request.POST)
    # What the person sent, shown again when it could not be saved.
    draft = {
        "answer": request.POST.get("answer", ""),
        "description": request.POST.get("description", ""),
        "version": request.POST.get("version", ""),
    }
    errors: list[str] = []
    conflict = False
    if not form.is_valid():
        errors = [_("Choose one of the answers.")] if "answer" in form.errors else []
        errors = errors or [_("The page is out of date. Reload it and answer again.")]
    else:
        try:
            found = services.answer_save(
                link=link,
                question=found,
                version=form.cleaned_data["version"],
                answer=form.cleaned_data["answer"],
                description=form.cleaned_data["description"],
            )
        except services.EditConflictError as exc:
            # Show what the other person saved and keep this person's text to merge by hand;
            # the next save, made knowingly, replaces the other answer.
            found, conflict = exc.question, True
            draft["version"] = str(found.version)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if not request.htmx:
                messages.success(request, _("Your answer was saved."))
                return _back(token, f"#q-{found.pk}")
            draft = {}
    context = _context(
        link,
        token,
        question=found,
        draft=draft,
        errors=errors,
        conflict=conflict,
        saved=not draft,
        editable=link.assessment.editable_by_supplier,
        answer_choices=Answer.choices,
    )
    if request.htmx:
        return render(request, "assessments/portal/question.html", context)
    status = 409 if conflict else 400
    return render(request, "assessments/portal/question_page.html", context, status=status)


@portal("evidence_add")
@require_POST
def evidence_add(
    request: PortalRequest, link: PortalLink, token: str, question: UUID
) -> HttpResponse:
    found = _question(link, question)
    try:
        document = services.evidence_add(
            link=link, question=found, upload=request.FILES.get("file")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s was attached.") % {"name": document.name})
    return _back(token, f"#q-{found.pk}")


@portal("evidence_remove")
@require_POST
def evidence_remove(
    request: PortalRequest, link: PortalLink, token: str, question: UUID, document: UUID
) -> HttpResponse:
    found = _question(link, question)
    attached = found.evidence.filter(pk=document).first()
    if attached is None:
        raise Http404
    try:
        services.evidence_remove(link=link, question=found, document=attached)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": attached.name})
    return _back(token, f"#q-{found.pk}")


@portal("submit")
@require_POST
def submit(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    try:
        services.assessment_submit(link=link)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Thank you. Your answers were submitted to %(organisation)s.")
            % {"organisation": link.assessment.organisation.name},
        )
    return _back(token)


@portal("finding_respond")
@require_POST
def finding_respond(
    request: PortalRequest, link: PortalLink, token: str, finding: UUID
) -> HttpResponse:
    found = link.assessment.findings.filter(pk=finding).first()
    if found is None:
        raise Http404
    form = ResponseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Describe what you have done."))
        services.finding_respond(link=link, finding=found, response=form.cleaned_data["response"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your response was sent for verification."))
    return _back(token, f"#f-{found.pk}")


@portal("consent")
@require_POST
def consent(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    if request.POST.get("withdraw"):
        services.consent_withdraw(link=link)
        messages.success(request, _("The assessment is no longer shared."))
        return _back(token, "#sharing")
    form = ConsentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the organisations to share with, or all of them."))
        services.consent_give(
            link=link,
            all_organisations=form.cleaned_data["all_organisations"],
            organisations=list(form.cleaned_data["organisations"]),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Thank you. The assessment is shared as you chose."))
    return _back(token, "#sharing")


@portal("incident")
@require_http_methods(["GET", "HEAD", "POST"])
def incident_report(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    """The supplier tells its customers of an incident (GDPR Art. 33(2)): every organisation
    it hits, directly or as a sub-processor, gets a case at once."""
    supplier = link.assessment.supplier
    form = IncidentForm(request.POST or None)
    if request.method == "POST":
        claimed = request.POST.get("supplier", "")
        if claimed and claimed != str(supplier.pk):
            form.add_error(
                None,
                _("This link can only report incidents at %(supplier)s.")
                % {"supplier": supplier.name},
            )
        elif form.is_valid():
            try:
                incident = incident_register(
                    acting_user=None,
                    actor_label=f"portal: {link.contact_email}",
                    via=ReportedVia.PORTAL,
                    supplier=supplier,
                    reporting_organisation=link.assessment.organisation,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. The incident was reported to %(count)s organisations.")
                    % {"count": incident.cases.count()},
                )
                return _back(token)
    context = _context(link, token, form=form, supplier=supplier)
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/portal/incident.html", context, status=status)
