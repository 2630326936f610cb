from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from tillit.accounts.models import User

# Tillit serves every asset itself; nothing inline, nothing from elsewhere. The TOTP QR code is
# a data: image, hence img-src data:.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            # What a signed-in person sees is nobody else's: not kept in the browser's cache
            # (a shared computer) nor in any proxy.
            add_never_cache_headers(response)
        return response

    return middleware


def language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Swedish unless the user chose another language (the set_language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: Tillit is a
    Swedish public-sector service and speaks Swedish until asked not to.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        user = getattr(request, "user", None)
        if chosen and user is not None and user.is_authenticated and user.language != code:
            # Remembered for what Tillit sends when the person is not here (e-mail reminders).
            User.objects.filter(pk=user.pk).update(language=code)
            user.language = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ["Cookie"])
        return response

    return middleware
