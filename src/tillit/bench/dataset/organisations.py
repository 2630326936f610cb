"""Stages: the built-in catalogue; organisations of every kind with skewed sizes (one much
larger than the rest); suppliers in five tiers whose sub-processor links run downwards, so
chains are up to four links deep and a few cloud providers sit under most of them."""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

from tillit.bench.dataset.plan import Dataset, OrgPlan, Stage, SupplierPlan, orgnr, zipf_weights
from tillit.catalogue.services import catalogue_import_builtin
from tillit.organisations.models import Nis2Category, Organisation, OrganisationKind
from tillit.suppliers.models import SubProcessor, Supplier

# Each tier's share of the suppliers, from the application vendors organisations contract
# (tier 0) down to the cloud providers (tier 4); tier 0 takes what is left.
TIER_SHARES = (0.0, 0.11, 0.04, 0.009, 0.001)
TIER_NAMES = ("Systemleverantör", "Plattform", "Drift", "Datacenter", "Moln")
# How a link's source tier is drawn once the backbone is in place: mostly the application
# vendors, which list their sub-processors; deeper tiers get about one more link each, so a
# vendor's tree holds some 30 sub-processors over four levels.
SOURCE_TIERS = (0.9, 0.07, 0.025, 0.005)
SERVICES = ("Drift", "Lagring", "Säkerhetskopiering", "Support", "E-post", "Identitet")


def _catalogue(ds: Dataset) -> None:
    catalogue_import_builtin()


def _organisations(ds: Dataset) -> None:
    scale, rng = ds.scale, ds.rng
    kinds = (
        [(OrganisationKind.MUNICIPALITY, "kommun", "Kommun", "2120", 1.0)] * scale.municipalities
        + [(OrganisationKind.REGION, "region", "Region", "2321", 5.0)] * scale.regions
        + [(OrganisationKind.AGENCY, "myndighet", "Myndighet", "2021", 1.5)] * scale.agencies
        + [(OrganisationKind.MUNICIPAL_COMPANY, "bolag", "Kommunalt bolag", "5569", 0.3)]
        * scale.companies
    )
    numbers: Counter[str] = Counter()
    for index, (kind, slug, name, prefix, factor) in enumerate(kinds):
        numbers[kind] += 1
        number = numbers[kind]
        ds.organisations.append(
            OrgPlan(
                index=index,
                id=ds.uuid(),
                orgnr=orgnr(prefix, number),
                slug=f"{slug}-{number:03d}",
                name=f"{name} {number:03d}",
                kind=kind,
                weight=rng.lognormvariate(0, 1) * factor,
            )
        )
    # The first municipality is the largest organisation by a margin (a Stockholm): at least
    # 3 % of everything and a fifth more than the next.
    others = [org.weight for org in ds.organisations[1:]]
    ds.largest.weight = max(1.2 * max(others), 0.03 / 0.97 * sum(others))
    by_size = sorted(ds.organisations[1:], key=lambda org: org.weight)
    ds.median_index = by_size[len(by_size) // 2].index
    nis2 = {
        OrganisationKind.MUNICIPALITY: [Nis2Category.ESSENTIAL],
        OrganisationKind.REGION: [Nis2Category.ESSENTIAL],
        OrganisationKind.AGENCY: list(Nis2Category),
        OrganisationKind.MUNICIPAL_COMPANY: [Nis2Category.IMPORTANT, Nis2Category.NOT_COVERED],
    }
    ds.write(
        Organisation,
        (
            {
                "id": org.id,
                "slug": org.slug,
                "name": org.name,
                "orgnr": org.orgnr,
                "kind": org.kind,
                "nis2": rng.choice(nis2[OrganisationKind(org.kind)]),
                "security_email": f"security@{org.slug}.invalid",
            }
            for org in ds.organisations
        ),
    )


def _suppliers(ds: Dataset) -> None:
    count, rng = ds.scale.suppliers, ds.rng
    sizes = [max(1, round(count * share)) for share in TIER_SHARES]
    sizes[0] = count - sum(sizes[1:])
    start = 0
    for size in sizes:
        ds.tiers.append(list(range(start, start + size)))
        start += size
    for tier, members in enumerate(ds.tiers):
        for position, index in enumerate(members):
            # Cloud providers are foreign, half the data centres too; the rest Swedish.
            foreign = tier == 4 or (tier == 3 and position % 2 == 1)
            country = rng.choice(("US", "IE")) if tier == 4 else "DE" if foreign else "SE"
            ds.suppliers.append(
                SupplierPlan(
                    index=index,
                    id=ds.uuid(),
                    name=f"{TIER_NAMES[tier]} {position + 1:05d} AB",
                    tier=tier,
                    country=country,
                    orgnr=None if foreign else orgnr("556", index),
                    registration_number=f"REG{index:07d}" if foreign else None,
                )
            )
    ds.suppliers[0].name = "Storleverantören HR AB"
    ds.widest_supplier.name = "Molnet Inc."
    ds.write(
        Supplier,
        (
            {
                "id": s.id,
                "name": s.name,
                "country": s.country,
                "orgnr": s.orgnr,
                "registration_number": s.registration_number,
            }
            for s in ds.suppliers
        ),
    )


def _subprocessors(ds: Dataset) -> None:
    """Links run from a tier to a deeper one: every supplier of tiers 1–3 uses one of the next
    tier (so chains reach four links), the rest are drawn with popular targets (Zipf)."""
    rng, tiers = ds.rng, ds.tiers
    cum = [list(accumulate(zipf_weights(len(members), 1.2))) for members in tiers]

    def pick(tier: int) -> int:
        return rng.choices(tiers[tier], cum_weights=cum[tier])[0]

    links: dict[tuple[int, int], None] = {}
    for tier in (1, 2, 3):
        for source in tiers[tier]:
            links.setdefault((source, pick(tier + 1)))
    big = ds.big_supplier.index
    links.setdefault((big, pick(1)))
    for source in rng.sample(tiers[0][1:], ds.scale.big_supplier_users):
        links.setdefault((source, big))
    target = ds.scale.subprocessor_links
    attempts = 0
    while len(links) < target and attempts < 20 * target:
        attempts += 1
        tier = rng.choices(range(4), weights=SOURCE_TIERS)[0]
        deeper = tier + 1 if tier == 3 or rng.random() < 0.8 else tier + 2
        links.setdefault((rng.choice(tiers[tier]), pick(deeper)))
    ds.write(
        SubProcessor,
        (
            {
                "supplier_id": ds.suppliers[source].id,
                "subprocessor_id": ds.suppliers[used].id,
                "service": rng.choice(SERVICES),
                "country": ds.suppliers[used].country,
            }
            for source, used in links
        ),
    )


STAGES: list[tuple[str, Stage]] = [
    ("catalogue", _catalogue),
    ("organisations", _organisations),
    ("suppliers", _suppliers),
    ("sub-processors", _subprocessors),
]
