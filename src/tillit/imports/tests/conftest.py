from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from tillit.classification.models import Asset
from tillit.conftest import Personas
from tillit.suppliers.models import Supplier
from tillit.testing import make_asset


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class World:
    """Organisation A's system, and a Swedish and a foreign supplier on the instance."""

    personas: Personas
    system: Asset
    supplier: Supplier
    hosting: Supplier
    foreign: Supplier

    @property
    def orgnr(self) -> str:
        return self.personas.org_a.orgnr


@pytest.fixture
def world(personas: Personas) -> World:
    return World(
        personas=personas,
        system=make_asset(personas.org_a, "Personalsystem", confidentiality=2),
        supplier=Supplier.objects.create(name="Exempeldata HR AB", orgnr="556677-8899"),
        hosting=Supplier.objects.create(name="Norrdrift Hosting AB", orgnr="556100-1008"),
        foreign=Supplier.objects.create(
            name="Global Backup Inc.", country="US", registration_number="DE-7781234"
        ),
    )
