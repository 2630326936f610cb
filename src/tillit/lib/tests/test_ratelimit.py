from __future__ import annotations

from unittest import mock

import pytest

from tillit.lib.ratelimit import allow

pytestmark = pytest.mark.django_db


def test_allows_up_to_the_limit_per_window() -> None:
    with mock.patch("tillit.lib.ratelimit.time") as clock:
        clock.time.return_value = 1000.0
        assert [allow("test:a", 3, 60) for _ in range(4)] == [True, True, True, False]
        assert allow("test:b", 3, 60)  # another key counts apart
        clock.time.return_value = 1060.0
        assert allow("test:a", 3, 60)  # a new window
