"""More operations: the overview pages (dashboard, management overview, follow-up plan) and
working the stored plan and the overview out again, the API's list endpoints at page size 50
and 500, creating a questionnaire, and the management report PDF."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import User
from tillit.api.models import TokenScope
from tillit.api.pagination import MAX_LIMIT
from tillit.api.services import api_token_create
from tillit.assessments.models import Assessment
from tillit.assessments.services import assessment_create
from tillit.bench.dataset import EPOCH, Dataset, OrgPlan
from tillit.bench.operation import PAGE_BUDGET, Operation, Outcome, get
from tillit.followup.models import PlanItem, PlanState
from tillit.followup.plan import follow_up_plan
from tillit.followup.store import refresh
from tillit.followup.views import PAGE_SIZE as PLAN_PAGE_SIZE
from tillit.organisations.models import Organisation
from tillit.reports import management_report as report_pdf
from tillit.reports.models import ManagementReport
from tillit.reports.overview import overview
from tillit.suppliers.models import Contract


def _page_ok(marker: str) -> Callable[[HttpResponse], Outcome]:
    """A page's check: HTTP 200 and a marker of its content."""

    def check(response: HttpResponse) -> Outcome:
        content = response.content.decode()
        ok = response.status_code == 200 and marker in content
        rows = content.count("<tr") - content.count("<thead")
        return Outcome(
            ok, f"HTTP {response.status_code}, {rows} table rows, {len(content) / 1024:.0f} KB"
        )

    return check


def overview_pages(ds: Dataset, client: Client) -> list[Operation]:
    def page(key: str, title: str, name: str, marker: str) -> Operation:
        return Operation(
            key=key,
            title=f"{title} ({ds.largest.name})",
            run=get(client, reverse(name, args=[ds.largest.slug])),
            check=_page_ok(marker),
            repeats=20,
            budget=PAGE_BUDGET,
            median=get(client, reverse(name, args=[ds.median.slug])),
        )

    # The pages read the stored plan as it mostly is, current: the daily pass or the first
    # reader after a change of the data brings it up to date (timed as plan_refresh).
    for org in (ds.largest, ds.median):
        refresh(Organisation.objects.get(pk=org.id), timezone.localdate())
    plan = reverse("followup-plan", args=[ds.largest.slug])
    return [
        page("dashboard", "dashboard page", "dashboard", plan),
        page("management", "management overview page", "management", "<caption>"),
        page(
            "followup_plan",
            f"follow-up plan page ({PLAN_PAGE_SIZE} items a page)",
            "followup-plan",
            "<table",
        ),
        _plan_refresh(ds),
        _overview_again(ds),
    ]


def _plan_refresh(ds: Dataset) -> Operation:
    """The worker's work right after a change of the organisation's data (and the daily
    pass's), which a reader who comes before it has done waits for: the plan worked out again
    and compared with the stored rows."""
    organisation = Organisation.objects.get(pk=ds.largest.id)
    stored = PlanItem.objects.filter(organisation=organisation)

    def forget() -> None:
        PlanState.objects.filter(organisation=organisation).delete()

    def check(_result: None) -> Outcome:
        wanted = {item.key for item in follow_up_plan(organisation, timezone.localdate())}
        found = set(stored.values_list("key", flat=True))
        return Outcome(found == wanted, f"{len(found)} items stored (expected {len(wanted)})")

    return Operation(
        key="plan_refresh",
        title=f"follow-up plan worked out again after a change ({ds.largest.name})",
        run=lambda: refresh(organisation, timezone.localdate()),
        check=check,
        repeats=10,
        reset=forget,
    )


def _overview_again(ds: Dataset) -> Operation:
    """What the first reader of the management overview after a change waits for: the key
    figures, the critical systems and the charts worked out again (the plan being current)."""
    organisation = Organisation.objects.get(pk=ds.largest.id)

    def check(found: dict[str, Any]) -> Outcome:
        figures = found["figures"]
        return Outcome(
            len(found["critical"]) == figures.critical_assets > 0,
            f"{figures.critical_assets} critical systems, {len(found['charts'])} charts",
        )

    return Operation(
        key="overview_again",
        title=f"management overview worked out again after a change ({ds.largest.name})",
        run=lambda: overview(organisation, timezone.localdate()),
        check=check,
        repeats=10,
        reset=cache.clear,
    )


