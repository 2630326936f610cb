"""An organisation with something to show management: critical systems and their suppliers,
open findings (one overdue), a risk and two months of snapshots; and, one at a time, a critical
system with all that is shown of it, and a management report made."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tillit.accounts.models import User
from tillit.assessments.models import Finding
from tillit.documents.services import document_store
from tillit.organisations.models import Organisation
from tillit.reports.models import ManagementReport, ReportStatus, Snapshot
from tillit.reports.services import report_request
from tillit.risks.tests.helpers import make_risk
from tillit.suppliers.models import ART_28_POINTS
from tillit.suppliers.services import certificate_add, processor_agreement_set
from tillit.testing import make_assessment, make_asset, make_contract, make_supplier

RISK = "Löneleverantören tappar personuppgifter"
MEASURES = "Kräv loggning och årlig penetrationstest."


def management_data(organisation: Organisation, user: User) -> None:
    payroll = make_asset(
        organisation, "Lönesystem", confidentiality=3, personal_data=True, data_subjects=4000
    )
    pupils = make_asset(organisation, "Elevregister", confidentiality=4, data_subjects=9000)
    make_contract(organisation, make_supplier("HR-Lön AB"), assets=[payroll])
    make_contract(organisation, make_supplier("Skoldata AB"), assets=[pupils, payroll])
    assessment = make_assessment(organisation)
    for severity, deadline in (("high", 2030), ("high", 2030), ("medium", 2030), ("low", 2020)):
        Finding.objects.create(
            organisation=organisation,
            assessment=assessment,
            title="Avvikelse",
            severity=severity,
            required_action="Åtgärda",
            deadline=dt.date(deadline, 1, 1),  # the low one overdue
        )
    make_risk(
        organisation,
        user,
        title=RISK,
        inherent_likelihood=4,
        inherent_consequence=4,
        residual_likelihood=3,
        residual_consequence=4,
        treatment="reduce",
        measures=MEASURES,
        status="treating",
    )
    for month, high, overdue in ((1, 4, 6), (2, 2, 3)):
        Snapshot.objects.create(
            organisation=organisation,
            month=dt.date(2027, month, 1),
            figures={
                "critical_assets": 2,
                "critical_not_assessed": month,
                "findings_open": {"high": high, "medium": 1, "low": 0},
                "overdue": overdue,
                "incidents_12_months": 1,
            },
        )


def critical_system(organisation: Organisation, user: User, name: str) -> None:
    """A critical system with personal data, served by a supplier of its own under a contract
    with a complete processor agreement, the supplier certified: a row of the critical systems
    with everything in it."""
    asset = make_asset(organisation, name, confidentiality=3, personal_data=True, data_subjects=100)
    supplier = make_supplier(f"{name} AB")
    contract = make_contract(organisation, supplier, assets=[asset])
    processor_agreement_set(
        acting_user=user,
        contract=contract,
        signed_on=dt.date(2026, 1, 1),
        covered=set(ART_28_POINTS),
    )
    certificate_add(
        acting_user=user,
        organisation=organisation,
        supplier=supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2199, 1, 1),
    )


def made_report(organisation: Organisation, user: User, reference: str) -> ManagementReport:
    """A management report asked for through the service and made, as the worker leaves it."""
    report = report_request(
        acting_user=user,
        organisation=organisation,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        language="sv",
        reference=reference,
    )
    report.document = document_store(
        acting_user=user,
        organisation=organisation,
        upload=SimpleUploadedFile("ledningsrapport.pdf", b"%PDF-1.7 rapport"),
    )
    report.status = ReportStatus.DONE
    report.save(update_fields=["document", "status"])
    return report
