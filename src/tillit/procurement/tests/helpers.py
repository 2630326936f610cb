from __future__ import annotations

from tillit.conftest import Personas
from tillit.procurement.models import Procurement
from tillit.procurement.services import procurement_create
from tillit.testing import make_asset, make_catalogue


def hr_procurement(personas: Personas) -> Procurement:
    """Organisation A's procurement of an HR system (confidentiality 3, personal data)."""
    return procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="Nytt HR-system",
        reference="KS 2026/7",
        procedure="oppet",
        officer=personas.admin_a,
        catalogue=make_catalogue(),
        assets=[make_asset(personas.org_a, "HR", confidentiality=3, personal_data=True)],
    )


def unclassified_procurement(personas: Personas) -> Procurement:
    """Organisation A's procurement of a system not yet classified: no annex can be made."""
    return procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="Ekonomisystem",
        reference="KS 2026/9",
        procedure="oppet",
        officer=None,
        catalogue=make_catalogue(),
        assets=[make_asset(personas.org_a, "Ekonomi")],
    )
