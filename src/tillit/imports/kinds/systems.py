"""Systems (information assets): upsert the asset by organisation and name, and add a
classification version when the levels or the personal data differ from the current one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.catalogue.rules import ASPECTS, Facts
from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.classification.questions import floors
from tillit.classification.services import MAX_DATA_SUBJECTS, REVIEW_INTERVAL_MONTHS, add_months
from tillit.imports import bulk
from tillit.imports.kinds.base import Action, Importer, Record, Row, chunked
from tillit.organisations.models import Organisation

# personal_data: (personal data, sensitive (GDPR Art. 9), criminal offences (Art. 10)).
PERSONAL_DATA = {
    "none": (False, False, False),
    "ordinary": (True, False, False),
    "sensitive": (True, True, False),
    "criminal": (True, False, True),
}
YES_NO = {"yes": True, "no": False}
STRONGER_PROTECTION = frozenset(
    {ProtectedIdentities.PROTECTED_REGISTRATION, ProtectedIdentities.FICTITIOUS_IDENTITY}
)


@dataclass(kw_only=True)
class SystemRecord(Record):
    organisation: Organisation
    name: str
    existing: Asset | None
    classification: dict[str, Any]


class SystemImporter(Importer[SystemRecord]):
    key = "systems"
    label = gettext_lazy("Systems (information assets)")
    columns = (
        "organisation_orgnr",
        "name",
        *ASPECTS,
        "personal_data",
        "protected_identities",
        "data_subjects",
    )

    @classmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        return {
            "organisation_orgnr": organisation.orgnr if organisation else "212000-0142",
            "name": "Personalsystem",
            "confidentiality": "3",
            "integrity": "2",
            "availability": "2",
            "traceability": "2",
            "personal_data": "sensitive",
            "protected_identities": "yes",
            "data_subjects": "4800",
        }

    def load(self, rows: list[Row]) -> None:
        self.load_organisations(rows, "organisation_orgnr")
        keys = set()
        for row in rows:
            organisation = self.known_organisation(row, "organisation_orgnr")
            if organisation is not None:
                keys.add((organisation.pk, row["name"]))
        # Only the systems the file names are read, not every system of its organisations.
        found = bulk.matching(Asset, ("organisation", "name"), keys, ("id",))
        self._assets: dict[tuple[UUID, str], Asset] = {}
        self._versions: dict[UUID, int] = {}
        for chunk in chunked([bulk.as_uuid(asset_id) for (asset_id,) in found]):
            for asset in Asset.objects.filter(pk__in=chunk).select_related("current"):
                self._assets[asset.organisation_id, asset.name] = asset
            latest = (
                Classification.objects.filter(asset__in=chunk)
                .order_by()
                .values("asset_id")
                .annotate(latest=Max("version"))
                .values_list("asset_id", "latest")
            )
            self._versions.update(latest)

    def validate(self, row: Row) -> SystemRecord | None:
        organisation = self.organisation_of(row, "organisation_orgnr")
        name = row.text("name")
        levels = {aspect: row.level(aspect) for aspect in ASPECTS}
        personal = row.choice("personal_data", PERSONAL_DATA)
        protected = row.choice("protected_identities", YES_NO)
        subjects = row.integer("data_subjects", required=False, most=MAX_DATA_SUBJECTS) or 0
        if organisation is not None and name:
            self.claim(row, (organisation.pk, name), "name")
        if personal is not None and not personal[0]:
            _check_no_personal_details(row, protected=bool(protected), subjects=subjects)
        if row.failed or organisation is None or personal is None or protected is None:
            return None
        existing = self._assets.get((organisation.pk, name))
        current = existing.current if existing else None
        chosen = {aspect: level for aspect, level in levels.items() if level is not None}
        classification = _classification(chosen, personal, protected, subjects, current)
        _check_floors(row, classification)
        if row.failed:
            return None
        if existing is None:
            action = Action.CREATE
        elif current is not None and all(
            getattr(current, field) == value for field, value in classification.items()
        ):
            action = Action.UNCHANGED
        else:
            action = Action.UPDATE
        return SystemRecord(
            row=row.number,
            action=action,
            organisation=organisation,
            name=name,
            existing=existing,
            classification=classification,
        )

    def apply(self, records: list[SystemRecord]) -> models.Model | None:
        now = timezone.now()
        review_due = add_months(timezone.localdate(now), REVIEW_INTERVAL_MONTHS)
        assets, classifications, current = [], [], []
        for record in records:
            if record.action == Action.UNCHANGED:
                continue
            if record.existing is None:
                asset_id = uuid.uuid4()
                assets.append(
                    {"id": asset_id, "organisation_id": record.organisation.pk, "name": record.name}
                )
            else:
                asset_id = record.existing.pk
            classification_id = uuid.uuid4()
            values = record.classification
            classifications.append(
                {
                    "id": classification_id,
                    "asset_id": asset_id,
                    "version": self._versions.get(asset_id, 0) + 1,
                    "answers": {aspect: values[aspect] for aspect in ASPECTS},
                    "overrides": {},
                    "classified_by_id": self.acting_user.pk if self.acting_user else None,
                    "classified_at": now,
                    "review_due": review_due,
                    **values,
                }
            )
            current.append({"pk": asset_id, "current": classification_id})
        bulk.insert(Asset, assets)
        bulk.insert(Classification, classifications)
        bulk.update(Asset, current, ["current"])
        return Asset(pk=current[0]["pk"]) if current else None


def _check_no_personal_details(row: Row, *, protected: bool, subjects: int) -> None:
    message = _("This is personal data: set personal_data to ordinary, sensitive or criminal.")
    if protected:
        row.error("protected_identities", message, "personal_data_needed")
    if subjects:
        row.error("data_subjects", message, "personal_data_needed")


def _classification(
    levels: dict[str, int],
    personal: tuple[bool, bool, bool],
    protected: bool,
    subjects: int,
    current: Classification | None,
) -> dict[str, Any]:
    """The fields of the classification the row asks for. What the file does not speak of
    (personal identity numbers, children, secrecy under OSL) is kept from the current version."""
    personal_data, sensitive, criminal = personal
    if not protected:
        identities = ProtectedIdentities.NONE
    elif current is not None and current.protected_identities in STRONGER_PROTECTION:
        identities = ProtectedIdentities(current.protected_identities)
    else:
        identities = ProtectedIdentities.SECRECY_MARKING
    return {
        **levels,
        "personal_data": personal_data,
        "sensitive_data": sensitive,
        "criminal_data": criminal,
        "personnummer": personal_data and current is not None and current.personnummer,
        "children": personal_data and current is not None and current.children,
        "protected_identities": identities.value,
        "data_subjects": subjects,
        "osl_secrecy": current is not None and current.osl_secrecy,
        "osl_reference": current.osl_reference if current is not None else "",
    }


def _check_floors(row: Row, values: dict[str, Any]) -> None:
    """The levels the personal data calls for, as in the guided classification: an import has no
    column for the reason a level may be set lower, so a lower level is an error."""
    facts = Facts(
        **{key: value for key, value in values.items() if key != "osl_reference"}
        | {"protected_identities": values["protected_identities"] != ProtectedIdentities.NONE}
    )
    for floor in floors(facts):
        if values[floor.aspect] < floor.level:
            row.error(
                floor.aspect,
                _("At least %(level)s: %(reason)s")
                % {"level": floor.level, "reason": floor.reason},
                "below_floor",
            )
