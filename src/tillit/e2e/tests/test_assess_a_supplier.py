"""The security coordinator registers a supplier and its contract and sends an assessment; the
supplier answers through the link in the e-mail; the coordinator reviews the answers, raises a
finding and finds it in the follow-up plan."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import mail

from tillit.assessments.models import Assessment, AssessmentStatus, Finding
from tillit.e2e.tests.browser import Visitor
from tillit.organisations.roles import Role
from tillit.testing import make_asset, make_catalogue, make_member, make_organisation


def _last_mail_to(address: str) -> str:
    (message, *_older) = [m for m in reversed(mail.outbox) if address in m.to]
    return str(message.body) + "\n" + str(message.subject)


def test_a_supplier_is_assessed_and_the_finding_followed_up(
    visitor: Visitor, visitors: Callable[[], Visitor]
) -> None:
    make_catalogue()
    organisation = make_organisation("Exempelby kommun", slug="exempelby")
    make_asset(organisation, "Elevhälsans journalsystem", confidentiality=3, personal_data=True)
    visitor.sign_in(make_member(organisation, Role.SECURITY_COORDINATOR))
    page = visitor.page

    visitor.go("/o/exempelby/suppliers/")
    visitor.check()
    page.click("main a[href$='/suppliers/new/']")
    visitor.check()
    page.fill("[name=name]", "Journalia AB")
    page.fill("[name=orgnr]", "556677-8899")
    visitor.submit()
    visitor.check()

    page.click("main a[href$='/contracts/new/']")
    visitor.check()
    page.fill("[name=service]", "Journalsystem som tjänst")
    page.get_by_label("Elevhälsans journalsystem").check()
    page.check("[name=right_to_audit]")
    visitor.submit()
    visitor.check()

    visitor.go("/o/exempelby/assessments/")
    visitor.check()
    page.click("main a[href$='/assessments/new/']")
    visitor.check()
    page.get_by_label("Journalia AB – Journalsystem som tjänst").check()
    page.fill("[name=title]", "Journalia 2026")
    visitor.submit()
    page.fill("[name=contact_name]", "Kim Leverantör")
    page.fill("[name=contact_email]", "kim@journalia.test")
    visitor.submit("main form[action$='/links/'] button[type=submit]")
    visitor.check()

    # The supplier, in a browser of its own, follows the link in the e-mail.
    supplier = visitors()
    (link,) = re.findall(r"https?://\S+/portal/\S+/", _last_mail_to("kim@journalia.test"))
    supplier.page.goto(link)
    supplier.check()
    supplier.submit("main form[action$='/code/'] button[type=submit]")
    (code,) = re.findall(r"\b\d{6}\b", _last_mail_to("kim@journalia.test").split("\n")[-1])
    supplier.page.fill("[name=code]", code)
    supplier.submit("main form[action$='/code/verify/'] button[type=submit]")
    supplier.page.wait_for_url("**/questions/")
    supplier.check()
    questions = supplier.page.locator("main article.question-card")
    for index in range(questions.count()):
        question = questions.nth(index)
        question.locator("input[name=answer][value=partial]").check()
        question.locator("textarea[name=description]").fill("Loggar granskas kvartalsvis.")
        question.locator("button[type=submit]").first.click()
        question.locator("[role=status]").wait_for()
    supplier.check()
    supplier.submit("main form[action$='/submit/'] button[type=submit]")
    supplier.page.wait_for_url("**/questions/")
    assert Assessment.objects.get().status == AssessmentStatus.SUBMITTED

    # The coordinator reviews each answer and raises a finding from the first.
    page.reload()
    reviews = page.locator("main form.review-form")
    for index in range(reviews.count()):
        reviews.nth(index).locator("input[name=review][value=rejected]").check()
        reviews.nth(index).locator("textarea[name=comment]").fill("Granskningen saknar logg.")
        with page.expect_navigation():
            reviews.nth(index).locator("button[type=submit]").click()
    visitor.check()
    page.locator("main a[href$='/finding/']").first.click()
    visitor.check()
    page.fill("[name=title]", "Logggranskning saknas")
    page.fill("[name=required_action]", "Inför månatlig granskning av åtkomstloggar.")
    page.fill("[name=deadline]", "2026-12-31")
    visitor.submit()
    visitor.check()
    assert Finding.objects.get().title == "Logggranskning saknas"

    visitor.go("/o/exempelby/findings/")
    visitor.check()
    visitor.go("/o/exempelby/followup/")
    assert "Logggranskning saknas" in page.inner_text("main")
    visitor.check()
