"""An organisation with something to show management: critical systems and their suppliers,
open findings (one overdue), a risk and two months of snapshots."""

from __future__ import annotations

import datetime as dt

from tillit.accounts.models import User
from tillit.assessments.models import Finding
from tillit.organisations.models import Organisation
from tillit.reports.models import Snapshot
from tillit.risks.tests.helpers import make_risk
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
