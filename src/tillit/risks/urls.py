"""Routes of the risk register under /o/<org>/ (appended to tillit.urls' organisation_patterns,
so the tenant matrix finds them)."""

from __future__ import annotations

from django.urls import path

from tillit.risks import views

organisation_patterns = [
    path("risks/", views.risk_list, name="risk-list"),
    path("risks/new/", views.risk_create, name="risk-create"),
    path("risks/heatmap/", views.risk_heatmap, name="risk-heatmap"),
    path("risks/settings/", views.risk_settings, name="risk-settings"),
    path("risks/<uuid:risk>/", views.risk_detail, name="risk-detail"),
    path("risks/<uuid:risk>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<uuid:risk>/accept/", views.risk_accept, name="risk-accept"),
]
