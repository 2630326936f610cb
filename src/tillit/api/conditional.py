"""ETags and If-Match, so that a write based on an old version is refused instead of silently
undoing someone else's change (a lost update).

The ETag is a hash of the resource's JSON representation, so any change to what a client sees
changes it. A PATCH (or a PUT that replaces something existing) must send If-Match with the
ETag it last saw: a missing If-Match is 428, a stale one 412.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from tillit.api.problems import PreconditionFailed, PreconditionRequired


def etag_of(representation: Any) -> str:
    body = json.dumps(representation, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:40] + '"'


def require_match(request: Request, current: str) -> None:
    given = request.headers.get("If-Match")
    if given is None:
        raise PreconditionRequired
    tags = {tag.strip() for tag in given.split(",")}
    # "*" asks only that the resource exists (RFC 9110 13.1.1): it is, or we would not be here.
    if current not in tags and "*" not in tags:
        raise PreconditionFailed


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the version being changed (from a GET). Missing: 428; stale: 412.",
)
