"""A coordinator hears of an incident at a supplier and registers it: every organisation the
supplier serves gets a case whose reporting deadlines start to run."""

from __future__ import annotations

from tillit.e2e.tests.browser import Visitor
from tillit.incidents.models import Case
from tillit.organisations.roles import Role
from tillit.testing import make_asset, make_contract, make_member, make_organisation, make_supplier


def test_a_supplier_incident_starts_the_clocks_of_every_customer(visitor: Visitor) -> None:
    town = make_organisation("Exempelby kommun", slug="exempelby")
    region = make_organisation("Region Exempel", slug="region-exempel")
    supplier = make_supplier("Journalia AB")
    for organisation in (town, region):
        system = make_asset(organisation, "Journalsystem", confidentiality=3, personal_data=True)
        make_contract(organisation, supplier, assets=[system], service="Journalsystem")
    visitor.sign_in(make_member(town, Role.SECURITY_COORDINATOR))
    page = visitor.page

    visitor.go("/o/exempelby/incidents/")
    visitor.check()
    page.click("main a[href$='/incidents/new/']")
    visitor.check()
    page.select_option("[name=supplier]", label="Journalia AB")
    page.fill("[name=title]", "Intrång hos Journalia")
    page.fill("[name=description]", "Obehörig åtkomst till journaldatabasen.")
    page.fill("[name=started_at]", "2026-05-04T22:00")
    page.fill("[name=discovered_at]", "2026-05-05T07:30")
    page.select_option("[name=severity]", index=2)
    visitor.submit()

    # The town's own case, and its clocks.
    assert "/cases/" in visitor.path()
    deadlines = page.locator("main table").first
    assert deadlines.locator("tbody tr").count() >= 1
    assert deadlines.locator(".badge").count() >= 1
    visitor.check()

    # The region, which uses the same supplier, has its own case with its own clocks.
    visitor.sign_in(make_member(region, Role.SECURITY_COORDINATOR))
    (case,) = Case.objects.filter(organisation=region)
    visitor.go("/o/region-exempel/incidents/")
    visitor.check()
    page.click(f"main a[href$='/cases/{case.pk}/']")
    assert page.locator("main table").first.locator(".badge").count() >= 1
    visitor.check()
