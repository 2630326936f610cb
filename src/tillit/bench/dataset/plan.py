"""What the stages have built, for the later stages and the operations to pick from (which
organisation has which systems, suppliers and contracts), and the helpers the stages share."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from django.db import models

from tillit.bench.scales import Scale
from tillit.imports import bulk
from tillit.lib.orgnr import luhn_check_digit

T = TypeVar("T")
BATCH = 10_000
# Dates are fixed, not today's, so the same seed gives the same data on any day.
EPOCH = dt.date(2026, 1, 1)


@dataclass
class OrgPlan:
    index: int
    id: UUID
    orgnr: str
    slug: str
    name: str
    kind: str
    weight: float
    assets: list[UUID] = field(default_factory=list)
    asset_names: list[str] = field(default_factory=list)
    personal: list[bool] = field(default_factory=list)  # per asset
    suppliers: set[int] = field(default_factory=set)  # indices into Dataset.suppliers
    contracts: int = 0
    first_contract: dict[int, UUID] = field(default_factory=dict)  # per supplier index


@dataclass
class SupplierPlan:
    index: int
    id: UUID
    name: str
    tier: int
    country: str
    orgnr: str | None
    registration_number: str | None

    @property
    def reference(self) -> str:
        """How an import file names the supplier."""
        return self.orgnr or f"{self.country}:{self.registration_number}"


@dataclass
class Dataset:
    scale: Scale
    seed: int
    rng: random.Random
    organisations: list[OrgPlan] = field(default_factory=list)
    suppliers: list[SupplierPlan] = field(default_factory=list)
    tiers: list[list[int]] = field(default_factory=list)
    # (organisation, supplier, asset position in the organisation) of every contract's
    # systems: an import file must name others to create new contracts.
    served: set[tuple[int, int, int]] = field(default_factory=set)
    rows: Counter[str] = field(default_factory=Counter)  # rows written, per table
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    user_id: int = 0
    procurement_id: str = ""
    median_index: int = 0

    @property
    def largest(self) -> OrgPlan:
        return self.organisations[0]

    @property
    def median(self) -> OrgPlan:
        return self.organisations[self.median_index]

    @property
    def big_supplier(self) -> SupplierPlan:
        """The one most municipalities contract directly."""
        return self.suppliers[0]

    @property
    def widest_supplier(self) -> SupplierPlan:
        """The cloud provider under the most chains: an incident there hits the most."""
        return self.suppliers[self.tiers[4][0]]

    def uuid(self) -> UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
        for batch in batched(rows, BATCH):
            bulk.insert(model, batch)
            self.rows[model._meta.db_table] += len(batch)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def orgnr(prefix: str, number: int) -> str:
    digits = f"{prefix}{number:0{9 - len(prefix)}d}"
    return f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"


def apportion(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """total split in proportion to weights, at least minimum each (largest remainders)."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("too few to give each its minimum")
    whole = sum(weights)
    shares = [rest * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for index in order[: rest - sum(counts)]:
        counts[index] += 1
    return [count + minimum for count in counts]


def zipf_weights(count: int, exponent: float, offset: float = 1.0) -> list[float]:
    return [1 / (rank + offset) ** exponent for rank in range(count)]


def draw_distinct(
    rng: random.Random, population: Sequence[int], cum_weights: Sequence[float], count: int
) -> list[int]:
    """count distinct items, drawn by weight (all of them if there are not that many)."""
    if count >= len(population):
        return list(population)
    chosen: dict[int, None] = {}
    while len(chosen) < count:
        for item in rng.choices(population, cum_weights=cum_weights, k=count - len(chosen)):
            chosen.setdefault(item)
    return list(chosen)


Stage = Callable[[Dataset], None]
