import gc
from typing import Any

import pytest
import weasyprint

from tillit.lib.collector import YOUNG_GENERATION, cycle_collector_paused, serve_requests
from tillit.lib.pdf import html_to_pdf


def test_the_collector_is_paused_inside_and_resumes_after() -> None:
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_resumes_after_an_error() -> None:
    with pytest.raises(ValueError, match="the work failed"), cycle_collector_paused():
        raise ValueError("the work failed")
    assert gc.isenabled()


def test_the_collector_stays_off_if_it_was() -> None:
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_pdf_is_laid_out_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    write_pdf = weasyprint.HTML.write_pdf

    def watched(self: weasyprint.HTML, *args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", watched)

    assert html_to_pdf("<p>Hej</p>").startswith(b"%PDF")
    assert seen == [False]
    assert gc.isenabled()


def test_serving_requests_freezes_what_is_loaded_and_collects_the_young_less_often() -> None:
    thresholds = gc.get_threshold()
    try:
        serve_requests()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_GENERATION, *thresholds[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
