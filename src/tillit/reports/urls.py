"""Routes of reports under /o/<org>/ (appended to tillit.urls' organisation_patterns)."""

from __future__ import annotations

from django.urls import path

from tillit.reports import views

organisation_patterns = [
    path("management/", views.management, name="management"),
    path("management/reports/", views.report_request, name="management-report"),
    path("concentration/", views.concentration, name="concentration"),
]
