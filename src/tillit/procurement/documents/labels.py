"""The words of the procurement documents, one dictionary per language.

DOCX, PDF and XLSX take their labels from here so the formats say the same thing. Swedish when
the document's language is "sv", English otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from tillit.procurement.content import AssetBasis

_SV: dict[str, str] = {
    # Annex: cover
    "annex_title": "Säkerhetsbilaga",
    "procurement": "Upphandling",
    "reference": "Diarienummer",
    "procedure": "Förfarande",
    "organisation": "Organisation",
    "officer": "Upphandlare",
    "catalogue": "Kravkatalog",
    "date": "Datum",
    # Annex: basis and proportionality
    "basis_heading": "Grund för kraven",
    "basis_intro": "Kraven i denna bilaga följer av informationsklassningen av dessa "
    "informationsmängder:",
    "asset": "Informationsmängd",
    "classification": "Klassning",
    "version": "version",
    "levels": "Nivåer (K R T S)",
    "personal_data": "Personuppgifter",
    "data_subjects": "Antal registrerade",
    "proportionality": "Kraven följer av klassningen och är proportionerliga: de är lämpliga "
    "och nödvändiga för att skydda informationen och står i proportion till vad som ska "
    "upphandlas (4 kap. 1 § LOU).",
    "self_contained": "Standarder som refereras anges med nummer och med tillägget "
    "”eller likvärdigt”. Bilagan är fristående: ingen avgiftsbelagd standard behövs för att "
    "förstå eller uppfylla kraven.",
    # Annex: requirements
    "requirements_heading": "Krav",
    "mandatory": "Ska-krav",
    "desirable": "Bör-krav",
    "motive": "Motivering",
    "verification": "Verifikat",
    "references": "Referenser",
    "applies_because": "Gäller eftersom",
    "downgrade": "Bör-krav i stället för ska-krav eftersom",
    # Annex: response table
    "response_heading": "Svarsformulär",
    "response_intro": "Anbudsgivaren anger för varje krav om det uppfylls och hänvisar till "
    "det underlag i anbudet som visar det.",
    "col_id": "ID",
    "col_requirement": "Krav",
    "col_obligation": "Ska/Bör",
    "col_met": "Uppfylls (Ja/Nej)",
    "col_evidence": "Hänvisning till bilaga",
    "ska": "Ska",
    "bor": "Bör",
    # Annex: dropped requirements
    "dropped_heading": "Krav som inte ställs",
    "dropped_intro": "Dessa krav följer av klassningen men ställs inte i denna upphandling, "
    "med angiven motivering:",
    # Evaluation
    "evaluation_title": "Utvärdering av säkerhetskrav",
    "evaluation_intro": "Ett anbud förkastas om något ska-krav inte uppfylls eller inte "
    "besvaras. Varje uppfyllt bör-krav ger en poäng.",
    "summary_heading": "Sammanställning",
    "answers_heading": "Svar per krav",
    "tenderer": "Anbudsgivare",
    "rejected": "Förkastas",
    "failed_mandatory": "Ej uppfyllda ska-krav",
    "points": "Poäng",
    "max_points": "Max poäng",
    "summary_sheet": "Sammanställning",
    "answers_sheet": "Svar",
    "yes": "Ja",
    "no": "Nej",
    "unanswered": "–",
    # Page furniture
    "page": "Sida",
    "of": "av",
}

_EN: dict[str, str] = {
    "annex_title": "Security annex",
    "procurement": "Procurement",
    "reference": "Reference number",
    "procedure": "Procedure",
    "organisation": "Organisation",
    "officer": "Procurement officer",
    "catalogue": "Requirement catalogue",
    "date": "Date",
    "basis_heading": "Basis of the requirements",
    "basis_intro": "The requirements in this annex follow from the information classification "
    "of these information assets:",
    "asset": "Information asset",
    "classification": "Classification",
    "version": "version",
    "levels": "Levels (confidentiality, integrity, availability, traceability)",
    "personal_data": "Personal data",
    "data_subjects": "Data subjects",
    "proportionality": "The requirements follow from the classification and are "
    "proportionate: they are suitable and necessary to protect the information and in "
    "proportion to what is procured (LOU chapter 4 section 1).",
    "self_contained": "Referenced standards are cited by number followed by “or equivalent”. "
    "The annex is self-contained: no paid standard is needed to understand or meet the "
    "requirements.",
    "requirements_heading": "Requirements",
    "mandatory": "Mandatory",
    "desirable": "Desirable",
    "motive": "Motive",
    "verification": "Verification",
    "references": "References",
    "applies_because": "Applies because",
    "downgrade": "Desirable rather than mandatory because",
    "response_heading": "Response form",
    "response_intro": "For each requirement, the tenderer states whether it is met and refers "
    "to the evidence in the tender that shows it.",
    "col_id": "ID",
    "col_requirement": "Requirement",
    "col_obligation": "Type",
    "col_met": "Met (Yes/No)",
    "col_evidence": "Reference to evidence",
    "ska": "Mandatory",
    "bor": "Desirable",
    "dropped_heading": "Requirements not included",
    "dropped_intro": "These requirements follow from the classification but are not included "
    "in this procurement, for the reasons given:",
    "evaluation_title": "Evaluation of security requirements",
    "evaluation_intro": "A tender is rejected if any mandatory requirement is not met or not "
    "answered. Each desirable requirement met scores one point.",
    "summary_heading": "Summary",
    "answers_heading": "Answers per requirement",
    "tenderer": "Tenderer",
    "rejected": "Rejected",
    "failed_mandatory": "Mandatory requirements not met",
    "points": "Points",
    "max_points": "Maximum points",
    "summary_sheet": "Summary",
    "answers_sheet": "Answers",
    "yes": "Yes",
    "no": "No",
    "unanswered": "–",
    "page": "Page",
    "of": "of",
}

LABELS: dict[str, dict[str, str]] = {"sv": _SV, "en": _EN}


def labels_for(language: str) -> Mapping[str, str]:
    return LABELS["sv"] if language == "sv" else LABELS["en"]


def label(language: str, key: str) -> str:
    return labels_for(language)[key]


def yes_no(language: str, value: bool | None) -> str:
    """Ja / Nej, or a dash when not answered."""
    if value is None:
        return label(language, "unanswered")
    return label(language, "yes" if value else "no")


def number(language: str, value: int) -> str:
    """20 000 in Swedish (non-breaking space), 20,000 in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if language == "sv" else grouped


def locale_code(language: str) -> str:
    """The language tag for document metadata and Word's proofing language."""
    return "sv-SE" if language == "sv" else "en-GB"


def basis_cells(language: str, basis: AssetBasis) -> tuple[str, str, str, str, str]:
    """One row of the basis table: asset, classification, levels, personal data, subjects."""
    classified = f"{label(language, 'version')} {basis.version}, {basis.classified_on.isoformat()}"
    subjects = number(language, basis.data_subjects)
    return (basis.name, classified, basis.levels, basis.personal_data, subjects)


BASIS_COLUMNS = ("asset", "classification", "levels", "personal_data", "data_subjects")
