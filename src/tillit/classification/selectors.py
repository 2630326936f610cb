from __future__ import annotations

from django.db.models import QuerySet

from tillit.classification.models import Asset, Classification
from tillit.organisations.models import Organisation


def assets_of(organisation: Organisation) -> QuerySet[Asset]:
    return Asset.objects.filter(organisation=organisation).select_related("owner", "current")


def history_of(asset: Asset) -> QuerySet[Classification]:
    return asset.classifications.select_related("classified_by").order_by("-version")
