"""The concentration view: what it costs, and that the organisations depending on each
sub-processor are counted through chains at any depth."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.conftest import Personas
from tillit.incidents.impact import dependants
from tillit.reports.concentration import subprocessor_reach
from tillit.suppliers.models import Contract, SubProcessor, Supplier
from tillit.testing import make_asset, make_contract, make_organisation, make_supplier, make_user


def _link(user: Supplier, used: Supplier) -> None:
    SubProcessor.objects.create(supplier=user, subprocessor=used, service="Drift", country="SE")


def _chain(number: int) -> None:
    """An organisation's supplier using a sub-processor that uses another: two links deep."""
    supplier, hosting = make_supplier(f"Leverantör {number}"), make_supplier(f"Drift {number}")
    _link(supplier, hosting)
    _link(hosting, make_supplier(f"Datacenter {number}"))
    organisation = make_organisation(f"Kommun {number}")
    organisation.share_concentration = True  # named in the view
    organisation.save(update_fields=["share_concentration"])
    make_contract(organisation, supplier, assets=[make_asset(organisation, confidentiality=3)])


def _viewer(personas: Personas, view: str) -> tuple[Client, str]:
    if view == "operator-concentration":
        return personas.client(make_user(is_superuser=True)), reverse(view)
    personas.org_b.share_concentration = True
    personas.org_b.save()
    return personas.client(personas.coordinator_b), reverse(view, args=["org-b"])


@pytest.mark.parametrize("view", ["concentration", "operator-concentration"])
def test_the_concentration_costs_the_same_for_1_and_5_chains_of_sub_processors(
    personas: Personas, view: str
) -> None:
    client, url = _viewer(personas, view)
    _chain(0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(1, 5):  # ten sub-processors: as many as the view shows
        _chain(number)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    text = response.content.decode()
    for number in range(5):
        # Each found through its chain: the datacenter reaches the organisation two links up.
        assert f'<th scope="row">Datacenter {number}</th><td>1</td><td>1</td>' in text
        assert f'<th scope="row">Drift {number}</th><td>1</td><td>1</td>' in text
    assert len(many) == len(few)


def _organisations_by_walking(name: str) -> int:
    """The definition: organisations with a contract with the sub-processor or with a supplier
    that uses it at any depth, walked one level at a time as an incident's impact is."""
    above = dependants(Supplier.objects.get(name=name))
    return Contract.objects.filter(supplier_id__in=above).values("organisation").distinct().count()


def test_sub_processors_count_each_organisation_once_at_any_depth(personas: Personas) -> None:
    hr, school, finance = (make_supplier(n) for n in ("HR AB", "Skol AB", "Ekonomi AB"))
    cloud, support, operations, backup, hall = (
        make_supplier(n) for n in ("Moln AB", "Stöd AB", "Drift AB", "Backup AB", "Hall AB")
    )
    _link(hr, cloud)  # the cloud is shared by HR and the school supplier
    _link(school, cloud)
    _link(cloud, support)  # a cycle: the cloud and its support use each other
    _link(support, cloud)
    _link(finance, operations)  # a diamond: the hall reaches the finance contracts twice
    _link(finance, backup)
    _link(operations, hall)
    _link(backup, hall)
    _link(hall, support)  # and the cycle under it
    third = make_organisation("Tredje kommunen")
    make_contract(personas.org_a, hr)
    make_contract(personas.org_a, finance)
    make_contract(personas.org_b, school)
    make_contract(personas.org_b, cloud)  # directly with a sub-processor too
    make_contract(third, finance)
    make_contract(third, finance)
    found = [(r.name, r.suppliers, r.organisations) for r in subprocessor_reach()]
    # The cloud is reached through the support's users as well: the hall uses the support.
    assert found == [
        ("Moln AB", 3, 3),
        ("Stöd AB", 2, 3),
        ("Backup AB", 1, 2),
        ("Drift AB", 1, 2),
        ("Hall AB", 2, 2),
    ]
    assert all(organisations == _organisations_by_walking(name) for name, _, organisations in found)
