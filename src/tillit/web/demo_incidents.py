"""A past demo incident modelled on the Miljödata breach of August 2025: an attack on the HR
supplier that every demo customer uses, with cases handled to different stages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tillit.accounts.models import User
from tillit.incidents import services
from tillit.incidents.models import Incident, ReportedVia
from tillit.suppliers.models import Supplier
from tillit.web.demo_suppliers import CUSTOMERS

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE = "Cyberangrepp mot HR-systemet (exempel)"


def _at(day: int, hour: int, month: int = 8) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, 0, tzinfo=STOCKHOLM)


def load_incidents() -> None:
    if Incident.objects.filter(title=TITLE).exists():
        return
    supplier = Supplier.objects.get(orgnr="556677-8899")
    reporter = User.objects.get(email=CUSTOMERS[0][1])
    incident = services.incident_register(
        acting_user=reporter,
        via=ReportedVia.STAFF,
        supplier=supplier,
        title=TITLE,
        description=(
            "Leverantören utsattes för ett angrepp med utpressningsprogram. Kunddata kopierades "
            "och publicerades senare på en läcksajt."
        ),
        started_at=_at(23, 2),
        discovered_at=_at(24, 9),
        affected_services="Personalsystem och lönesystem som tjänst",
        data_categories=(
            "Namn, adresser, kontaktuppgifter, personnummer, anställningsnummer, sjukfrånvaro, "
            "rehabilitering och arbetsskador"
        ),
        severity="critical",
        sources="Leverantörens meddelande 25 augusti 2025; CERT-SE",
    )
    for number, (slug, email, *_) in enumerate(CUSTOMERS):
        case = incident.cases.get(organisation__slug=slug)
        coordinator = User.objects.get(email=email)
        services.case_set_aware(acting_user=coordinator, case=case, aware_at=_at(25, 10))
        if number == 3:
            continue  # one organisation has not acted yet: its deadlines are overdue
        for step in case.steps.filter(step__in=("notification", "early_warning", "first_report")):
            services.step_done(
                acting_user=coordinator,
                step=step,
                done_at=_at(26 if step.step == "early_warning" else 27, 15),
                reference=f"{step.regime.split('_')[0].upper()}-2025-{1040 + number}",
            )
        services.case_note(
            acting_user=coordinator,
            case=case,
            text="Integrationen mot leverantören stängd. Berörda anställda informeras.",
        )
        if number == 0:
            services.case_close(
                acting_user=coordinator,
                case=case,
                reason="Slutrapport lämnad; det som återstår hanteras i förvaltningen.",
            )
            services.lesson_publish(
                acting_user=coordinator,
                case=case,
                text=(
                    "Vi visste inte vilka av våra uppgifter leverantören hade eller vilka "
                    "underbiträden den använde. Kräv en aktuell förteckning över underbiträden och "
                    "att skyddade personuppgifter hanteras särskilt, och öva incidentrapportering "
                    "tillsammans med leverantören."
                ),
                show_organisation=True,
                no_personal_data=True,
            )
