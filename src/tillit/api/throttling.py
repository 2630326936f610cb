"""Rate limits per token (per user for the browser, per address for requests without either),
counted in fixed windows in the shared database cache so every web process counts together."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from tillit.api.access import token_of
from tillit.lib.ratelimit import allow

if TYPE_CHECKING:
    # Not at run time: rest_framework.views imports this module while it loads.
    from rest_framework.views import APIView

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'300/minute' → (300, 60)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


class ApiThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: APIView) -> bool:
        token = token_of(request)
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if token is not None:
            key, rate = f"token:{token.pk}", rates["token"]
        elif request.user and request.user.is_authenticated:
            key, rate = f"user:{request.user.pk}", rates["user"]
        else:
            key, rate = f"address:{self.get_ident(request)}", rates["anonymous"]
        limit, self.window = parse_rate(str(rate))
        return allow(f"api:{key}", limit, self.window)

    def wait(self) -> float:
        return self.window - time.time() % self.window
