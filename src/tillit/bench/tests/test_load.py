"""The load test's command refuses to write demo data outside demo mode, and its report
counts requests, times and errors."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tillit.bench.load import Sample, report


@override_settings(TILLIT_DEMO=False)
def test_the_command_runs_only_in_demo_mode() -> None:
    with pytest.raises(CommandError, match="TILLIT_DEMO"):
        call_command("loadtest", "--seconds", "1")


def test_the_report_gives_throughput_p95_and_errors() -> None:
    samples = [Sample("dashboard", 0.010 * (n + 1), "") for n in range(19)]
    samples.append(Sample("portal-questionnaire", 0.5, "HTTP 429 at http://x/"))

    text = report(samples, seconds=10, users=4, workers=2)

    first = text.splitlines()[0]
    assert "20 requests, 2.0 requests/s" in first
    assert "p95 190 ms" in first
    assert "1 errors" in first
    assert "error: HTTP 429 at http://x/ (1x)" in text
