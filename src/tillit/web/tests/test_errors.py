"""An error on our side: a page with a reference to quote, the same reference in the log, and
nothing of the error shown (ASVS 7.4.1)."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from tillit.web.errors import ErrorReference

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tillit.web.tests.urls_failing")]


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "django.request")


def test_the_page_gives_a_reference_that_is_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    page = response.content.decode()
    reference = re.search(r"<strong>([0-9A-F]{8})</strong>", page)
    assert reference is not None
    assert "Något gick fel" in page
    assert "hunter2" not in page
    assert _logged(caplog).startswith(f"[{reference[1]}] Internal Server Error: /fail/")


def test_the_reference_is_added_once_however_often_logging_was_configured(
    caplog: pytest.LogCaptureFixture,
) -> None:
    second = ErrorReference()  # as configuring logging a second time leaves it
    logging.getLogger("django.request").addFilter(second)
    try:
        Client(raise_request_exception=False).get("/fail/")
    finally:
        logging.getLogger("django.request").removeFilter(second)
    assert re.fullmatch(r"\[[0-9A-F]{8}\] Internal Server Error: /fail/", _logged(caplog))


def test_the_api_gives_the_reference_as_a_problem(caplog: pytest.LogCaptureFixture) -> None:
    response = Client(raise_request_exception=False).get("/api/v1/fail/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    reference = re.search(r"[0-9A-F]{8}", body["detail"])
    assert reference is not None
    assert "hunter2" not in response.content.decode()
    assert f"[{reference[0]}]" in _logged(caplog)
