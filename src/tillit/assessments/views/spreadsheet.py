"""The questionnaire as an Excel workbook: the supplier downloads it and uploads it answered
through the portal; the organisation's members download the same workbook."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.assessments.models import Assessment, PortalLink
from tillit.assessments.spreadsheet import (
    LANGUAGES,
    MAX_UPLOAD_BYTES,
    questionnaire_upload,
    questionnaire_xlsx,
)
from tillit.assessments.views.portal import PortalRequest, portal
from tillit.organisations.access import access_organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The answered questionnaire (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _language(request: HttpRequest) -> str:
    """?lang=sv or ?lang=en, else the language of the page the link was on."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return "en" if (translation.get_language() or "").startswith("en") else "sv"


def _download(assessment: Assessment, language: str) -> HttpResponse:
    response = HttpResponse(questionnaire_xlsx(assessment, language), content_type=XLSX)
    name = slugify(assessment.title) or "questionnaire"
    response["Content-Disposition"] = f'attachment; filename="{name}-{language}.xlsx"'
    return response


@portal("questionnaire_download")
@require_safe
def portal_download(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    return _download(link.assessment, _language(request))


@portal("questionnaire_upload")
@require_http_methods(["GET", "HEAD", "POST"])
def portal_upload(request: PortalRequest, link: PortalLink, token: str) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = questionnaire_upload(link, form.cleaned_data["file"])
    context = {
        "link": link,
        "token": token,
        "assessment": link.assessment,
        "editable": link.assessment.editable_by_supplier,
        "form": form,
        "result": result,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    failed = request.method == "POST" and (result is None or not result.ok)
    return render(
        request, "assessments/portal/spreadsheet.html", context, status=400 if failed else 200
    )


@login_required
@require_safe
def staff_download(request: AuthenticatedHttpRequest, org: str, assessment: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = access.get(Assessment.objects.all(), pk=assessment)
    return _download(target, _language(request))
