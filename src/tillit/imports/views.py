"""Import pages: upload a file, preview every problem (or what will change), confirm.

Between preview and confirm an organisation's file is kept as one of its encrypted documents,
named by a hidden field; confirming validates it again, since the data may have changed.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_store
from tillit.imports.forms import ConfirmForm, OperatorConfirmForm, UploadForm
from tillit.imports.kinds import KINDS, OPERATOR_KINDS, ORGANISATION_KINDS, template_csv
from tillit.imports.parsing import MAX_BYTES
from tillit.imports.problems import Problem
from tillit.imports.services import ImportResult, import_file
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission

# A file with a systematic mistake can have an error on every row: the page shows this many
# (and says how many there are); the command line prints them all.
MAX_ERRORS_SHOWN = 1000


@login_required
def import_upload(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=ORGANISATION_KINDS)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = _dry_run(request, upload, form.cleaned_data["kind"], access.organisation)
        confirm = None
        if result.ok:
            upload.seek(0)
            try:
                document = document_store(
                    acting_user=request.user, organisation=access.organisation, upload=upload
                )
            except ValidationError as exc:
                result.errors = [Problem(None, None, text, "document") for text in exc.messages]
            else:
                initial = {"kind": result.kind, "document": document.pk}
                confirm = ConfirmForm(initial=initial, kinds=ORGANISATION_KINDS)
        return _preview(request, _org_context(access), result, confirm)
    return render(request, "imports/upload.html", _org_context(access) | {"form": form})


@require_POST
@login_required
def import_confirm(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    form = ConfirmForm(request.POST, kinds=ORGANISATION_KINDS)
    if not form.is_valid():
        return HttpResponseBadRequest()
    document = access.get(Document.objects.all(), pk=form.cleaned_data["document"])
    result = import_file(
        kind=form.cleaned_data["kind"],
        content=document_content(document),
        filename=document.name,
        acting_user=request.user,
        organisation=access.organisation,
        dry_run=False,
    )
    if not result.ok:
        return _preview(request, _org_context(access), result, None)
    _imported(request, result)
    return redirect("import", org)


@login_required
def import_template(request: AuthenticatedHttpRequest, org: str, kind: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    if kind not in ORGANISATION_KINDS:
        raise Http404
    return _template_response(kind, access.organisation)


@login_required
def operator_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_operator(request)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=OPERATOR_KINDS)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = _dry_run(request, upload, form.cleaned_data["kind"], None)
        confirm = None
        if result.ok:
            upload.seek(0)
            content = base64.b64encode(upload.read()).decode("ascii")
            initial = {"kind": result.kind, "filename": result.filename, "content": content}
            confirm = OperatorConfirmForm(initial=initial)
        return _preview(request, _operator_context(), result, confirm)
    return render(request, "imports/upload.html", _operator_context() | {"form": form})


@require_POST
@login_required
def operator_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_operator(request)
    form = OperatorConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        content = base64.b64decode(form.cleaned_data["content"], validate=True)
    except binascii.Error:
        return HttpResponseBadRequest()
    result = import_file(
        kind=form.cleaned_data["kind"],
        content=content,
        filename=form.cleaned_data["filename"],
        acting_user=request.user,
        organisation=None,
        dry_run=False,
    )
    if not result.ok:
        return _preview(request, _operator_context(), result, None)
    _imported(request, result)
    return redirect("operator-import")


@login_required
def operator_import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    _require_operator(request)
    if kind not in OPERATOR_KINDS:
        raise Http404
    return _template_response(kind, None)


def _require_operator(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def _dry_run(
    request: AuthenticatedHttpRequest,
    upload: UploadedFile,
    kind: str,
    organisation: Organisation | None,
) -> ImportResult:
    return import_file(
        kind=kind,
        # One byte more than allowed is enough to tell that the file is too large.
        content=upload.read(MAX_BYTES + 1),
        filename=upload.name or "",
        acting_user=request.user,
        organisation=organisation,
        dry_run=True,
    )


def _org_context(access: OrgAccess) -> dict[str, Any]:
    slug = access.organisation.slug
    return {
        "access": access,
        "form": UploadForm(kinds=ORGANISATION_KINDS),
        "upload_url": reverse("import", args=[slug]),
        "confirm_url": reverse("import-confirm", args=[slug]),
        "templates": [
            (KINDS[kind].label, reverse("import-template", args=[slug, kind]))
            for kind in ORGANISATION_KINDS
        ],
    }


def _operator_context() -> dict[str, Any]:
    return {
        "form": UploadForm(kinds=OPERATOR_KINDS),
        "upload_url": reverse("operator-import"),
        "confirm_url": reverse("operator-import-confirm"),
        "templates": [
            (KINDS[kind].label, reverse("operator-import-template", args=[kind]))
            for kind in OPERATOR_KINDS
        ],
    }


def _preview(
    request: AuthenticatedHttpRequest,
    context: dict[str, Any],
    result: ImportResult,
    confirm: ConfirmForm | OperatorConfirmForm | None,
) -> HttpResponse:
    context |= {
        "result": result,
        "kind_label": KINDS[result.kind].label,
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "errors_not_shown": max(0, len(result.errors) - MAX_ERRORS_SHOWN),
        "confirm": confirm,
    }
    return render(request, "imports/preview.html", context)


def _imported(request: AuthenticatedHttpRequest, result: ImportResult) -> None:
    messages.success(
        request,
        _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "file": result.filename,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )


def _template_response(kind: str, organisation: Organisation | None) -> HttpResponse:
    response = HttpResponse(
        template_csv(kind, organisation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
