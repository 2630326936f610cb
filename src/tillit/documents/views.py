from __future__ import annotations

import logging
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.documents.models import Document
from tillit.documents.services import document_content
from tillit.documents.storage import DocumentIntegrityError
from tillit.organisations.access import access_organisation

logger = logging.getLogger(__name__)


@never_cache  # evidence should not linger in shared or browser caches
@require_safe
@login_required
def document_download(request: AuthenticatedHttpRequest, org: str, document: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = access.get(Document.objects.all(), pk=document)
    try:
        content = document_content(target)
    except DocumentIntegrityError:
        logger.error("Document %s failed its integrity check", target.pk)
        context = {"access": access, "document": target}
        return render(request, "documents/integrity_error.html", context, status=500)
    response = HttpResponse(content, content_type=target.content_type)
    response["Content-Disposition"] = content_disposition_header(True, target.name) or "attachment"
    response["Content-Length"] = str(len(content))
    return response
