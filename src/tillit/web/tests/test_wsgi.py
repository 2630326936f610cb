import gc
import importlib
import sys

import tillit.wsgi


def test_what_a_web_process_loads_at_start_up_is_frozen_out_of_the_cycle_collector() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        importlib.reload(tillit.wsgi)
        assert "tillit.urls" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
