from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.catalogue.models import Requirement
from tillit.catalogue.selectors import default_catalogue
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.roles import Permission
from tillit.procurement import services
from tillit.procurement.documents.annex_docx import render_annex_docx
from tillit.procurement.documents.annex_pdf import annex_pdf
from tillit.procurement.documents.evaluation import (
    render_evaluation_docx,
    render_evaluation_pdf,
    render_evaluation_xlsx,
)
from tillit.procurement.forms import ANSWER_CHOICES, AdjustmentForm, ProcurementForm, TenderForm
from tillit.procurement.models import Adjustment, Procurement, Tender
from tillit.procurement.selectors import (
    AnnexNotReadyError,
    annex_content,
    evaluation_content,
    procurement_profile,
    procurements_of,
)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _annex_docx(procurement: Procurement, language: str) -> bytes:
    return render_annex_docx(annex_content(procurement, language))


# A procurement's annex in a language; the PDF may be the copy kept since it was laid out.
ANNEX_RENDERERS: dict[str, Callable[[Procurement, str], bytes]] = {
    "docx": _annex_docx,
    "pdf": annex_pdf,
}
EVALUATION_RENDERERS: dict[str, Callable[[Any], bytes]] = {
    "docx": render_evaluation_docx,
    "pdf": render_evaluation_pdf,
    "xlsx": render_evaluation_xlsx,
}


def _procurement(access: OrgAccess, procurement_id: UUID) -> Procurement:
    return access.get(procurements_of(access.organisation), pk=procurement_id)


@login_required
def procurement_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    context = {"access": access, "procurements": procurements_of(access.organisation)}
    return render(request, "procurement/list.html", context)


@login_required
def procurement_create(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    initial = {"officer": request.user, "catalogue": default_catalogue()}
    form = ProcurementForm(request.POST or None, initial=initial, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procurement = services.procurement_create(
                acting_user=request.user,
                organisation=access.organisation,
                name=data["name"],
                reference=data["reference"],
                procedure=data["procedure"],
                officer=data["officer"],
                catalogue=data["catalogue"],
                assets=list(data["assets"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The procurement was created."))
            return redirect("procurement-detail", org, procurement.pk)
    return render(request, "procurement/form.html", {"access": access, "form": form})


@login_required
def procurement_detail(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _procurement(access, procurement)
    context = {
        "access": access,
        "procurement": target,
        "profile": procurement_profile(target),
        "can_edit": access.can(Permission.EDIT),
        "tender_form": TenderForm(),
        "tenders": target.tenders.all(),
    }
    return render(request, "procurement/detail.html", context)


@require_POST
@login_required
def requirement_adjust(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID, requirement: UUID
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _procurement(access, procurement)
    chosen = get_object_or_404(Requirement, pk=requirement, catalogue=target.catalogue)
    form = AdjustmentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        services.adjustment_set(
            acting_user=request.user,
            procurement=target,
            requirement=chosen,
            action=form.cleaned_data["action"],
            justification=form.cleaned_data["justification"],
        )
    except ValidationError as exc:
        messages.error(request, f"{chosen.key}: {' '.join(exc.messages)}")
    else:
        messages.success(request, _("%(key)s was changed.") % {"key": chosen.key})
    return redirect("procurement-detail", org, target.pk)


@require_POST
@login_required
def adjustment_remove(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID, adjustment: int
) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _procurement(access, procurement)
    chosen = get_object_or_404(
        Adjustment.objects.select_related("requirement", "procurement"),
        pk=adjustment,
        procurement=target,
    )
    services.adjustment_remove(acting_user=request.user, adjustment=chosen)
    messages.success(request, _("%(key)s was restored.") % {"key": chosen.requirement.key})
    return redirect("procurement-detail", org, target.pk)


def _download(data: bytes, extension: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def _language(request: AuthenticatedHttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "sv"


@login_required
def annex_download(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID, fmt: str
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _procurement(access, procurement)
    if fmt not in ANNEX_RENDERERS:
        raise Http404
    try:
        data = ANNEX_RENDERERS[fmt](target, _language(request))
    except AnnexNotReadyError:
        messages.error(
            request, _("The annex needs classified assets outside the security-protection track.")
        )
        return redirect("procurement-detail", org, target.pk)
    title = _("security annex")
    name = slugify(f"{title} {target.reference}")
    return _download(data, fmt, name)


@login_required
def evaluation_download(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID, fmt: str
) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _procurement(access, procurement)
    if fmt not in EVALUATION_RENDERERS:
        raise Http404
    data = EVALUATION_RENDERERS[fmt](evaluation_content(target, _language(request)))
    title = _("evaluation")
    name = slugify(f"{title} {target.reference}")
    return _download(data, fmt, name)


@require_POST
@login_required
def tender_create(request: AuthenticatedHttpRequest, org: str, procurement: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _procurement(access, procurement)
    form = TenderForm(request.POST)
    if form.is_valid():
        try:
            tender = services.tender_create(
                acting_user=request.user, procurement=target, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("tender-answers", org, target.pk, tender.pk)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("procurement-detail", org, target.pk)


def _answer_value(fulfilled: bool | None) -> str:
    return "" if fulfilled is None else ("yes" if fulfilled else "no")


@login_required
def tender_answers(
    request: AuthenticatedHttpRequest, org: str, procurement: UUID, tender: UUID
) -> HttpResponse:
    permission = Permission.EDIT if request.method == "POST" else Permission.VIEW
    access = access_organisation(request.user, org, permission)
    target = _procurement(access, procurement)
    chosen = get_object_or_404(Tender, pk=tender, procurement=target)
    profile = procurement_profile(target)
    if request.method == "POST":
        values = {"yes": True, "no": False, "": None}
        raw = {
            adjusted.key: request.POST.get(f"answer-{adjusted.key}", "")
            for adjusted in profile.entries
        }
        invalid = sorted(key for key, value in raw.items() if value not in values)
        if invalid:
            messages.error(
                request,
                _("Answer Met, Not met or Not answered for: %(keys)s")
                % {"keys": ", ".join(invalid)},
            )
        else:
            answers = {key: values[value] for key, value in raw.items()}
            services.tender_answers_save(acting_user=request.user, tender=chosen, answers=answers)
            messages.success(request, _("The answers were saved."))
            return redirect("procurement-detail", org, target.pk)
    given = {answer.requirement_id: answer.fulfilled for answer in chosen.answers.all()}
    rows = [
        {
            "adjusted": adjusted,
            "value": _answer_value(given.get(adjusted.entry.requirement.pk)),
        }
        for adjusted in profile.entries
    ]
    context = {
        "access": access,
        "procurement": target,
        "tender": chosen,
        "rows": rows,
        "choices": ANSWER_CHOICES,
    }
    return render(request, "procurement/tender.html", context)
