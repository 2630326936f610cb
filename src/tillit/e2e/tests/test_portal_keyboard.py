"""The supplier portal with the keyboard alone (Tab, Enter, Space and typing): every control is
reachable, shows where the focus is, and works."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core import mail

from tillit.assessments.models import Assessment, AssessmentStatus
from tillit.assessments.services import link_issue
from tillit.e2e.tests.browser import Visitor
from tillit.testing import make_assessment, make_organisation, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

# What Tab should reach on a portal page: every visible control.
_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea")]
    .filter((element) => element.getClientRects().length > 0 && !element.disabled);
  controls.forEach((element, index) => { element.dataset.kb = String(index); });
  // Tab reaches one radio button of each group; the arrows or Space choose within it.
  const groups = new Set();
  return controls.filter((element) => {
    if (element.type !== "radio") return true;
    if (groups.has(element.name)) return false;
    groups.add(element.name);
    return true;
  }).map((element) => element.dataset.kb);
}"""
_FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {
    kb: element.dataset.kb ?? null,
    name: element.name || "", type: element.type || "",
    what: element.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def _tab(page: Page) -> dict[str, Any] | None:
    """Press Tab; what has the focus then, which must show it."""
    page.keyboard.press("Tab")
    focused: dict[str, Any] | None = page.evaluate(_FOCUSED)
    if focused is not None:
        assert focused["outline"] or focused["shadow"], f"focus not visible: {focused['what']}"
    return focused


def _tab_to(page: Page, selector: str) -> None:
    for _press in range(80):
        _tab(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _every_control_is_reached(page: Page) -> None:
    wanted = set(page.evaluate(_CONTROLS))
    reached = set()
    for _press in range(len(wanted) * 3 + 10):
        focused = _tab(page)
        if focused is not None and focused["kb"] is not None:
            reached.add(focused["kb"])
        if wanted <= reached:
            return
    missing = page.evaluate(
        "(kbs) => kbs.map((kb) => document.querySelector(`[data-kb='${kb}']`).outerHTML)",
        sorted(wanted - reached),
    )
    raise AssertionError(f"not reached with Tab: {missing}")


def test_the_supplier_portal_works_with_the_keyboard_alone(visitor: Visitor) -> None:
    assessment = make_assessment(make_organisation("Exempelby kommun"))
    _link, token = link_issue(
        acting_user=make_user(),
        assessment=assessment,
        contact_name="Kim Leverantör",
        contact_email="kim@journalia.test",
    )
    page = visitor.page
    visitor.go(f"/portal/{token}/")

    # The first Tab offers a way past the header.
    assert _tab(page) is not None
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    _every_control_is_reached(page)

    _tab_to(page, "form[action$='/code/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    (code,) = re.findall(r"\b\d{6}\b", str(mail.outbox[-1].subject))
    _tab_to(page, "[name=code]")
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/questions/")
    _every_control_is_reached(page)

    # Answer every question: Space chooses, typing describes, Enter saves.
    cards = page.locator("main article.question-card")
    for index in range(cards.count()):
        question_id = cards.nth(index).get_attribute("id")
        _tab_to(page, f"#{question_id} input[name=answer]")
        page.keyboard.press("Space")
        _tab_to(page, f"#{question_id} textarea[name=description]")
        page.keyboard.type("Vi uppfyller kravet genom vår ISO 27001-certifiering.")
        _tab_to(page, f"#{question_id} form[hx-post] button[type=submit]")
        page.keyboard.press("Enter")
        page.locator(f"#{question_id} [role=status]").wait_for()

    _tab_to(page, "form[action$='/submit/'] button")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
