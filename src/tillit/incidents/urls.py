"""Routes of incidents under /o/<org>/ (appended to tillit.urls' organisation_patterns)."""

from __future__ import annotations

from django.urls import path

from tillit.incidents import views

organisation_patterns = [
    path("incidents/", views.case_list, name="case-list"),
    path("incidents/new/", views.incident_report, name="incident-report"),
    path("incidents/lessons/", views.lesson_feed, name="lesson-feed"),
    path("cases/<uuid:case>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case>/aware/", views.case_aware, name="case-aware"),
    path("cases/<uuid:case>/steps/<int:step>/done/", views.step_done, name="case-step-done"),
    path("cases/<uuid:case>/notes/", views.case_note, name="case-note"),
    path("cases/<uuid:case>/close/", views.case_close, name="case-close"),
    path("cases/<uuid:case>/lesson/", views.lesson_publish, name="case-lesson"),
    path("cases/<uuid:case>/drafts/<str:draft>.<str:fmt>", views.case_draft, name="case-draft"),
]
