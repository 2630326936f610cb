"""The annex PDF is kept: laid out once per content, by the worker after each change or by the
first download, and laid out again as soon as anything it says has changed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone, translation

from tillit.api.models import TokenScope
from tillit.api.tests.conftest import client_with, make_token
from tillit.catalogue.rules import ASPECTS
from tillit.classification.services import classification_create
from tillit.conftest import Personas
from tillit.procurement.documents import annex_pdf as module
from tillit.procurement.documents.annex_pdf import annex_pdf
from tillit.procurement.models import AnnexPdf, Procurement
from tillit.procurement.selectors import procurement_profile
from tillit.procurement.services import adjustment_remove, adjustment_set
from tillit.procurement.tasks import prepare_annex
from tillit.procurement.tests.helpers import hr_procurement, unclassified_procurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every PDF laid out, each a stand-in 'PDF' naming its number (WeasyPrint
    itself is tested with the documents)."""
    htmls: list[str] = []

    def lay_out(html: str) -> bytes:
        htmls.append(html)
        return f"%PDF stand-in {len(htmls)}".encode()

    monkeypatch.setattr(module, "html_to_pdf", lay_out)
    return htmls


def _kept(procurement: Procurement) -> dict[str, bytes]:
    rows = AnnexPdf.objects.filter(procurement=procurement).values_list("language", "pdf")
    return {language: bytes(pdf) for language, pdf in rows}


def test_a_download_is_laid_out_once_and_then_served_from_the_kept_copy(
    personas: Personas, laid_out: list[str]
) -> None:
    procurement = hr_procurement(personas)  # the worker's task waits for a commit: none here
    client = personas.client(personas.reader_a)
    url = f"/o/org-a/procurements/{procurement.pk}/annex.pdf"
    first = client.get(url)
    again = client.get(url)
    assert first.content == again.content == b"%PDF stand-in 1"
    assert again["Content-Type"] == "application/pdf"
    assert len(laid_out) == 1
    assert 'lang="sv"' in laid_out[0]
    english = client.get(url + "?lang=en").content
    assert english == b"%PDF stand-in 2"
    assert 'lang="en"' in laid_out[1]
    assert client.get(url).content == b"%PDF stand-in 1"  # English has a copy of its own
    with translation.override("en"):  # the reader's language is not the annex's
        assert annex_pdf(procurement, "sv") == b"%PDF stand-in 1"
    assert _kept(procurement) == {"sv": b"%PDF stand-in 1", "en": b"%PDF stand-in 2"}


def test_the_api_serves_the_kept_copy_too(personas: Personas, laid_out: list[str]) -> None:
    procurement = hr_procurement(personas)
    annex_pdf(procurement, "sv")
    client = client_with(make_token(personas.admin_a, personas.org_a, TokenScope.READ))
    url = f"/api/v1/organisations/org-a/procurements/{procurement.pk}/annex.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"%PDF stand-in 1"
    assert len(laid_out) == 1


def test_anything_the_annex_says_changing_lays_it_out_again(
    personas: Personas, laid_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    procurement = hr_procurement(personas)
    assert annex_pdf(procurement, "sv") == b"%PDF stand-in 1"
    # A classification changed outside the procurement: the annex shows its new version.
    asset = procurement.assets.get()
    levels: dict[str, Any] = dict.fromkeys(ASPECTS, 2)
    classification_create(
        acting_user=personas.admin_a,
        asset=asset,
        answers=levels,
        levels=levels,
        reasons=dict.fromkeys(ASPECTS, "omklassad"),
    )
    assert annex_pdf(procurement, "sv") == b"%PDF stand-in 2"
    assert annex_pdf(procurement, "sv") == b"%PDF stand-in 2"
    # The next day: the annex carries the date it is made on.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert annex_pdf(procurement, "sv") == b"%PDF stand-in 3"
    assert tomorrow.isoformat() in laid_out[2]
    assert _kept(procurement) == {"sv": b"%PDF stand-in 3"}  # one copy, replaced


def test_the_worker_lays_the_swedish_annex_out_after_each_change(
    personas: Personas, laid_out: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    """The tasks run at once in the tests: after each change the kept copy is the annex as it
    now reads, so the officer's download lays nothing out."""
    with django_capture_on_commit_callbacks(execute=True):
        procurement = hr_procurement(personas)
    assert _kept(procurement) == {"sv": b"%PDF stand-in 1"}
    requirement = procurement_profile(procurement).entries[0].entry.requirement
    with django_capture_on_commit_callbacks(execute=True):
        adjustment = adjustment_set(
            acting_user=personas.admin_a,
            procurement=procurement,
            requirement=requirement,
            action="drop",
            justification="Hanteras i ett eget avtal.",
        )
    assert _kept(procurement) == {"sv": b"%PDF stand-in 2"}
    assert "Hanteras i ett eget avtal." in laid_out[1]
    with django_capture_on_commit_callbacks(execute=True):
        adjustment_remove(acting_user=personas.admin_a, adjustment=adjustment)
    assert _kept(procurement) == {"sv": b"%PDF stand-in 3"}
    assert laid_out[2] == laid_out[0]  # the same annex again (a copy is kept per language)
    response = personas.client(personas.reader_a).get(
        f"/o/org-a/procurements/{procurement.pk}/annex.pdf"
    )
    assert response.content == b"%PDF stand-in 3"
    assert len(laid_out) == 3


def test_the_worker_leaves_what_it_cannot_lay_out(personas: Personas, laid_out: list[str]) -> None:
    prepare_annex.call(str(uuid.uuid4()))  # deleted since the change
    unclassified = unclassified_procurement(personas)
    prepare_annex.call(str(unclassified.pk))
    assert laid_out == []
    assert not AnnexPdf.objects.exists()


def test_a_failed_enqueue_keeps_the_change_and_leaves_the_work_to_the_download(
    personas: Personas,
    laid_out: list[str],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Unreachable:
        def enqueue(self, *args: Any) -> None:
            raise RuntimeError("the task queue is unreachable")

    monkeypatch.setattr("tillit.procurement.services.prepare_annex", Unreachable())
    with django_capture_on_commit_callbacks(execute=True):
        procurement = hr_procurement(personas)
    assert Procurement.objects.filter(pk=procurement.pk).exists()
    assert not AnnexPdf.objects.exists()
    assert annex_pdf(procurement, "sv") == b"%PDF stand-in 1"
