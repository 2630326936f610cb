"""Import pages: upload a file, preview every problem (or what will change), confirm.

An organisation's file is kept as one of its encrypted documents; the worker checks it (a dry
run) and, once confirmed, imports it, checking again since the data may have changed. Both run
as ImportJobs whose page shows how they go. The operator's organisations files are small and
are checked and imported in the request.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.documents.models import Document
from tillit.documents.services import document_stored
from tillit.imports.forms import OperatorConfirmForm, UploadForm
from tillit.imports.kinds import KINDS, OPERATOR_KINDS, ORGANISATION_KINDS, template_csv
from tillit.imports.models import ImportJob
from tillit.imports.parsing import MAX_BYTES
from tillit.imports.services import ImportResult, import_file
from tillit.imports.tasks import run_import
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission

# A file with a systematic mistake can have an error on every row: the page shows this many
# (and says how many there are); the command line prints them all.
MAX_ERRORS_SHOWN = 1000


@login_required
def import_upload(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    """Upload a file: it is kept as an encrypted document and checked by the worker."""
    access = access_organisation(request.user, org, Permission.EDIT)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=ORGANISATION_KINDS)
    if request.method == "POST" and form.is_valid():
        try:
            # The kept file and its job are saved together: a job that cannot be saved leaves
            # neither the document nor its encrypted file behind.
            with document_stored(
                acting_user=request.user,
                organisation=access.organisation,
                upload=form.cleaned_data["file"],
            ) as document:
                if document is None:  # the form requires a file
                    raise TypeError("No file to import")
                job = _job_create(
                    request, access, form.cleaned_data["kind"], document, dry_run=True
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            run_import.enqueue(str(job.pk))  # committed: the worker finds the job
            return redirect("import-job", org, job.pk)
    return render(request, "imports/upload.html", _org_context(access) | {"form": form})


def _start(
    request: AuthenticatedHttpRequest,
    access: OrgAccess,
    kind: str,
    document: Document,
    *,
    dry_run: bool,
) -> ImportJob:
    job = _job_create(request, access, kind, document, dry_run=dry_run)
    # Requests are not wrapped in a transaction: the job is saved before the worker looks.
    run_import.enqueue(str(job.pk))
    return job


def _job_create(
    request: AuthenticatedHttpRequest,
    access: OrgAccess,
    kind: str,
    document: Document,
    *,
    dry_run: bool,
) -> ImportJob:
    return ImportJob.objects.create(
        organisation=access.organisation,
        kind=kind,
        document=document,
        dry_run=dry_run,
        language=request.LANGUAGE_CODE,
        requested_by=request.user,
    )


@login_required
@require_safe
def import_job(request: AuthenticatedHttpRequest, org: str, job: UUID) -> HttpResponse:
    """How the check or the import goes; the page asks again every few seconds until done."""
    access = access_organisation(request.user, org, Permission.EDIT)
    found = access.get(ImportJob.objects.select_related("document"), pk=job)
    context = _org_context(access) | {
        "job": found,
        "kind_label": KINDS[found.kind].label if found.kind in KINDS else found.kind,
        "problems_not_shown": max(0, found.problem_count - len(found.problems)),
    }
    if request.htmx:
        return render(request, "imports/partials/job.html", context)
    return render(request, "imports/job.html", context)


@login_required
@require_POST
def import_job_confirm(request: AuthenticatedHttpRequest, org: str, job: UUID) -> HttpResponse:
    """Import a file whose check found no problems (it is checked again as it is imported)."""
    access = access_organisation(request.user, org, Permission.EDIT)
    checked = access.get(ImportJob.objects.select_related("document"), pk=job)
    if not (checked.dry_run and checked.ok):
        return HttpResponseBadRequest()
    started = _start(request, access, checked.kind, checked.document, dry_run=False)
    return redirect("import-job", org, started.pk)


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
    confirm: OperatorConfirmForm | None,
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
