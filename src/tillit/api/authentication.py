"""Authentication by personal API token: `Authorization: Bearer tillit_…`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from tillit.api.services import api_token_use


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # another scheme, or none: the session may still authenticate
        if len(parts) != 2:
            raise AuthenticationFailed(_("Give the token after Bearer, and nothing else."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("The token is unknown, expired or revoked.")) from None
        token = api_token_use(secret)
        if token is None:
            raise AuthenticationFailed(_("The token is unknown, expired or revoked."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="tillit"'
