"""Import routes: organisation_patterns go under /o/<org>/, operator_patterns under /operator/."""

from __future__ import annotations

from django.urls import path

from tillit.imports import views

organisation_patterns = [
    path("import/", views.import_upload, name="import"),
    path("import/jobs/<uuid:job>/", views.import_job, name="import-job"),
    path("import/jobs/<uuid:job>/confirm/", views.import_job_confirm, name="import-job-confirm"),
    path("import/templates/<str:kind>.csv", views.import_template, name="import-template"),
]

operator_patterns = [
    path("import/", views.operator_import, name="operator-import"),
    path("import/confirm/", views.operator_import_confirm, name="operator-import-confirm"),
    path(
        "import/templates/<str:kind>.csv",
        views.operator_import_template,
        name="operator-import-template",
    ),
]
