"""Every organisation-scoped route, as every persona: B and outsiders get 404 for A's data.

Routes are discovered from the URL resolver, so a new route under /o/<org>/ is covered (or makes
this test fail until it says which object its extra URL arguments point at)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tillit.catalogue.models import Requirement
from tillit.conftest import Personas
from tillit.documents.services import document_store
from tillit.organisations.models import Membership
from tillit.procurement.services import adjustment_set, procurement_create, tender_create
from tillit.testing import make_asset, make_catalogue, make_contract


def _org_routes() -> list[str]:
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and "<slug:org>" in str(entry.pattern):
            names += [p.name for p in entry.url_patterns if isinstance(p, URLPattern) and p.name]
    return names


def _objects_of_a(personas: Personas) -> dict[str, Any]:
    """One object of organisation A for every kind of URL argument."""
    catalogue = make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=2)
    procurement = procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="P",
        reference="1",
        procedure="oppet",
        officer=None,
        catalogue=catalogue,
        assets=[asset],
    )
    requirement = Requirement.objects.get(catalogue=catalogue, key="T-BASE-01")
    adjustment = adjustment_set(
        acting_user=personas.admin_a,
        procurement=procurement,
        requirement=requirement,
        action="downgrade",
        justification="test",
    )
    tender = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="T")
    contract = make_contract(personas.org_a, assets=[asset])
    document = document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        upload=SimpleUploadedFile("avtal.pdf", b"%PDF-1.7 test"),
    )
    return {
        "membership": Membership.objects.get(user=personas.reader_a).pk,
        "asset": asset.pk,
        "requirement": requirement.pk,
        "procurement": procurement.pk,
        "adjustment": adjustment.pk,
        "tender": tender.pk,
        "supplier": contract.supplier.pk,
        "contract": contract.pk,
        "document": document.pk,
        "fmt": "pdf",
        "kind": "contracts",  # an import template
    }


def test_other_organisations_and_outsiders_get_404(personas: Personas) -> None:
    objects = _objects_of_a(personas)
    routes = _org_routes()
    assert len(routes) >= 5
    for name in routes:
        pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
        missing = set(pattern) - {"org"} - set(objects)
        assert not missing, f"route {name} takes {missing}: add an object of organisation A"
        kwargs = {key: objects[key] for key in pattern if key != "org"}
        url = reverse(name, kwargs=kwargs | {"org": "org-a"})
        for user in (personas.coordinator_b, personas.outsider):
            client = personas.client(user)
            # 405 (wrong method) says nothing about the organisation; one method must reach
            # the access check and get 404.
            statuses = {client.get(url).status_code, client.post(url).status_code}
            assert statuses <= {404, 405}, f"{url} as {user}: {statuses}"
            assert 404 in statuses, f"{url} as {user}: {statuses}"
    assert Membership.objects.filter(user=personas.reader_a).exists()
