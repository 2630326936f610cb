import os
import subprocess
import sys
from pathlib import Path

from tillit.lib.collector import YOUNG_GENERATION


def test_a_web_process_loads_what_requests_need_and_freezes_it(tmp_path: Path) -> None:
    script = (
        "import gc, sys; import tillit.wsgi;"
        "print(*(name in sys.modules for name in ('tillit.urls', 'matplotlib.figure')));"
        "print(gc.get_freeze_count()); print(gc.get_threshold()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean | {"TILLIT_ENV": "development", "TILLIT_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded, frozen, young = result.stdout.splitlines()
    assert loaded == "True True"
    assert int(frozen) > 100_000
    assert int(young) == YOUNG_GENERATION
