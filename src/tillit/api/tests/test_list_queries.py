"""Every list of the API costs the same number of queries whether it returns a few rows or many
(up to a page of 500): each row is made with the related objects its representation reads, so
that a query per row would show. The asset, supplier, contract, assessment, finding, question
and risk lists are measured where their other behaviour is tested."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tillit.api.tests.conftest import FEW, MANY, World, cost
from tillit.assessments.models import Assessment
from tillit.assessments.services import link_issue
from tillit.catalogue.models import Catalogue
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.classification.services import classification_create
from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.documents.services import document_store
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.procurement.services import procurement_create
from tillit.suppliers.models import Supplier
from tillit.suppliers.services import certificate_add, pentest_add, subprocessor_add
from tillit.testing import (
    make_asset,
    make_catalogue,
    make_member,
    make_organisation,
    make_supplier,
    make_user,
    plain_requirements,
)


def _document(world: World) -> Document:
    return document_store(
        acting_user=make_member(world.personas.org_a, Role.SYSTEM_OWNER),
        organisation=world.personas.org_a,
        upload=SimpleUploadedFile("rapport.pdf", b"%PDF-1.7 test"),
    )


def _procurements(world: World, count: int) -> str:
    org = world.personas.org_a
    for number in range(count):
        procurement_create(
            acting_user=world.personas.admin_a,
            organisation=org,
            name=f"Upphandling {number}",
            reference=f"KS 2026/{number + 10}",
            procedure="oppet",
            officer=make_member(org, Role.PROCUREMENT_OFFICER),
            catalogue=Catalogue.objects.get(pk=world.objects["catalogue"]),
            assets=[make_asset(org), make_asset(org)],
        )
    return reverse("api-procurement-list", args=["org-a"])


def _classifications(world: World, count: int) -> str:
    asset = Asset.objects.get(pk=world.objects["asset"])
    for number in range(count):
        level = number % 4
        classification_create(
            acting_user=make_user(),  # each version by someone else
            asset=asset,
            answers=dict.fromkeys(ASPECTS, level),
            levels=dict.fromkeys(ASPECTS, level),
            reasons=dict.fromkeys(ASPECTS, "test"),
        )
    return reverse("api-classification-list", args=["org-a", asset.pk])


def _profile(world: World, count: int) -> str:
    """The asset's profile from a catalogue of count requirements, all of which apply."""
    catalogue = make_catalogue(requirements=plain_requirements(count))
    url = reverse("api-requirement-profile", args=["org-a", world.objects["asset"]])
    return f"{url}?catalogue={catalogue.pk}"


def _subprocessors(world: World, count: int) -> str:
    supplier = Supplier.objects.get(pk=world.objects["supplier"])
    for number in range(count):
        subprocessor_add(
            acting_user=world.personas.admin_a,
            organisation=world.personas.org_a,
            supplier=supplier,
            subprocessor=make_supplier(),
            service=f"Drift {number}",
            country="SE",
        )
    return reverse("api-subprocessor-list", args=["org-a", supplier.pk])


def _certificates(world: World, count: int) -> str:
    for _number in range(count):
        certificate_add(
            acting_user=world.personas.admin_a,
            organisation=world.personas.org_a,
            supplier=Supplier.objects.get(pk=world.objects["supplier"]),
            kind="iso27001",
            issuer="Cert AB",
            scope="Allt",
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2028, 1, 1),
            document=_document(world),
        )
    return reverse("api-certificate-list", args=["org-a"])


def _pentests(world: World, count: int) -> str:
    for _number in range(count):
        pentest_add(
            acting_user=world.personas.admin_a,
            organisation=world.personas.org_a,
            supplier=Supplier.objects.get(pk=world.objects["supplier"]),
            performed_on=dt.date(2026, 1, 1),
            performed_by="Test AB",
            scope="Webb",
            report=_document(world),
        )
    return reverse("api-pentest-list", args=["org-a"])


def _documents(world: World, count: int) -> str:
    for _number in range(count):
        _document(world)  # each uploaded by someone else
    return reverse("api-document-list", args=["org-a"])


def _links(world: World, count: int) -> str:
    assessment = Assessment.objects.get(pk=world.objects["assessment"])
    for number in range(count):
        link_issue(
            acting_user=make_member(world.personas.org_a, Role.SECURITY_COORDINATOR),
            assessment=assessment,
            contact_name=f"Kontakt {number}",
            contact_email=f"kontakt{number}@leverantor.test",
        )
    return reverse("api-assessment-link-list", args=["org-a", assessment.pk])


def _catalogues(world: World, count: int) -> str:
    for _number in range(count):
        make_catalogue()
    return reverse("api-catalogue-list")


def _requirements(world: World, count: int) -> str:
    catalogue = make_catalogue(requirements=plain_requirements(count))
    return reverse("api-requirement-list", args=[catalogue.pk])


@dataclass(frozen=True)
class Rows:
    """A list, and make(world, count): count more of its rows, each with what its representation
    reads (for a catalogue's requirements, a new catalogue of count), and the URL that shows
    them."""

    name: str
    make: Callable[[World, int], str]
    key: str = "results"  # where the response holds the rows


LISTS = [
    Rows("api-procurement-list", _procurements),
    Rows("api-classification-list", _classifications),
    Rows("api-requirement-profile", _profile, key="requirements"),
    Rows("api-subprocessor-list", _subprocessors),
    Rows("api-certificate-list", _certificates),
    Rows("api-pentest-list", _pentests),
    Rows("api-document-list", _documents),
    Rows("api-assessment-link-list", _links),
    Rows("api-catalogue-list", _catalogues),
    Rows("api-requirement-list", _requirements),
]


@pytest.mark.parametrize("rows", LISTS, ids=[rows.name for rows in LISTS])
def test_the_list_costs_the_same_for_a_few_rows_and_many(world: World, rows: Rows) -> None:
    client = world.client(world.read_a)
    few, few_body = cost(client, rows.make(world, FEW), limit=500)
    many, many_body = cost(client, rows.make(world, MANY), limit=500)
    assert len(many_body[rows.key]) >= len(few_body[rows.key]) + MANY - FEW
    assert many == few


def _memberships(personas: Personas, count: int) -> None:
    for _number in range(count):
        organisation = make_organisation()
        Membership.objects.create(
            organisation=organisation, user=personas.admin_a, role=Role.PROCUREMENT_OFFICER
        )


def test_the_organisation_list_costs_the_same_for_2_and_14_memberships(
    personas: Personas,
) -> None:
    """In the browser's session a person sees every organisation they are a member of."""
    client = personas.client(personas.admin_a)
    url = reverse("api-organisation-list")
    _memberships(personas, 1)
    few, _body = cost(client, url, limit=500)
    _memberships(personas, 12)
    many, body = cost(client, url, limit=500)
    listed = {organisation["slug"]: organisation["permissions"] for organisation in body["results"]}
    assert len(listed) == 14
    assert listed.pop("org-a") == sorted(
        ["view", "edit", "view_audit_log", "manage_members", "manage_organisation", "accept_risk"]
    )
    assert set(map(tuple, listed.values())) == {("edit", "view")}
    assert many == few