def _token(user: User, org: OrgPlan) -> str:
    _token_row, secret = api_token_create(
        acting_user=user,
        organisation=Organisation.objects.get(pk=org.id),
        name="Benchmark",
        scope=TokenScope.READ,
        expires_on=timezone.localdate() + dt.timedelta(days=1),
    )
    return secret


def api_lists(ds: Dataset, user: User) -> list[Operation]:
    """Through the bearer token an integration uses, as the full request it makes."""
    tokens = {org.slug: _token(user, org) for org in (ds.largest, ds.median)}
    client = Client()

    def request(name: str, org: OrgPlan, limit: int) -> Callable[[], Any]:
        url = reverse(name, args=[org.slug])
        header = f"Bearer {tokens[org.slug]}"
        return lambda: client.get(
            url, {"limit": limit}, secure=True, headers={"authorization": header}
        )

    def check(limit: int) -> Callable[[HttpResponse], Outcome]:
        def checked(response: HttpResponse) -> Outcome:
            if response.status_code != 200:
                return Outcome(False, f"HTTP {response.status_code}")
            body = json.loads(response.content)
            shown = len(body["results"])
            ok = shown == min(limit, body["count"])
            return Outcome(
                ok, f"HTTP 200, {shown} of {body['count']}, {len(response.content) / 1024:.0f} KB"
            )

        return checked

    operations = []
    for name, what in (
        ("api-supplier-list", "suppliers"),
        ("api-contract-list", "contracts"),
        ("api-asset-list", "systems"),
    ):
        for limit in (50, MAX_LIMIT):
            operations.append(
                Operation(
                    key=f"api_{what}_{limit}",
                    title=f"API list of {what}, {limit} a page ({ds.largest.name})",
                    run=request(name, ds.largest, limit),
                    check=check(limit),
                    repeats=20,
                    budget=PAGE_BUDGET,
                    median=request(name, ds.median, limit),
                )
            )
    return operations


def questionnaire(ds: Dataset, user: User) -> Operation:
    """assessment_create() over a contract serving the largest organisation's most sensitive
    system: the questionnaire of every requirement its classification calls for."""
    organisation = Organisation.objects.get(pk=ds.largest.id)
    contract = (
        Contract.objects.filter(organisation=organisation, assets=ds.largest.assets[0])
        .order_by("service")
        .first()
    )
    if contract is None:
        raise RuntimeError("no contract serves the largest organisation's first system")
    created: list[Assessment] = []
    questions: list[int] = []  # of each run's questionnaire, counted before reset() removes it

    def run() -> Assessment:
        assessment = assessment_create(
            acting_user=user, organisation=organisation, contracts=[contract], title="Benchmark"
        )
        created.append(assessment)
        return assessment

    def check(_assessment: Assessment) -> Outcome:
        return Outcome(bool(questions) and min(questions) > 0, f"{questions[-1]} questions")

    def reset() -> None:
        questions.extend(assessment.questions.count() for assessment in created)
        Assessment.objects.filter(pk__in=[a.pk for a in created]).delete()
        created.clear()

    return Operation(
        key="questionnaire",
        title=f"questionnaire creation, assessments.services.assessment_create() "
        f"({contract.supplier.name})",
        run=run,
        check=check,
        repeats=10,
        reset=reset,
    )


def management_report(ds: Dataset, user: User) -> Operation:
    """What the worker does for a management report, up to the PDF (storing it encrypted is
    the annex's and every document's cost, timed there)."""
    report = ManagementReport.objects.create(
        organisation_id=ds.largest.id,
        period_start=EPOCH,
        period_end=EPOCH + dt.timedelta(days=364),
        language="sv",
        requested_by=user,
    )

    def check(pdf: bytes) -> Outcome:
        return Outcome(pdf.startswith(b"%PDF"), f"PDF, {len(pdf) / 1024:.0f} KB")

    return Operation(
        key="management_report",
        title=f"management report PDF, reports.management_report.render() ({ds.largest.name})",
        run=lambda: report_pdf.render(report, timezone.localdate()),
        check=check,
        repeats=5,
    )
