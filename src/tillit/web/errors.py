"""The page for an error on our side, with a reference to quote (ASVS 7.4.1).

The person sees a short reference and nothing of the error; the log line Django writes for the
error (logger django.request, with the traceback) starts with the same reference, so whoever
runs Tillit finds it from what the person quotes."""

from __future__ import annotations

import logging
import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _

from tillit.api.problems import problem


def server_error(request: HttpRequest) -> HttpResponse:
    reference = secrets.token_hex(4).upper()
    request.error_reference = reference  # type: ignore[attr-defined]
    if request.path.startswith("/api/"):
        detail = _("Something went wrong on our side. Quote the reference %(reference)s.")
        return problem(500, detail % {"reference": reference}, instance=request.path)
    # No request context: the error may lie in what a context processor needs.
    return HttpResponseServerError(loader.render_to_string("500.html", {"reference": reference}))


class ErrorReference(logging.Filter):
    """Puts the reference server_error gave the person in front of Django's log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        reference = getattr(getattr(record, "request", None), "error_reference", None)
        # Once per record, even where logging was configured twice and the filter sits twice.
        if reference and not hasattr(record, "error_reference"):
            record.error_reference = reference
            record.msg = f"[{reference}] {record.msg}"
        return True
