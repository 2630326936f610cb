from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from tillit.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of views behind @login_required."""

    user: User
    htmx: HtmxDetails
