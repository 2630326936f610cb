"""The templates and the documentation stay in step with the kinds' columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tillit.imports.kinds import KINDS, template_csv
from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import run

DOCS = Path(settings.PACKAGE_DIR).parents[1] / "docs"


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_documented_template_is_the_one_tillit_serves(kind: str) -> None:
    path = DOCS / "import-templates" / f"{kind}.csv"
    assert path.read_bytes().decode("utf-8") == template_csv(kind, None)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_documentation_describes_every_column(kind: str) -> None:
    text = (DOCS / "import-formats.md").read_text()
    section = text.split(f"\n## {kind}\n", 1)[1].split("\n## ", 1)[0]
    for column in KINDS[kind].columns:
        assert f"`{column}`" in section or f"`{column}`," in section, (kind, column)
    assert ",".join(KINDS[kind].columns) in section


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_template_imports_as_it_is(world: World, kind: str) -> None:
    organisation = None if KINDS[kind].operator_only else world.personas.org_a
    content = template_csv(kind, organisation).encode()
    result = run(kind, content, organisation=organisation, dry_run=True)
    assert result.ok, result.errors
    assert result.rows == 1
