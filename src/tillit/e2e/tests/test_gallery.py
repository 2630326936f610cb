"""The main pages, full of the demo's data: axe-core in Swedish and English on each, and with
TILLIT_SCREENSHOTS=<folder> (`make screenshots`) a picture of each for the README."""

from __future__ import annotations

import os
import re
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail

from tillit.accounts.models import User
from tillit.assessments.models import Assessment
from tillit.classification.models import Asset
from tillit.e2e.tests.browser import Visitor
from tillit.incidents.models import Case
from tillit.procurement.models import Procurement
from tillit.suppliers.models import Supplier
from tillit.web.demo import demo_load


def _snap(visitor: Visitor, name: str) -> None:
    visitor.check()
    folder = os.environ.get("TILLIT_SCREENSHOTS")
    if folder:
        visitor.page.screenshot(path=Path(folder) / f"{name}.png")


def test_the_main_pages_with_the_demo_data(visitor: Visitor) -> None:
    _logins, portal_links = demo_load()
    coordinator = User.objects.get(email="samordnare@exempelstad.test")
    TOTP.activate(coordinator, generate_totp_secret())
    organisation = "/o/exempelstad"
    hr = Asset.objects.get(organisation__slug="exempelstad", name="Personalsystem (HR och lön)")
    supplier = Supplier.objects.get(orgnr="556677-8899")
    pages = {
        "02-overview": f"{organisation}/",
        "03-management": f"{organisation}/management/",
        "04-assets": f"{organisation}/assets/",
        "05-classify": f"{organisation}/assets/{hr.pk}/classify/",
        "06-requirement-profile": f"{organisation}/assets/{hr.pk}/#profile",
        "07-procurement": f"{organisation}/procurements/"
        f"{Procurement.objects.get(reference='KS 2026/0412').pk}/",
        "08-suppliers": f"{organisation}/suppliers/",
        "09-supplier": f"{organisation}/suppliers/{supplier.pk}/",
        "10-processing-register": f"{organisation}/processing-register/",
        "11-assessment": f"{organisation}/assessments/"
        f"{Assessment.objects.get(organisation__slug='exempelstad').pk}/",
        "12-findings": f"{organisation}/findings/",
        "13-follow-up": f"{organisation}/followup/",
        "14-incident": f"{organisation}/cases/"
        f"{Case.objects.get(organisation__slug='exempelstad').pk}/",
        "15-risks": f"{organisation}/risks/",
    }

    visitor.go("/accounts/login/")
    _snap(visitor, "01-sign-in")
    visitor.sign_in(coordinator)
    for name, path in pages.items():
        visitor.go(path)
        _snap(visitor, name)
        if name == "03-management":  # the trends, further down the page
            visitor.page.locator("#chart-findings-trend").scroll_into_view_if_needed()
            _snap(visitor, "03-management-trends")

    # The supplier's view: the half-answered questionnaire of Exempelverket's assessment.
    supplier_visitor = visitor
    supplier_visitor.context.clear_cookies()
    (link,) = [
        re.sub(r"^.*: ", "", line) for line in portal_links if line.startswith("Exempelverket")
    ]
    supplier_visitor.page.goto(link)
    supplier_visitor.submit("main form[action$='/code/'] button[type=submit]")
    (code,) = re.findall(r"\b\d{6}\b", str(mail.outbox[-1].subject))
    supplier_visitor.page.fill("[name=code]", code)
    supplier_visitor.submit("main form[action$='/code/verify/'] button[type=submit]")
    _snap(supplier_visitor, "16-supplier-portal")
