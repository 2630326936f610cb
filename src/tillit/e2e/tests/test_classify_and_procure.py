"""A system owner's and a procurement officer's day: classify a system, read its requirement
profile, start a procurement of it and download the security annex."""

from __future__ import annotations

from tillit.catalogue.services import catalogue_import_builtin
from tillit.e2e.tests.browser import Visitor
from tillit.organisations.roles import Role
from tillit.testing import make_member, make_organisation


def test_a_system_is_classified_and_its_annex_downloaded(visitor: Visitor) -> None:
    catalogue_import_builtin()
    organisation = make_organisation("Exempelby kommun", slug="exempelby")
    visitor.sign_in(make_member(organisation, Role.SECURITY_COORDINATOR))
    page = visitor.page

    visitor.go("/o/exempelby/assets/")
    visitor.check()
    page.click("main a[href$='/assets/new/']")
    visitor.check()
    page.fill("[name=name]", "Elevhälsans journalsystem")
    page.fill("[name=description]", "Journaler för skolsköterskor, kuratorer och psykologer.")
    visitor.submit()

    # The guided classification: personal data first, then one question per aspect.
    page.wait_for_url("**/classify/")
    visitor.check()
    for flag in ("personal_data", "sensitive_data", "personnummer", "children"):
        page.check(f"[name={flag}]")
    page.fill("[name=data_subjects]", "3500")
    for aspect, level in (
        ("confidentiality", 3),
        ("integrity", 2),
        ("availability", 2),
        ("traceability", 2),
    ):
        page.check(f"[name={aspect}_answer][value='{level}']")
    visitor.submit("main form.classify button[type=submit]")
    assert "3500" in page.inner_text("main .facts").replace("\xa0", "").replace(" ", "")
    profile = page.locator("main table").first
    assert profile.locator("tbody tr").count() > 10
    visitor.check()

    visitor.go("/o/exempelby/procurements/")
    visitor.check()
    page.click("main a[href$='/procurements/new/']")
    visitor.check()
    page.fill("[name=name]", "Nytt journalsystem för elevhälsan")
    page.fill("[name=reference]", "BUN 2026/118")
    page.get_by_label("Elevhälsans journalsystem").check()
    visitor.submit()
    visitor.check()

    # Laying out the PDF takes seconds on a busy machine: more than the default wait.
    for link, magic in (("annex.docx", b"PK"), ("annex.pdf", b"%PDF")):
        with page.expect_download(timeout=60_000) as download:
            page.click(f"main a[href$='/{link}']", timeout=60_000)
        path = download.value.path()
        assert path.read_bytes().startswith(magic), link
