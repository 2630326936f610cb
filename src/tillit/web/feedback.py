"""Telling the person what went wrong, on the next page they see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def error_messages(request: HttpRequest, error: ValidationError) -> None:
    """Every message of a service's ValidationError, as an error message of the request."""
    for message in error.messages:
        messages.error(request, message)
