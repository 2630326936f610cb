"""Management opens the overview of the demo municipality and downloads the management report,
which the worker makes (here at once: the tests run tasks immediately)."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tillit.accounts.models import User
from tillit.e2e.tests.browser import Visitor
from tillit.web.demo import demo_load


def test_management_reads_the_dashboard_and_downloads_the_report(visitor: Visitor) -> None:
    demo_load()
    manager = User.objects.get(email="ledning@exempelstad.test")
    TOTP.activate(manager, generate_totp_secret())
    visitor.sign_in(manager)
    page = visitor.page

    visitor.go("/")
    assert visitor.path() == "/o/exempelstad/"
    visitor.check()
    page.click("nav a[href='/o/exempelstad/management/']")
    visitor.check()
    page.fill("[name=reference]", "KS 2026/77")
    visitor.submit("main form[action$='/management/reports/'] button[type=submit]")
    with page.expect_download() as download:
        page.click("#report-list a")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    visitor.check()
