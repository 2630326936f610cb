"""Routes of the API under /api/v1/, and of the token pages under /o/<org>/.

Organisation-scoped resources live under organisations/<org>/ (the tenant matrix test walks
them). A new bounded context adds its module in endpoints/ and its routes here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from tillit.api import views
from tillit.api.endpoints import (
    assessments,
    catalogue,
    classification,
    contracts,
    documents,
    evidence,
    followup,
    incidents,
    organisations,
    procurement,
    reports,
    risks,
    suppliers,
)

organisation_api_patterns: list[URLPattern | URLResolver] = [
    path("", organisations.OrganisationDetail.as_view(), name="api-organisation-detail"),
    path("assets/", classification.AssetList.as_view(), name="api-asset-list"),
    path("assets/<uuid:asset>/", classification.AssetDetail.as_view(), name="api-asset-detail"),
    path(
        "assets/<uuid:asset>/classifications/",
        classification.ClassificationList.as_view(),
        name="api-classification-list",
    ),
    path(
        "assets/<uuid:asset>/requirement-profile/",
        classification.RequirementProfile.as_view(),
        name="api-requirement-profile",
    ),
    path("procurements/", procurement.ProcurementList.as_view(), name="api-procurement-list"),
    path(
        "procurements/<uuid:procurement>/",
        procurement.ProcurementDetail.as_view(),
        name="api-procurement-detail",
    ),
    path(
        "procurements/<uuid:procurement>/annex.<str:fmt>",
        procurement.AnnexDownload.as_view(),
        name="api-annex",
    ),
    path("suppliers/", suppliers.SupplierList.as_view(), name="api-supplier-list"),
    path(
        "suppliers/<uuid:supplier>/", suppliers.SupplierDetail.as_view(), name="api-supplier-detail"
    ),
    path(
        "suppliers/<uuid:supplier>/subprocessors/",
        suppliers.SubProcessorList.as_view(),
        name="api-subprocessor-list",
    ),
    path("contracts/", contracts.ContractList.as_view(), name="api-contract-list"),
    path(
        "contracts/<uuid:contract>/", contracts.ContractDetail.as_view(), name="api-contract-detail"
    ),
    path(
        "contracts/<uuid:contract>/processor-agreement/",
        contracts.AgreementDetail.as_view(),
        name="api-processor-agreement",
    ),
    path(
        "contracts/<uuid:contract>/locations/",
        contracts.LocationCreate.as_view(),
        name="api-location-create",
    ),
    path("certificates/", evidence.CertificateList.as_view(), name="api-certificate-list"),
    path(
        "certificates/<uuid:certificate>/",
        evidence.CertificateDetail.as_view(),
        name="api-certificate-detail",
    ),
    path("pentests/", evidence.PenTestList.as_view(), name="api-pentest-list"),
    path("pentests/<uuid:pentest>/", evidence.PenTestDetail.as_view(), name="api-pentest-detail"),
    path("documents/", documents.DocumentList.as_view(), name="api-document-list"),
    path(
        "documents/<uuid:document>/",
        documents.DocumentDetail.as_view(),
        name="api-document-detail",
    ),
    path(
        "documents/<uuid:document>/content",
        documents.DocumentContent.as_view(),
        name="api-document-content",
    ),
    path("assessments/", assessments.AssessmentList.as_view(), name="api-assessment-list"),
    path(
        "assessments/<uuid:assessment>/",
        assessments.AssessmentDetail.as_view(),
        name="api-assessment-detail",
    ),
    path(
        "assessments/<uuid:assessment>/complete/",
        assessments.AssessmentComplete.as_view(),
        name="api-assessment-complete",
    ),
    path(
        "assessments/<uuid:assessment>/reopen/",
        assessments.AssessmentReopen.as_view(),
        name="api-assessment-reopen",
    ),
    path(
        "assessments/<uuid:assessment>/links/",
        assessments.LinkList.as_view(),
        name="api-assessment-link-list",
    ),
    path(
        "assessments/<uuid:assessment>/links/<uuid:link>/revoke/",
        assessments.LinkRevoke.as_view(),
        name="api-assessment-link-revoke",
    ),
    path(
        "assessments/<uuid:assessment>/questions/",
        assessments.QuestionList.as_view(),
        name="api-question-list",
    ),
    path(
        "assessments/<uuid:assessment>/questions/<uuid:question>/",
        assessments.QuestionDetail.as_view(),
        name="api-question-detail",
    ),
    path("findings/", assessments.FindingList.as_view(), name="api-finding-list"),
    path(
        "findings/<uuid:finding>/", assessments.FindingDetail.as_view(), name="api-finding-detail"
    ),
    path(
        "findings/<uuid:finding>/status/",
        assessments.FindingMove.as_view(),
        name="api-finding-move",
    ),
    path("followup/", followup.FollowUpPlan.as_view(), name="api-followup"),
    path("incidents/", incidents.IncidentRegister.as_view(), name="api-incident-register"),
    path("cases/", incidents.CaseList.as_view(), name="api-case-list"),
    path("cases/<uuid:case>/", incidents.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<uuid:case>/notes/", incidents.NoteList.as_view(), name="api-case-notes"),
    path("cases/<uuid:case>/close/", incidents.CaseClose.as_view(), name="api-case-close"),
    path("cases/<uuid:case>/lesson/", incidents.LessonPublish.as_view(), name="api-case-lesson"),
    path(
        "cases/<uuid:case>/steps/<str:step>/done/",
        incidents.StepDone.as_view(),
        name="api-case-step-done",
    ),
    path(
        "cases/<uuid:case>/drafts/<str:draft>/",
        incidents.DraftDetail.as_view(),
        name="api-case-draft",
    ),
    path("cases/<uuid:case>/impact/", incidents.ImpactDetail.as_view(), name="api-case-impact"),
    path("lessons/", incidents.LessonList.as_view(), name="api-lesson-list"),
    path("risks/", risks.RiskList.as_view(), name="api-risk-list"),
    path("risks/settings/", risks.RiskSettingsDetail.as_view(), name="api-risk-settings"),
    path("risks/<uuid:risk>/", risks.RiskDetail.as_view(), name="api-risk-detail"),
    path(
        "risks/<uuid:risk>/acceptance/",
        risks.RiskAcceptance.as_view(),
        name="api-risk-acceptance",
    ),
    path("reports/key-figures/", reports.KeyFigures.as_view(), name="api-key-figures"),
    path("reports/snapshots/", reports.SnapshotList.as_view(), name="api-snapshot-list"),
    path("reports/management/", reports.ReportList.as_view(), name="api-report-list"),
    path(
        "reports/management/<uuid:report>/",
        reports.ReportDetail.as_view(),
        name="api-report-detail",
    ),
    path(
        "reports/management/<uuid:report>/content",
        reports.ReportContent.as_view(),
        name="api-report-content",
    ),
]

api_patterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocs.as_view(url_name="api-schema"), name="api-docs"),
    path("organisations/", organisations.OrganisationList.as_view(), name="api-organisation-list"),
    path("organisations/<slug:org>/", include(organisation_api_patterns)),
    path("catalogues/", catalogue.CatalogueList.as_view(), name="api-catalogue-list"),
    path(
        "catalogues/<uuid:catalogue>/",
        catalogue.CatalogueDetail.as_view(),
        name="api-catalogue-detail",
    ),
    path(
        "catalogues/<uuid:catalogue>/requirements/",
        catalogue.RequirementList.as_view(),
        name="api-requirement-list",
    ),
    path(
        "catalogues/<uuid:catalogue>/requirements/<uuid:requirement>/",
        catalogue.RequirementDetail.as_view(),
        name="api-requirement-detail",
    ),
]

# The token pages, appended to tillit.urls' organisation_patterns (under /o/<org>/).
organisation_patterns = [
    path("api-tokens/", views.token_list, name="api-token-list"),
    path("api-tokens/<uuid:api_token>/revoke/", views.token_revoke, name="api-token-revoke"),
]
