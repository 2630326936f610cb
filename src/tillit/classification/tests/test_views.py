from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.classification.models import Asset, Classification
from tillit.conftest import Personas
from tillit.testing import make_asset, make_catalogue, plain_requirements

FORM: dict[str, Any] = {
    "confidentiality_answer": "2",
    "integrity_answer": "1",
    "availability_answer": "1",
    "traceability_answer": "1",
    "protected_identities": "none",
    "data_subjects": "0",
}


def test_reader_sees_assets_but_cannot_change_them(personas: Personas) -> None:
    asset = make_asset(personas.org_a, "Lönesystem", confidentiality=2)
    reader = personas.client(personas.reader_a)
    assert "Lönesystem" in reader.get("/o/org-a/assets/").content.decode()
    assert reader.get(f"/o/org-a/assets/{asset.pk}/").status_code == 200
    assert reader.get("/o/org-a/assets/new/").status_code == 403
    assert reader.post(f"/o/org-a/assets/{asset.pk}/classify/", FORM).status_code == 403
    assert asset.classifications.count() == 1


def test_other_organisations_assets_are_404(personas: Personas) -> None:
    asset = make_asset(personas.org_b, "B:s system")
    client = personas.client(personas.admin_a)
    for path in ("", "edit/", "classify/"):
        assert client.get(f"/o/org-a/assets/{asset.pk}/{path}").status_code == 404
    assert "B:s system" not in client.get("/o/org-a/assets/").content.decode()


def test_create_then_classify(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post(
        "/o/org-a/assets/new/", {"name": "HR-system", "owner": personas.reader_a.pk}
    )
    asset = Asset.objects.get(name="HR-system")
    assert response["Location"] == f"/o/org-a/assets/{asset.pk}/classify/"
    assert asset.owner == personas.reader_a
    form = FORM | {"personal_data": "on", "sensitive_data": "on", "data_subjects": "4000"}
    response = client.post(f"/o/org-a/assets/{asset.pk}/classify/", form)
    assert response.status_code == 302
    classification = Classification.objects.get(asset=asset)
    assert (classification.confidentiality, classification.data_subjects) == (2, 4000)
    assert classification.sensitive_data


def test_override_without_reason_shows_a_swedish_error(personas: Personas) -> None:
    asset = make_asset(personas.org_a)
    client = personas.client(personas.admin_a)
    response = client.post(
        f"/o/org-a/assets/{asset.pk}/classify/", FORM | {"availability_level": "3"}
    )
    assert response.status_code == 200
    assert "Förklara varför nivån avviker från den föreslagna 1." in response.content.decode()
    assert not Classification.objects.exists()


def test_level_outside_the_scale_is_refused(personas: Personas) -> None:
    asset = make_asset(personas.org_a)
    client = personas.client(personas.admin_a)
    response = client.post(
        f"/o/org-a/assets/{asset.pk}/classify/", FORM | {"integrity_answer": "7"}
    )
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Classification.objects.exists()


def test_detail_shows_the_profile_with_reasons(personas: Personas) -> None:
    make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=3, personal_data=True, sensitive_data=True)
    content = personas.client(personas.admin_a).get(f"/o/org-a/assets/{asset.pk}/").content.decode()
    assert "T-INC-01" in content
    assert "Leverantören ska rapportera inom 8 timmar." in content  # parameter for level 3
    assert "konfidentialitet = 3 och personuppgifter" in content
    assert "ska-krav eftersom konfidentialitet = 3 och känsliga personuppgifter" in content
    assert "2 krav gäller, varav 2 ska-krav." in content


def test_level_four_shows_the_security_protection_track(personas: Personas) -> None:
    make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=4)
    content = personas.client(personas.admin_a).get(f"/o/org-a/assets/{asset.pk}/").content.decode()
    assert "Säkerhetsskyddsspåret." in content
    assert "säkerhetsskyddsavtal" in content
    assert "T-BASE-01" not in content


def test_asset_list_query_count_does_not_grow(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    make_asset(personas.org_a, confidentiality=1)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/org-a/assets/")
    for _ in range(8):
        make_asset(personas.org_a, confidentiality=2, personal_data=True)
    with CaptureQueriesContext(connection) as many:
        client.get("/o/org-a/assets/")
    assert len(many) == len(few)


def test_asset_detail_query_count_does_not_grow_with_requirements(personas: Personas) -> None:
    make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=3, personal_data=True)
    client = personas.client(personas.admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/o/org-a/assets/{asset.pk}/")
    many_requirements = plain_requirements(12)
    make_catalogue(requirements=many_requirements)  # the newer catalogue becomes the default
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/o/org-a/assets/{asset.pk}/")
    assert "T-MANY-11" in response.content.decode()
    assert len(many) == len(few)


def test_a_number_of_people_beyond_the_column_is_a_form_error(personas: Personas) -> None:
    """10**20 was a server error (SQLite cannot bind it; PostgreSQL: integer out of range)."""
    asset = make_asset(personas.org_a, "Lönesystem", confidentiality=2)
    client = personas.client(personas.admin_a)
    for number in (str(10**20), "2000000001"):
        response = client.post(
            f"/o/org-a/assets/{asset.pk}/classify/", FORM | {"data_subjects": number}
        )
        assert response.context["form"].errors == {"data_subjects": ["Högst 2000000000."]}
    response = client.post(
        f"/o/org-a/assets/{asset.pk}/classify/", FORM | {"review_due": "9999-12-31"}
    )
    assert response.context["form"].errors == {
        "review_due": ["Ange ett datum mellan 1900-01-01 och 2199-12-31."]
    }
    assert asset.classifications.count() == 1
