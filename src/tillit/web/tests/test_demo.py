from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from tillit.accounts.models import User
from tillit.assessments.models import Assessment, AssessmentStatus, FindingStatus
from tillit.assessments.selectors import result, shared_with
from tillit.audit.chain import verify_chain
from tillit.classification.models import Asset
from tillit.incidents.models import Incident, Lesson
from tillit.incidents.services import overdue_steps
from tillit.organisations.models import Membership, Organisation, OrganisationKind
from tillit.organisations.roles import Role
from tillit.procurement.models import Procurement
from tillit.procurement.selectors import annex_content, procurement_profile
from tillit.reports.figures import key_figures, trend
from tillit.reports.models import Snapshot
from tillit.suppliers.models import Contract, Supplier
from tillit.suppliers.selectors import flatten, subprocessor_tree
from tillit.web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), User.objects.count(), Membership.objects.count()


def test_demo_is_idempotent_and_covers_every_type_and_role(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)
    assert User.objects.filter(is_superuser=True).count() == 1
    user = User.objects.get(email="admin@exempelstad.test")
    assert user.check_password(DEMO_PASSWORD)
    assert "admin@exempelstad.test" in capsys.readouterr().out
    assert verify_chain().ok


def test_demo_has_classified_assets_and_a_procurement() -> None:
    call_command("demo")
    hr = Asset.objects.get(organisation__slug="exempelstad", name="Personalsystem (HR och lön)")
    assert hr.current is not None
    assert hr.current.sensitive_data
    assert hr.current.personnummer
    assert hr.current.protected_identities == "skyddad_folkbokforing"
    assert hr.current.confidentiality == 3
    assert Asset.objects.get(name="Plan för civilt försvar").current.security_protection  # type: ignore[union-attr]
    procurement = Procurement.objects.get(reference="KS 2026/0412")
    assert list(procurement.assets.all()) == [hr]
    assert procurement_profile(procurement).ready
    assert len(annex_content(procurement, "sv").requirements) >= 30


def test_demo_has_a_supplier_like_miljodata() -> None:
    call_command("demo")
    supplier = Supplier.objects.get(orgnr="556677-8899")
    customers = Contract.objects.filter(supplier=supplier).values_list(
        "organisation__slug", flat=True
    )
    assert len(set(customers)) == 4
    (hosting,) = [node.link.subprocessor for node in subprocessor_tree(supplier)]
    chain = flatten(subprocessor_tree(supplier))
    assert [node.link.subprocessor.country for node in chain] == ["SE", "US"]
    assert hosting.name == "Norrdrift Hosting AB"
    protected = Asset.objects.filter(
        contracts__supplier=supplier, current__protected_identities__in=["fingerade"]
    )
    assert protected.exists()
    call_command("demo")
    assert Contract.objects.filter(supplier=supplier).count() == 4


def test_demo_reset_starts_over_and_keeps_other_data() -> None:
    from tillit.testing import make_organisation

    mine = make_organisation("Riktig kommun")
    call_command("demo")
    Organisation.objects.filter(slug="exempelverket").update(name="Ändrat")
    call_command("demo", "--reset")
    assert Organisation.objects.get(slug="exempelverket").name == "Exempelverket"
    assert Organisation.objects.filter(pk=mine.pk).exists()


def test_demo_has_assessments_in_every_state(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    assessments = Assessment.objects.filter(supplier__orgnr="556677-8899")
    assert set(assessments.values_list("status", flat=True)) == set(AssessmentStatus)
    completed = assessments.get(status=AssessmentStatus.COMPLETED)
    statuses = set(completed.findings.values_list("status", flat=True))
    assert {FindingStatus.OPEN, FindingStatus.REMEDIATED} <= statuses
    assert result(completed).verdict is not None
    sent = assessments.get(status=AssessmentStatus.SENT)
    assert 0 < sent.questions.exclude(answer="").count() < sent.questions.count()
    # Shared with consent, so the draft's organisation can reuse the answers.
    draft = assessments.get(status=AssessmentStatus.DRAFT)
    assert list(shared_with(draft.organisation, draft.supplier)) == [completed]
    assert "/portal/" in capsys.readouterr().out
    call_command("demo")
    assert Assessment.objects.filter(supplier__orgnr="556677-8899").count() == 4
    assert verify_chain().ok


def test_demo_has_a_past_incident_like_miljodata() -> None:
    call_command("demo")
    incident = Incident.objects.get(supplier__orgnr="556677-8899")
    cases = {case.organisation.slug: case for case in incident.cases.all()}
    assert set(cases) == {"exempelstad", "region-exempel", "exempelverket", "exempelstad-energi"}
    assert cases["exempelstad"].status == "closed"
    assert Lesson.objects.filter(case=cases["exempelstad"]).exists()
    # One organisation has not acted: its deadlines are overdue.
    assert overdue_steps(cases["exempelstad-energi"], timezone.now())
    assert cases["region-exempel"].steps.filter(done_at__isnull=False).exists()
    call_command("demo")
    assert Incident.objects.count() == 1
    call_command("demo", "--reset")
    assert Incident.objects.count() == 1


def test_demo_has_risks_with_every_treatment_and_an_escalated_acceptance() -> None:
    from tillit.audit.models import AuditEvent
    from tillit.risks.models import Risk, RiskStatus, Treatment
    from tillit.risks.selectors import heatmap

    call_command("demo")
    organisation = Organisation.objects.get(slug="exempelstad")
    risks = Risk.objects.filter(organisation=organisation)
    assert set(risks.values_list("treatment", flat=True)) == set(Treatment)
    assert risks.filter(finding__isnull=False, supplier__orgnr="556677-8899").exists()
    assert risks.filter(case__isnull=False).exists()
    escalated = AuditEvent.objects.get(action="risk.accept", changes__above_appetite=[None, True])
    accepted = risks.get(pk=escalated.object_id)
    assert accepted.status == RiskStatus.ACCEPTED
    assert accepted.accepted_by == User.objects.get(email="ledning@exempelstad.test")
    assert accepted.acceptance_reason
    assert heatmap(organisation).total == risks.exclude(status=RiskStatus.CLOSED).count()
    count = risks.count()
    call_command("demo")
    assert Risk.objects.filter(organisation=organisation).count() == count
    assert verify_chain().ok


def test_demo_has_six_months_of_figures_for_the_trends() -> None:
    call_command("demo")
    call_command("demo")
    exempelstad = Organisation.objects.get(slug="exempelstad")
    history = trend(exempelstad)
    assert len(history) == 6
    this_month = timezone.localdate().replace(day=1)
    assert history[-1].month < this_month
    assert history[0].month.year * 12 + history[0].month.month == (
        this_month.year * 12 + this_month.month - 6
    )
    now, _critical = key_figures(exempelstad, timezone.localdate())
    high = [snapshot.figures["findings_open"]["high"] for snapshot in history]
    assert high == sorted(high, reverse=True)
    assert high[-1] == now.findings_open["high"] + 1
    assert Snapshot.objects.count() == 6
