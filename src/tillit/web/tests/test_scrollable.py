"""{% scrollable %}: a table in a region that scrolls sideways, can be focused from the keyboard
and is named after the table's caption."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from tillit.conftest import Personas

REGION = '<div class="table-wrap" role="region" tabindex="0" aria-label="{}">'


def _render(source: str, **context: object) -> str:
    return Template("{% load tillit %}" + source).render(Context(context))


def test_the_region_is_named_after_the_caption() -> None:
    table = (
        "<table><caption>\n  Avtal <span class='x'>för</span> {{ name }}\n</caption>"
        "<tr><td>1</td></tr></table>"
    )
    html = _render("{% scrollable %}" + table + "{% endscrollable %}", name="A & B")
    assert html.startswith(REGION.format("Avtal för A &amp; B"))
    assert "<caption>" in html  # the table itself as it was, escaped once
    assert "A &amp; B\n</caption>" in html
    assert html.endswith("</table></div>")


def test_a_label_names_a_table_without_a_caption() -> None:
    html = _render('{% scrollable "Siffror" %}<table></table>{% endscrollable %}')
    assert html == REGION.format("Siffror") + "<table></table></div>"
    with pytest.raises(TemplateSyntaxError):
        _render("{% scrollable %}<table></table>{% endscrollable %}")


def test_the_pages_tables_scroll_in_a_region(personas: Personas) -> None:
    page = personas.client(personas.admin_a).get("/o/org-a/members/").content.decode()
    assert REGION.format("Medlemmar och deras roller") in page
