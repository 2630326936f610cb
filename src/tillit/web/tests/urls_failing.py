"""Tillit's addresses and two that fail, for the error page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tillit.urls import handler404, handler500
from tillit.urls import urlpatterns as tillit


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("fail/", fail), path("api/v1/fail/", fail), *tillit]
__all__ = ["handler404", "handler500", "urlpatterns"]
