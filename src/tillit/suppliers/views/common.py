from __future__ import annotations

from uuid import UUID

from django.shortcuts import get_object_or_404

from tillit.organisations.access import OrgAccess
from tillit.suppliers.models import Contract, Supplier
from tillit.suppliers.selectors import contracts_with_details, suppliers_of


def supplier_for(access: OrgAccess, supplier_id: UUID) -> Supplier:
    """One of the organisation's suppliers (with the list's annotations), or 404: a supplier
    the organisation has no relation with does not exist for it."""
    return get_object_or_404(suppliers_of(access.organisation), pk=supplier_id)


def contract_for(access: OrgAccess, contract_id: UUID) -> Contract:
    return access.get(contracts_with_details(access.organisation), pk=contract_id)
