from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from tillit.catalogue.models import Catalogue, Requirement
from tillit.conftest import Personas
from tillit.organisations.roles import Role
from tillit.procurement.models import Adjustment, AnnexPdf, Procurement, Tender
from tillit.procurement.services import (
    adjustment_set,
    procurement_create,
    tender_answers_save,
    tender_create,
)
from tillit.procurement.tests.helpers import hr_procurement, unclassified_procurement
from tillit.testing import make_asset, make_catalogue, make_member, plain_requirements


@pytest.fixture
def procurement(personas: Personas) -> Procurement:
    return hr_procurement(personas)


def _url(procurement: Procurement, rest: str = "") -> str:
    return f"/o/org-a/procurements/{procurement.pk}/{rest}"


def test_create_a_procurement(personas: Personas) -> None:
    catalogue = make_catalogue()
    asset = make_asset(personas.org_a, "Ekonomi", integrity=2)
    client = personas.client(personas.admin_a)
    response = client.post(
        "/o/org-a/procurements/new/",
        {
            "name": "Ekonomisystem",
            "reference": "KS 2026/9",
            "procedure": "forenklat",
            "officer": personas.admin_a.pk,
            "catalogue": catalogue.pk,
            "assets": [asset.pk],
        },
    )
    procurement = Procurement.objects.get()
    assert response["Location"] == _url(procurement)
    assert list(procurement.assets.all()) == [asset]


def test_a_procurement_without_assets_is_refused_in_swedish(personas: Personas) -> None:
    catalogue = make_catalogue()
    response = personas.client(personas.admin_a).post(
        "/o/org-a/procurements/new/",
        {"name": "X", "reference": "1", "procedure": "oppet", "catalogue": catalogue.pk},
    )
    assert response.status_code == 200
    assert "Välj minst en informationsmängd" in response.content.decode()
    assert not Procurement.objects.exists()


def test_detail_lists_requirements_and_downloads(
    personas: Personas, procurement: Procurement
) -> None:
    content = personas.client(personas.reader_a).get(_url(procurement)).content.decode()
    assert "T-INC-01" in content
    assert "annex.docx" in content
    assert "Drop or weaken" not in content  # the reader cannot change anything
    assert "Stryk eller sänk" not in content


def test_annex_downloads(personas: Personas, procurement: Procurement) -> None:
    client = personas.client(personas.reader_a)
    response = client.get(_url(procurement, "annex.docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sakerhetsbilaga-ks')
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "T-INC-01" in text
    assert "Leverantören ska rapportera inom 8 timmar." in text
    pdf = client.get(_url(procurement, "annex.pdf") + "?lang=en")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(_url(procurement, "annex.odt")).status_code == 404


def test_an_annex_that_cannot_be_made_says_why(personas: Personas) -> None:
    procurement = unclassified_procurement(personas)
    client = personas.client(personas.reader_a)
    for fmt in ("docx", "pdf"):
        response = client.get(_url(procurement, f"annex.{fmt}"), follow=True)
        assert response.redirect_chain == [(_url(procurement), 302)]
        assert "Bilagan kräver klassade informationstillgångar" in response.content.decode()
    assert not AnnexPdf.objects.exists()


def test_adjust_needs_a_justification_and_edit_rights(
    personas: Personas, procurement: Procurement
) -> None:
    requirement = Requirement.objects.get(key="T-INC-01")
    url = _url(procurement, f"adjust/{requirement.pk}/")
    reader = personas.client(personas.reader_a)
    assert reader.post(url, {"action": "drop", "justification": "x"}).status_code == 403
    admin = personas.client(personas.admin_a)
    response = admin.post(url, {"action": "drop", "justification": ""}, follow=True)
    assert "Skriv varför" in response.content.decode()
    assert not Adjustment.objects.exists()
    admin.post(url, {"action": "drop", "justification": "Ingår i ramavtal"})
    assert Adjustment.objects.get().justification == "Ingår i ramavtal"


def test_tender_answers_flow(personas: Personas, procurement: Procurement) -> None:
    client = personas.client(personas.admin_a)
    response = client.post(_url(procurement, "tenders/"), {"tenderer": "Leverantör AB"})
    tender = Tender.objects.get()
    assert response["Location"] == _url(procurement, f"tenders/{tender.pk}/")
    response = client.post(
        _url(procurement, f"tenders/{tender.pk}/"),
        {"answer-T-BASE-01": "yes", "answer-T-INC-01": "no"},
    )
    assert response.status_code == 302
    assert {a.requirement.key: a.fulfilled for a in tender.answers.all()} == {
        "T-BASE-01": True,
        "T-INC-01": False,
    }
    xlsx = client.get(_url(procurement, "evaluation.xlsx"))
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")


def test_invalid_answers_change_nothing(personas: Personas, procurement: Procurement) -> None:
    tender = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="A")
    client = personas.client(personas.admin_a)
    response = client.post(
        _url(procurement, f"tenders/{tender.pk}/"),
        {"answer-T-BASE-01": "yes", "answer-T-INC-01": "maybe"},
    )
    assert response.status_code == 200
    assert "T-INC-01" in response.content.decode()
    assert tender.answers.count() == 0


def test_other_organisations_procurements_are_404(
    personas: Personas, procurement: Procurement
) -> None:
    client = personas.client(personas.coordinator_b)
    for rest in ("", "annex.pdf", "evaluation.xlsx"):
        assert client.get(_url(procurement, rest).replace("org-a", "org-b")).status_code == 404


def test_detail_query_count_does_not_grow(personas: Personas, procurement: Procurement) -> None:
    client = personas.client(personas.admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(procurement))
    for index in range(5):
        procurement.assets.add(make_asset(personas.org_a, f"Extra {index}", integrity=1))
        tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer=f"T{index}")
    with CaptureQueriesContext(connection) as many:
        client.get(_url(procurement))
    assert len(many) == len(few)


