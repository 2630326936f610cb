from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from django.db.models import QuerySet

from tillit.catalogue.rules import Facts
from tillit.classification.models import Asset, Classification
from tillit.organisations.models import Organisation


def assets_of(organisation: Organisation) -> QuerySet[Asset]:
    return Asset.objects.filter(organisation=organisation).select_related("owner", "current")


def history_of(asset: Asset) -> QuerySet[Classification]:
    return asset.classifications.select_related("classified_by").order_by("-version")


def merged_facts(classifications: Iterable[Classification]) -> Facts:
    """What one supplier holding all these assets together holds: the highest level of each
    aspect and every personal-data flag (the union of the assets' profiles, or stricter)."""
    return reduce(Facts.merge, (c.facts() for c in classifications), Facts())
