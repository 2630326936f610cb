"""Background work of procurements, run by the worker (django-tasks, database backend)."""

from __future__ import annotations

from contextlib import suppress

from django_tasks import task

from tillit.procurement.documents.annex_pdf import annex_pdf
from tillit.procurement.models import Procurement
from tillit.procurement.selectors import AnnexNotReadyError


@task()
def prepare_annex(procurement_id: str) -> None:
    """Lay the Swedish annex out as PDF after a change to the procurement (the services enqueue
    it), so that the officer's download finds it ready. Nothing to do when the kept copy is
    current, the procurement is gone, or its annex cannot be made yet. English, asked for less,
    is laid out by its first download."""
    procurement = Procurement.objects.filter(pk=procurement_id).first()
    if procurement is not None:
        with suppress(AnnexNotReadyError):
            annex_pdf(procurement, "sv")