def test_the_list_costs_the_same_for_2_and_12_procurements(personas: Personas) -> None:
    catalogue = make_catalogue()
    asset = make_asset(personas.org_a, "Ekonomi")

    def procurements(count: int) -> None:
        for _ in range(count):
            officer = make_member(personas.org_a, Role.PROCUREMENT_OFFICER)
            procurement_create(
                acting_user=personas.admin_a,
                organisation=personas.org_a,
                name="Upphandling",
                reference="KS 2026/1",
                procedure="oppet",
                officer=officer,
                catalogue=catalogue,
                assets=[asset],
            )

    client = personas.client(personas.admin_a)
    procurements(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/org-a/procurements/")
    procurements(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/o/org-a/procurements/")
    assert response.content.decode().count("@example.test</td>") == 12
    assert len(many) == len(few)


def test_a_tender_s_answers_cost_the_same_for_3_and_15_requirements(personas: Personas) -> None:
    # Three mandatory requirements always apply; thirteen more once a system has integrity 2.
    requirements = plain_requirements(16, applies_when={"integrity_min": 2})
    for requirement in requirements[:3]:
        requirement |= {"applies_when": True, "ska_when": True}
    procurement = procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="Ekonomisystem",
        reference="KS 2026/9",
        procedure="oppet",
        officer=personas.admin_a,
        catalogue=make_catalogue(requirements=requirements),
        assets=[make_asset(personas.org_a, "Ekonomi", integrity=1)],
    )
    tender = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="A")
    client = personas.client(personas.admin_a)
    url = _url(procurement, f"tenders/{tender.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    procurement.assets.add(make_asset(personas.org_a, "Lön", integrity=2))
    by_key = {r.key: r for r in Requirement.objects.filter(catalogue=procurement.catalogue)}
    for key, action in (("T-MANY-00", "downgrade"), ("T-MANY-09", "drop")):
        adjustment_set(
            acting_user=personas.admin_a,
            procurement=procurement,
            requirement=by_key[key],
            action=action,
            justification="Ingår i ramavtalet",
        )
    kept = sorted(set(by_key) - {"T-MANY-09"})
    tender_answers_save(
        acting_user=personas.admin_a,
        tender=tender,
        answers={key: index % 2 == 0 for index, key in enumerate(kept)},
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    content = response.content.decode()
    assert content.count('<select id="answer-T-MANY-') == 15  # one row per requirement kept
    assert content.count("<td>bör</td>") == 13  # twelve desirable, one made desirable
    assert content.count('value="yes" selected') == 8  # each row's answer
    assert content.count('value="no" selected') == 7
    assert len(many) == len(few)


def test_catalogue_is_protected_while_used(procurement: Procurement) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Catalogue.objects.filter(pk=procurement.catalogue_id).delete()
