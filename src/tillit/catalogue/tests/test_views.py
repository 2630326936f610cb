from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.catalogue.models import Requirement
from tillit.conftest import Personas
from tillit.testing import make_catalogue, plain_requirements


def test_filter_by_reference(personas: Personas) -> None:
    catalogue = make_catalogue()
    client = personas.client(personas.reader_a)
    content = client.get(
        f"/o/org-a/catalogue/?catalogue={catalogue.pk}&scheme=nis2_art21_2&reference=b"
    ).content.decode()
    assert "T-INC-01" in content
    assert "T-BASE-01" not in content
    assert "1 krav" in content
    content = client.get("/o/org-a/catalogue/?scheme=iso27001_2022").content.decode()
    assert "T-BASE-01" in content
    assert "T-INC-01" not in content


def test_text_search_finds_swedish_words(personas: Personas) -> None:
    make_catalogue()
    client = personas.client(personas.reader_a)
    content = client.get("/o/org-a/catalogue/?q=grunderna").content.decode()
    assert "T-BASE-01" in content
    assert "T-INC-01" not in content


def test_htmx_gets_the_results_only(personas: Personas) -> None:
    make_catalogue()
    response = personas.client(personas.reader_a).get(
        "/o/org-a/catalogue/?q=rapportera", headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "T-INC-01" in content


def test_requirement_page_shows_texts_and_references(personas: Personas) -> None:
    make_catalogue()
    requirement = Requirement.objects.get(key="T-INC-01")
    client = personas.client(personas.reader_a)
    content = client.get(f"/o/org-a/catalogue/{requirement.pk}/").content.decode()
    assert "Leverantören ska rapportera inom {hours} timmar." in content
    assert "NIS2 art. 21.2 b" in content
    assert "GDPR art. 33(2)" in content
    client.cookies["django_language"] = "en"
    content = client.get(f"/o/org-a/catalogue/{requirement.pk}/").content.decode()
    assert "The supplier shall report within {hours} hours." in content
    assert "NIS2 Art. 21(2)(b)" in content


def test_the_requirement_page_costs_the_same_for_2_and_14_references(
    personas: Personas,
) -> None:
    def requirement_citing(count: int) -> str:
        [requirement] = plain_requirements(1)
        requirement["references"] = {"iso27001_2022": [f"A.5.{n}" for n in range(1, count + 1)]}
        catalogue = make_catalogue(requirements=[requirement])
        return f"/o/org-a/catalogue/{catalogue.requirements.get().pk}/"

    client = personas.client(personas.reader_a)
    few_url, many_url = requirement_citing(2), requirement_citing(14)
    with CaptureQueriesContext(connection) as few:
        client.get(few_url)
    with CaptureQueriesContext(connection) as many:
        response = client.get(many_url)
    assert response.content.decode().count("eller likvärdigt</li>") == 14
    assert len(many) == len(few)


def test_no_catalogue_yet_says_so(personas: Personas) -> None:
    content = personas.client(personas.reader_a).get("/o/org-a/catalogue/").content.decode()
    assert "Ingen kravkatalog har importerats ännu." in content


def test_query_count_does_not_grow_with_requirements(personas: Personas) -> None:
    catalogue = make_catalogue()
    client = personas.client(personas.reader_a)
    url = f"/o/org-a/catalogue/?catalogue={catalogue.pk}"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    bigger = make_catalogue(requirements=plain_requirements(20))
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/o/org-a/catalogue/?catalogue={bigger.pk}")
    assert "T-MANY-19" in response.content.decode()
    assert len(many) == len(few)
