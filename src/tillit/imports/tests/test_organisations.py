from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tillit.conftest import Personas
from tillit.imports.tests.files import counts, csv_bytes, run, where
from tillit.organisations.models import Organisation

HEADER = ["orgnr", "name", "type", "nis2"]


def test_organisations_are_created_with_unique_short_names(personas: Personas) -> None:
    Organisation.objects.filter(pk=personas.org_b.pk).update(slug="malmo-stad")
    content = csv_bytes(
        [
            HEADER,
            ["556000-0001", "Malmö stad", "kommun", "essential"],
            ["556111-1112", "Malmö stad", "bolag", "none"],
            ["556222-2223", "Region Exempel", "REGION", "important"],
        ]
    )
    result = run("organisations", content)
    assert result.ok, result.errors
    assert result.created == 3
    created = Organisation.objects.filter(orgnr__startswith="556").order_by("orgnr")
    assert [(o.slug, o.kind, o.nis2) for o in created] == [
        ("malmo-stad-2", "kommun", "vasentlig"),
        ("malmo-stad-3", "kommunalt_bolag", "ej"),
        ("region-exempel", "region", "viktig"),
    ]
    assert all(o.security_email == "" for o in created)


def test_reimport_changes_nothing_and_changes_update(personas: Personas) -> None:
    row = ["556000-0001", "Exempelstad", "kommun", "important"]
    run("organisations", csv_bytes([HEADER, row]))
    before = counts()
    assert run("organisations", csv_bytes([HEADER, row])).unchanged == 1
    assert counts() == before
    changed = ["556000-0001", "Exempelstads kommun", "kommun", "essential"]
    assert run("organisations", csv_bytes([HEADER, changed])).updated == 1
    organisation = Organisation.objects.get(orgnr="556000-0001")
    assert (organisation.name, organisation.nis2, organisation.slug) == (
        "Exempelstads kommun",
        "vasentlig",
        "exempelstad",
    )


def test_unknown_values_are_refused(personas: Personas) -> None:
    before = counts()
    content = csv_bytes([HEADER, ["556000-0001", "X", "kommune", "vital"]])
    result = run("organisations", content)
    assert where(result) == [(2, "type", "choice"), (2, "nis2", "choice")]
    assert "kommun, region, myndighet, bolag, annan" in result.errors[0].message
    assert counts() == before


def test_only_the_operator_imports_organisations(personas: Personas) -> None:
    content = csv_bytes([HEADER, ["556000-0001", "X", "kommun", "none"]])
    with pytest.raises(PermissionDenied):
        run("organisations", content, user=personas.admin_a)
    personas.outsider.is_superuser = True
    assert run("organisations", content, user=personas.outsider).created == 1
