"""Routes of assessments: the organisation's under /o/<org>/ (appended to tillit.urls'
organisation_patterns, so the tenant matrix finds them) and the supplier portal under
/portal/<token>/."""

from __future__ import annotations

from django.urls import path

from tillit.assessments.views import portal, spreadsheet, staff

organisation_patterns = [
    path("assessments/", staff.assessment_list, name="assessment-list"),
    path("assessments/new/", staff.assessment_create, name="assessment-create"),
    path("assessments/<uuid:assessment>/", staff.assessment_detail, name="assessment-detail"),
    path("assessments/<uuid:assessment>/links/", staff.link_issue, name="assessment-link-issue"),
    path(
        "assessments/<uuid:assessment>/links/<uuid:link>/revoke/",
        staff.link_revoke,
        name="assessment-link-revoke",
    ),
    path(
        "assessments/<uuid:assessment>/questions/",
        staff.question_add,
        name="assessment-question-add",
    ),
    path(
        "assessments/<uuid:assessment>/questions/<uuid:question>/review/",
        staff.answer_review,
        name="assessment-review",
    ),
    path(
        "assessments/<uuid:assessment>/questions/<uuid:question>/finding/",
        staff.finding_create,
        name="assessment-finding-create",
    ),
    path(
        "assessments/<uuid:assessment>/reopen/", staff.assessment_reopen, name="assessment-reopen"
    ),
    path(
        "assessments/<uuid:assessment>/complete/",
        staff.review_complete,
        name="assessment-complete",
    ),
    path(
        "assessments/<uuid:assessment>/import/<uuid:source>/",
        staff.import_shared,
        name="assessment-import-shared",
    ),
    path(
        "assessments/<uuid:assessment>/report.<str:fmt>",
        staff.assessment_report,
        name="assessment-report",
    ),
    path("findings/", staff.finding_list, name="finding-list"),
    path("findings/<uuid:finding>/", staff.finding_detail, name="finding-detail"),
    path("findings/<uuid:finding>/status/", staff.finding_move, name="finding-move"),
    path(
        "assessments/<uuid:assessment>/questionnaire.xlsx",
        spreadsheet.staff_download,
        name="assessment-xlsx",
    ),
]

portal_patterns = [
    path("", portal.entry, name="portal-entry"),
    path("code/", portal.code_send, name="portal-code-send"),
    path("code/verify/", portal.code_verify, name="portal-code-verify"),
    path("questions/", portal.questionnaire, name="portal-questionnaire"),
    path("questions/<uuid:question>/", portal.answer, name="portal-answer"),
    path("questions/<uuid:question>/evidence/", portal.evidence_add, name="portal-evidence-add"),
    path(
        "questions/<uuid:question>/evidence/<uuid:document>/remove/",
        portal.evidence_remove,
        name="portal-evidence-remove",
    ),
    path("submit/", portal.submit, name="portal-submit"),
    path("findings/<uuid:finding>/", portal.finding_respond, name="portal-finding-respond"),
    path("sharing/", portal.consent, name="portal-consent"),
    path("incident/", portal.incident_report, name="portal-incident"),
    path("questions.xlsx", spreadsheet.portal_download, name="portal-questionnaire-xlsx"),
    path("questions/upload/", spreadsheet.portal_upload, name="portal-questionnaire-upload"),
]
