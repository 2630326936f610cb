"""Reads of catalogues and requirement profiles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.catalogue.derivation import Profile, ProfileItem, derive
from tillit.catalogue.models import Catalogue, CatalogueSource, Reference, Requirement
from tillit.catalogue.references import SCHEMES
from tillit.catalogue.rules import Facts, Reason

BUILTIN_KEY = "tillit-baskrav"


def catalogues() -> QuerySet[Catalogue]:
    return Catalogue.objects.order_by("key", "-imported_at")


def default_catalogue() -> Catalogue | None:
    """The latest version of Tillit's own catalogue, else the latest Tillit-format catalogue."""
    shipped = Catalogue.objects.filter(key=BUILTIN_KEY).order_by("-imported_at").first()
    if shipped is not None:
        return shipped
    own = Catalogue.objects.filter(source=CatalogueSource.TILLIT)
    return own.order_by("-imported_at").first()


def requirements_of(catalogue: Catalogue) -> QuerySet[Requirement]:
    return (
        Requirement.objects.filter(catalogue=catalogue)
        .select_related("area")
        .prefetch_related(Prefetch("references", queryset=Reference.objects.order_by("id")))
        .order_by("area__position", "position")
    )


def search_requirements(
    catalogue: Catalogue, *, text: str = "", scheme: str = "", reference: str = ""
) -> QuerySet[Requirement]:
    found = requirements_of(catalogue)
    if scheme in SCHEMES:
        lookup = Q(references__scheme=scheme)
        if reference:
            lookup &= Q(references__value__iexact=reference)
        found = found.filter(lookup)
    if text:
        # Key transforms compare the texts themselves, not their JSON encoding (which escapes
        # å, ä and ö on SQLite).
        lookup = Q(key__icontains=text)
        for field in ("title", "ska", "motive"):
            for language in ("sv", "en"):
                lookup |= Q(**{f"{field}__{language}__icontains": text})
        found = found.filter(lookup)
    return found.distinct()


@dataclass(frozen=True)
class ProfileEntry:
    requirement: Requirement
    item: ProfileItem

    def text(self, field: str, language: str | None = None) -> str:
        return self.requirement.text(field, self.item.parameters, language)


@dataclass(frozen=True)
class RequirementProfile:
    catalogue: Catalogue
    profile: Profile
    entries: list[ProfileEntry]

    @property
    def ska_count(self) -> int:
        return sum(1 for entry in self.entries if entry.item.obligation == "ska")


def requirement_profile(facts: Facts, catalogue: Catalogue) -> RequirementProfile:
    requirements = list(requirements_of(catalogue))
    profile = derive(facts, (requirement.rule() for requirement in requirements))
    by_key = {requirement.key: requirement for requirement in requirements}
    entries = [ProfileEntry(by_key[item.key], item) for item in profile.items]
    return RequirementProfile(catalogue, profile, entries)


def _reason_phrase(reason: Reason) -> str:
    aspects = {
        "confidentiality": _("confidentiality"),
        "integrity": _("integrity"),
        "availability": _("availability"),
        "traceability": _("traceability"),
        "max_level": _("highest level"),
    }
    flags = {
        "personal_data": _("personal data"),
        "sensitive_data": _("sensitive personal data"),
        "criminal_data": _("criminal offence data"),
        "personnummer": _("personal identity numbers"),
        "children": _("data on children"),
        "protected_identities": _("protected identities"),
        "osl_secrecy": _("secrecy under OSL"),
    }
    if reason.fact in aspects:
        return f"{aspects[reason.fact]} = {reason.value}"
    if reason.fact == "data_subjects":
        count = int(reason.value)
        return ngettext("about %(count)s data subject", "about %(count)s data subjects", count) % {
            "count": f"{count:,}".replace(",", "\u00a0")
        }
    return flags[reason.fact]


def reason_text(reasons: tuple[Reason, ...]) -> str:
    """'konfidentialitet = 3 och känsliga personuppgifter', in the active language."""
    if not reasons:
        return _("every classification")
    phrases = [_reason_phrase(reason) for reason in reasons]
    if len(phrases) == 1:
        return phrases[0]
    return _("%(list)s and %(last)s") % {"list": ", ".join(phrases[:-1]), "last": phrases[-1]}
