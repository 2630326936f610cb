"""Every named route of the URL configuration with the names of its arguments, and a value of
organisation A's for each argument, so that tests can reach every page and action."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tillit.assessments.models import Assessment
from tillit.assessments.services import link_issue
from tillit.catalogue.models import Requirement
from tillit.conftest import Personas
from tillit.followup.services import calendar_feed_reset
from tillit.organisations.tests.test_tenant_matrix import _objects_of_a


def _walk(
    patterns: Sequence[URLPattern | URLResolver], namespace: str, params: tuple[str, ...]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for entry in patterns:
        # Route and regex patterns both compile to a regex with a named group per argument.
        own = params + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, own)
        elif entry.name:
            yield f"{namespace}{entry.name}", own


def all_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(name, argument names) of every named route, each once."""
    return list(dict(_walk(get_resolver().url_patterns, "", ())).items())


def arguments_of_a(personas: Personas) -> dict[str, Any]:
    """A value for every URL argument: organisation A's objects (from the tenant matrix), a
    live portal token and calendar token, and placeholders for allauth's keys."""
    objects = _objects_of_a(personas)
    assessment = Assessment.objects.get(pk=objects["assessment"])
    _link, token = link_issue(
        acting_user=personas.admin_a,
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    requirement = Requirement.objects.get(pk=objects["requirement"])
    return objects | {
        "org": personas.org_a.slug,
        "catalogue": requirement.catalogue_id,  # catalogues are the instance's, not A's
        "token": token,
        "calendar": calendar_feed_reset(user=personas.admin_a),
        "pk": 1,  # a WebAuthn key
        "key": "x",  # e-mail confirmation and password reset keys
        "uidb36": "1",
    }


def url_for(name: str, params: tuple[str, ...], arguments: dict[str, Any]) -> str:
    missing = set(params) - set(arguments)
    assert not missing, f"route {name} takes {missing}: give arguments_of_a a value"
    token_name = "calendar" if name == "followup-calendar" else "token"
    kwargs = {key: arguments[token_name if key == "token" else key] for key in params}
    return reverse(name, kwargs=kwargs)
