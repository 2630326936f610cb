"""Driving Chromium from Debian's package through Playwright, and checking pages with axe-core.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.test import Client

from tillit.accounts.models import User

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def why_not_available() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return ""


@dataclass
class Visitor:
    """A browser tab on the live server, which remembers every page it checked and fails on
    any script error or Content-Security-Policy violation the browser reports."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._watch(self.page)

    def _watch(self, page: Page) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"{message.text} ({page.url})")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"{error} ({page.url})"))

    @property
    def context(self) -> BrowserContext:
        return self.page.context

    def go(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.ok, f"{path}: HTTP {response.status}"

    def submit(self, button: str = "main button[type=submit]") -> None:
        """Press a form's button and wait for the page it leads to, which shows no errors."""
        with self.page.expect_navigation():
            self.page.click(button)
        problems = self.page.locator("main .error-summary, main .field-error")
        assert not problems.count(), f"{self.path()}: {problems.all_inner_texts()}"

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def sign_in(self, user: User) -> None:
        """Signed in as the user without the sign-in pages (test_sign_in goes through them)."""
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.base_url}]
        )

    def set_language(self, code: str) -> None:
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": self.base_url}]
        )

    def check(self) -> None:
        """Run axe-core on the page in Swedish, and on the same address in English in a tab of
        its own (this one keeps its state): WCAG 2.1 A and AA, no violations."""
        self._axe(self.page, "sv")
        self.set_language("en")
        english = self.context.new_page()
        self._watch(english)
        try:
            english.goto(self.page.url)
            self._axe(english, "en")
        finally:
            english.close()
            self.set_language("sv")
        self.checked.append(self.path())
        assert not self.errors, "\n".join(self.errors)

    def _axe(self, page: Page, language: str) -> None:
        assert page.locator("html").get_attribute("lang") == language
        # Evaluated rather than added as a <script>: Tillit's Content-Security-Policy stays on.
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(_axe_source())
        violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
        report = "\n".join(
            f"- {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
        )
        assert not violations, f"axe on {self.path()} ({language}):\n{report}"
