"""What is missing in an organisation's arrangements with one supplier.

Pure functions over objects already loaded (contracts with their assets, locations and
processor agreement; the organisation's certificates and penetration tests of the supplier), so
the supplier page and any report can show the same gaps without further queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.lib.countries import country_name, is_eu_eea
from tillit.suppliers.models import Certificate, Contract, PenTest, ProcessorAgreement

ENDING_SOON = dt.timedelta(days=90)
# A supplier serving assets at this level or above should be penetration tested every year.
PENTEST_CRITICALITY = 2


class GapKind(StrEnum):
    MISSING_AGREEMENT = "missing_agreement"
    AGREEMENT_POINTS = "agreement_points"
    TRANSFER = "transfer"
    CERTIFICATE = "certificate"
    PENTEST = "pentest"
    CONTRACT_END = "contract_end"


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    message: str
    contract: Contract | None = None


def agreement_of(contract: Contract) -> ProcessorAgreement | None:
    # The reverse one-to-one raises (an AttributeError subclass) when there is none.
    return getattr(contract, "processor_agreement", None)


def holds_personal_data(contract: Contract) -> bool:
    return any(
        asset.current is not None and asset.current.personal_data for asset in contract.assets.all()
    )


def a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _agreement_gaps(contract: Contract) -> list[Gap]:
    agreement = agreement_of(contract)
    if agreement is None:
        if not holds_personal_data(contract):
            return []
        message = _(
            "%(contract)s: the assets hold personal data, but there is no processor agreement "
            "(PUB-avtal)."
        ) % {"contract": contract.service}
        return [Gap(GapKind.MISSING_AGREEMENT, message, contract)]
    if not agreement.gaps:
        return []
    message = _(
        "%(contract)s: the processor agreement does not cover GDPR Art. 28(3) %(points)s."
    ) % {"contract": contract.service, "points": ", ".join(agreement.gaps)}
    return [Gap(GapKind.AGREEMENT_POINTS, message, contract)]


def _transfer_gaps(contract: Contract) -> list[Gap]:
    message = _(
        "%(contract)s: data in %(country)s, outside the EU/EEA, without a transfer mechanism."
    )
    return [
        Gap(
            GapKind.TRANSFER,
            message % {"contract": contract.service, "country": country_name(location.country)},
            contract,
        )
        for location in contract.locations.all()
        if not is_eu_eea(location.country) and not location.transfer_mechanism
    ]


def _end_gaps(contract: Contract, today: dt.date) -> list[Gap]:
    if contract.end is None or not today <= contract.end <= today + ENDING_SOON:
        return []
    days = (contract.end - today).days
    message = ngettext(
        "%(contract)s ends in %(days)s day, on %(date)s.",
        "%(contract)s ends in %(days)s days, on %(date)s.",
        days,
    ) % {"contract": contract.service, "days": days, "date": contract.end.isoformat()}
    return [Gap(GapKind.CONTRACT_END, message, contract)]


def contract_gaps(contract: Contract, today: dt.date) -> list[Gap]:
    return _agreement_gaps(contract) + _transfer_gaps(contract) + _end_gaps(contract, today)


def certificate_gaps(certificates: Sequence[Certificate], today: dt.date) -> list[Gap]:
    expired = [c for c in certificates if c.valid_until < today]
    if not expired or any(c.valid_until >= today for c in certificates):
        return []
    listed = ", ".join(f"{c.get_kind_display()} ({c.valid_until.isoformat()})" for c in expired)
    message = _("No valid certificate: %(certificates)s expired.") % {"certificates": listed}
    return [Gap(GapKind.CERTIFICATE, message)]


def pentest_gaps(pentests: Sequence[PenTest], criticality: int, today: dt.date) -> list[Gap]:
    if criticality < PENTEST_CRITICALITY:
        return []
    since = a_year_before(today)
    if any(p.performed_on >= since for p in pentests):
        return []
    values = {"level": criticality}
    if pentests:
        latest = max(p.performed_on for p in pentests)
        message = _(
            "No penetration test in the last 12 months (the latest was on %(date)s), though the "
            "supplier serves assets at level %(level)s."
        ) % (values | {"date": latest.isoformat()})
    else:
        message = (
            _("No penetration test recorded, though the supplier serves assets at level %(level)s.")
            % values
        )
    return [Gap(GapKind.PENTEST, message)]


def supplier_gaps(
    *,
    contracts: Sequence[Contract],
    certificates: Sequence[Certificate],
    pentests: Sequence[PenTest],
    criticality: int,
    today: dt.date,
) -> list[Gap]:
    gaps = [gap for contract in contracts for gap in contract_gaps(contract, today)]
    return gaps + certificate_gaps(certificates, today) + pentest_gaps(pentests, criticality, today)
