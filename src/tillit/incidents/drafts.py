"""Draft notifications filled from a case, in Swedish (the language of the forms they feed): the
personal data breach report to IMY (GDPR Art. 33(3)) and the early warning to CERT-SE
(cybersäkerhetslagen / NIS2 Art. 23(4)(a)). Drafts: a person checks, completes and sends them.

Each draft is a list of sections (heading, text), rendered as text to paste or as PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from tillit.incidents.models import Case
from tillit.incidents.selectors import recipients

FILL_IN = "[Fyll i]"
PERSONAL_DATA = {
    "none": "inga personuppgifter",
    "ordinary": "personuppgifter",
    "sensitive": "känsliga personuppgifter (art. 9)",
    "criminal": "uppgifter om lagöverträdelser (art. 10)",
}


@dataclass(frozen=True)
class Draft:
    title: str
    sections: list[tuple[str, str]]


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else FILL_IN


def _contact(case: Case) -> str:
    people = recipients(case.organisation)
    lines = [f"{p.name or p.email}, {p.email}" for p in people]
    if case.organisation.security_email:
        lines.append(case.organisation.security_email)
    return "\n".join(lines) or FILL_IN


def _systems(case: Case) -> list[dict[str, object]]:
    return list(case.impact.get("systems", []))


def _categories(case: Case) -> str:
    systems = _systems(case)
    kinds = sorted({PERSONAL_DATA[str(s["personal_data"])] for s in systems})
    extra = []
    if any(s["personnummer"] for s in systems):
        extra.append("personnummer")
    if any(s["protected_identities"] != "none" for s in systems):
        extra.append("uppgifter om personer med skyddade personuppgifter")
    listed = ", ".join(kinds + extra) or "okänt"
    reported = case.incident.data_categories.strip()
    return f"{listed}." + (f"\nEnligt leverantören: {reported}" if reported else "")


def _consequences(case: Case) -> str:
    systems = _systems(case)
    lines = [
        "Obehöriga kan ha tagit del av uppgifterna, vilket kan leda till bedrägerier, "
        "identitetsintrång och förlorad kontroll över de egna uppgifterna."
    ]
    if any(s["personal_data"] in ("sensitive", "criminal") for s in systems):
        lines.append(
            "Känsliga uppgifter (t.ex. om hälsa) kan leda till diskriminering, skada på "
            "anseendet eller andra betydande ekonomiska eller sociala nackdelar."
        )
    if any(s["protected_identities"] != "none" for s in systems):
        lines.append(
            "Bland de registrerade finns personer med skyddade personuppgifter: en röjd adress "
            "kan innebära fara för liv och hälsa. Kontakta berörda skyndsamt."
        )
    return "\n".join(lines)


def imy_report(case: Case) -> Draft:
    incident, organisation = case.incident, case.organisation
    subjects = case.impact.get("data_subjects", 0)
    journal = "\n".join(
        f"{timezone.localtime(e.created_at):%Y-%m-%d %H:%M} {e.text}" for e in case.entries.all()
    )
    return Draft(
        title=f"Anmälan av personuppgiftsincident – {organisation.name}",
        sections=[
            (
                "Personuppgiftsansvarig",
                f"{organisation.name} ({organisation.orgnr})",
            ),
            ("Kontaktpunkt", _contact(case)),
            (
                "Tidpunkter",
                f"Incidenten inträffade: {_when(incident.started_at)}\n"
                f"Upptäcktes hos leverantören: {_when(incident.discovered_at)}\n"
                f"Vi fick kännedom: {_when(case.aware_at)}",
            ),
            (
                "Vad har hänt (incidentens art)",
                f"Incident hos vårt personuppgiftsbiträde {incident.supplier.name} "
                f"({incident.supplier.identifier}). Kedja: {' → '.join(case.path)}.\n"
                f"{incident.description}",
            ),
            (
                "Kategorier av och ungefärligt antal registrerade",
                f"Omkring {subjects} registrerade i systemen "
                + ", ".join(str(s["name"]) for s in _systems(case))
                + ".",
            ),
            (
                "Kategorier av och ungefärligt antal personuppgiftsposter",
                _categories(case) + f"\nAntal poster: {FILL_IN}",
            ),
            ("Sannolika konsekvenser", _consequences(case)),
            (
                "Åtgärder som vidtagits eller planeras",
                (journal + "\n" if journal else "") + FILL_IN,
            ),
            (
                "Information till de registrerade (art. 34)",
                f"{FILL_IN} Har de registrerade informerats, eller varför inte?",
            ),
        ],
    )


def certse_early_warning(case: Case) -> Draft:
    incident, organisation = case.incident, case.organisation
    return Draft(
        title=f"Tidig varning om betydande incident – {organisation.name}",
        sections=[
            (
                "Verksamhetsutövare",
                f"{organisation.name} ({organisation.orgnr}), "
                f"{organisation.get_kind_display().lower()}, "
                f"{organisation.get_nis2_display().lower()}",
            ),
            ("Kontaktpunkt", _contact(case)),
            (
                "Tidpunkter",
                f"Incidenten inträffade: {_when(incident.started_at)}\n"
                f"Vi fick kännedom: {_when(case.aware_at)}",
            ),
            (
                "Beskrivning",
                f"Incident hos leverantören {incident.supplier.name} "
                f"({incident.supplier.identifier}), kedja: {' → '.join(case.path)}.\n"
                f"{incident.description}\n"
                f"Berörda tjänster: {incident.affected_services or FILL_IN}",
            ),
            (
                "Misstänks incidenten vara orsakad av olagliga eller avsiktligt skadliga "
                "handlingar?",
                FILL_IN,
            ),
            ("Kan incidenten få gränsöverskridande konsekvenser?", FILL_IN),
        ],
    )


DRAFTS = {"imy": imy_report, "certse": certse_early_warning}


def as_text(draft: Draft) -> str:
    return render_to_string("incidents/drafts/draft.txt", {"draft": draft})


def as_pdf(draft: Draft) -> bytes:
    from tillit.lib.pdf import html_to_pdf

    return html_to_pdf(render_to_string("incidents/drafts/draft.html", {"draft": draft}))
