"""The representations written out for speed (the lists serialise up to 500 objects a page)
give byte for byte what DRF makes from the declared fields, which the OpenAPI description is
generated from; and the lists cost a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Model
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from tillit.api.base import Serializer
from tillit.api.endpoints.classification import AssetSerializer, ClassificationSerializer
from tillit.api.endpoints.common import PersonSerializer
from tillit.api.endpoints.contracts import (
    ContractSerializer,
    DataLocationSerializer,
    ProcessorAgreementSerializer,
)
from tillit.api.endpoints.suppliers import SupplierRefSerializer, SupplierSerializer
from tillit.api.tests.conftest import World, cost
from tillit.classification.selectors import assets_of
from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.suppliers.models import Contract
from tillit.suppliers.selectors import contracts_with_details, suppliers_of
from tillit.suppliers.services import data_location_add, processor_agreement_set
from tillit.testing import make_asset, make_contract, make_supplier

ORG = "/api/v1/organisations/org-a/"
LISTS = ("suppliers/", "contracts/", "assets/")


def _same(serializer_class: type[Serializer], instance: Model) -> None:
    fast = serializer_class(instance).data
    declared = serializers.Serializer.to_representation(serializer_class(instance), instance)
    render = JSONRenderer().render
    assert render(fast) == render(declared), serializer_class.__name__


def _full_contract(personas: Personas) -> Contract:
    """A contract with every field set, a third-country location and an agreement."""
    org, admin = personas.org_a, personas.admin_a
    owned = make_asset(
        personas.org_a,
        confidentiality=3,
        availability=2,
        personal_data=True,
        sensitive_data=True,
        data_subjects=1200,
        osl_secrecy=True,
        osl_reference="OSL 21:7",
    )
    owned.owner = admin
    owned.save(update_fields=["owner"])
    contract = make_contract(
        org,
        make_supplier(country="US"),
        assets=[owned, make_asset(org)],
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
        notice_period_days=90,
        annual_value=Decimal("125000.5"),
        sla_availability=Decimal("99.5"),
        incident_notice_hours=24,
        liability=True,
        liability_text="Tak 1 MSEK",
        right_to_audit=True,
        customer_contact="Kim",
    )
    data_location_add(acting_user=admin, contract=contract, country="SE")
    data_location_add(
        acting_user=admin, contract=contract, country="US", transfer_mechanism="scc", note="Moln"
    )
    document = Document.objects.filter(organisation=org).first()
    contract.documents.add(document)  # type: ignore[arg-type]
    processor_agreement_set(
        acting_user=admin,
        contract=contract,
        signed_on=dt.date(2026, 2, 1),
        version="2.1",
        covered={"a", "c"},
        document=document,
    )
    return contract


def test_the_written_out_representations_match_the_declared_fields(world: World) -> None:
    org = world.personas.org_a
    full = _full_contract(world.personas)
    contracts = contracts_with_details(org).prefetch_related("documents")
    contract = contracts.get(pk=full.pk)
    assert contract.processor_agreement is not None
    _same(ProcessorAgreementSerializer, contract.processor_agreement)
    _same(SupplierRefSerializer, contract.supplier)
    for location in contract.locations.all():
        _same(DataLocationSerializer, location)
    for each in contracts:  # the full one, and the world's with most fields empty
        _same(ContractSerializer, each)
    for supplier in suppliers_of(org):
        _same(SupplierSerializer, supplier)
    for asset in assets_of(org).select_related("current__classified_by"):
        _same(AssetSerializer, asset)
        if asset.current is not None:
            _same(ClassificationSerializer, asset.current)
            assert asset.current.classified_by is not None
            _same(PersonSerializer, asset.current.classified_by)


def test_the_lists_take_a_constant_number_of_queries(world: World) -> None:
    """The rows carry what the lists read: assets (owned, classified by someone), documents,
    locations and a processor agreement."""
    for _number in range(2):
        _full_contract(world.personas)
    client = world.client(world.read_a)
    few = {path: cost(client, ORG + path, limit=500) for path in LISTS}
    for _number in range(10):
        _full_contract(world.personas)
    for path in LISTS:
        queries, body = cost(client, ORG + path, limit=500)
        assert body["count"] >= 13, path
        assert len(body["results"]) == body["count"] >= few[path][1]["count"] + 10, path
        assert queries == few[path][0], path


def test_the_supplier_list_pages_filters_and_sorts_on_its_flags(world: World) -> None:
    org = world.personas.org_a
    high = make_contract(org, make_supplier("B"), assets=[make_asset(org, integrity=4)])
    make_contract(org, make_supplier("C"), assets=[make_asset(org, availability=1)])
    full = _full_contract(world.personas)  # level 3, a location outside the EU/EEA
    client = world.client(world.read_a)
    url = "/api/v1/organisations/org-a/suppliers/"
    body = client.get(url, {"ordering": "-criticality", "limit": "2", "offset": "0"}).json()
    assert body["count"] == 4
    assert [(s["id"], s["criticality"]) for s in body["results"]] == [
        (str(high.supplier_id), 4),
        (str(full.supplier_id), 3),
    ]
    second = client.get(url, {"ordering": "-criticality", "limit": "2", "offset": "2"}).json()
    assert [s["criticality"] for s in second["results"]] == [2, 1]
    third = client.get(url, {"third_country": "true"}).json()["results"]
    assert [s["country"] for s in third] == ["US"]
    assert client.get(url, {"third_country": "false"}).json()["count"] == 3
