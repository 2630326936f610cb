from __future__ import annotations

from django.urls import include, path

from tillit.api import urls as api_urls
from tillit.assessments import urls as assessment_urls
from tillit.audit import views as audit_views
from tillit.catalogue import views as catalogue_views
from tillit.classification import views as classification_views
from tillit.followup import urls as followup_urls
from tillit.imports import urls as import_urls
from tillit.incidents import urls as incident_urls
from tillit.incidents import views as incident_views
from tillit.organisations import views as organisation_views
from tillit.procurement import views as procurement_views
from tillit.reports import urls as report_urls
from tillit.reports import views as report_views
from tillit.risks import urls as risk_urls
from tillit.suppliers import urls as supplier_urls
from tillit.web import views as web_views

organisation_patterns = [
    path("", web_views.dashboard, name="dashboard"),
    path("settings/", organisation_views.organisation_settings, name="organisation-settings"),
    path("members/", organisation_views.members, name="organisation-members"),
    path(
        "members/<uuid:membership>/remove/",
        organisation_views.member_remove,
        name="organisation-member-remove",
    ),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("assets/", classification_views.asset_list, name="asset-list"),
    path("assets/new/", classification_views.asset_create, name="asset-create"),
    path("assets/<uuid:asset>/", classification_views.asset_detail, name="asset-detail"),
    path("assets/<uuid:asset>/edit/", classification_views.asset_edit, name="asset-edit"),
    path(
        "assets/<uuid:asset>/classify/",
        classification_views.asset_classify,
        name="asset-classify",
    ),
    path("procurements/", procurement_views.procurement_list, name="procurement-list"),
    path("procurements/new/", procurement_views.procurement_create, name="procurement-create"),
    path(
        "procurements/<uuid:procurement>/",
        procurement_views.procurement_detail,
        name="procurement-detail",
    ),
    path(
        "procurements/<uuid:procurement>/adjust/<uuid:requirement>/",
        procurement_views.requirement_adjust,
        name="procurement-adjust",
    ),
    path(
        "procurements/<uuid:procurement>/adjustments/<int:adjustment>/remove/",
        procurement_views.adjustment_remove,
        name="procurement-adjustment-remove",
    ),
    path(
        "procurements/<uuid:procurement>/annex.<str:fmt>",
        procurement_views.annex_download,
        name="annex-download",
    ),
    path(
        "procurements/<uuid:procurement>/evaluation.<str:fmt>",
        procurement_views.evaluation_download,
        name="evaluation-download",
    ),
    path(
        "procurements/<uuid:procurement>/tenders/",
        procurement_views.tender_create,
        name="tender-create",
    ),
    path(
        "procurements/<uuid:procurement>/tenders/<uuid:tender>/",
        procurement_views.tender_answers,
        name="tender-answers",
    ),
    *import_urls.organisation_patterns,
    path("catalogue/", catalogue_views.catalogue_browse, name="catalogue"),
    path(
        "catalogue/<uuid:requirement>/",
        catalogue_views.requirement_detail,
        name="requirement-detail",
    ),
    # Appended rather than included, so each route is a direct entry (the tenant matrix test
    # walks these).
    *supplier_urls.organisation_patterns,
    *assessment_urls.organisation_patterns,
    *followup_urls.organisation_patterns,
    *incident_urls.organisation_patterns,
    *risk_urls.organisation_patterns,
    *report_urls.organisation_patterns,
    *api_urls.organisation_patterns,
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path("o/<slug:org>/", include(organisation_patterns)),
    path(
        "operator/organisations/",
        organisation_views.operator_organisations,
        name="operator-organisations",
    ),
    path("operator/", include(import_urls.operator_patterns)),
    path("operator/incidents/", incident_views.operator_incidents, name="operator-incidents"),
    path(
        "operator/concentration/",
        report_views.operator_concentration,
        name="operator-concentration",
    ),
    path("portal/<str:token>/", include(assessment_urls.portal_patterns)),
    *followup_urls.feed_patterns,
    path("api/v1/", include(api_urls.api_patterns)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# An address under /api/ that nothing answers to gets a problem+json 404, like the API's own.
handler404 = "tillit.api.views.not_found"
handler500 = "tillit.web.errors.server_error"
