"""Back up the demo instance, empty it, restore it: the same rows, documents and audit chain,
and an instance that carries on. Real transactions, as the commands run them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from tillit.audit.chain import verify_chain
from tillit.audit.services import audit_record
from tillit.backup.tests.conftest import fingerprint, upload, wipe
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier
from tillit.testing import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    yield
    wipe()  # the audit log's rows would stop pytest-django's own flush on SQLite


def test_a_restored_instance_is_the_one_backed_up(
    committed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo")
    organisation = Organisation.objects.order_by("name").first()
    assert organisation is not None
    make_user("tvafaktor@example.test")  # the demo's people have no MFA (demo mode)
    upload(organisation)
    upload(organisation, "rapport.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\n%%EOF\n")
    # Line and paragraph separators, which JSON leaves unescaped: they made the backup fail.
    odd = make_supplier(name="Rad\u2028Två\u2029Tre\x85Fyra AB")
    before = fingerprint()
    assert before["chain"].ok
    assert len(before["audit"]) > 100
    assert len(before["documents"]) >= 2
    assert before["mfa"]
    archive = tmp_path / "tillit.backup"

    call_command("backup", str(archive))
    assert "audit chain intact" in capsys.readouterr().out
    wipe()
    emptied = fingerprint()
    assert not any(emptied["counts"].values())
    assert not [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
    call_command("restore", str(archive))

    assert fingerprint() == before
    assert Supplier.objects.get(pk=odd.pk).name == "Rad\u2028Två\u2029Tre\x85Fyra AB"
    out = capsys.readouterr().out
    assert f"audit chain intact: {before['chain'].checked} events" in out
    # It carries on: new rows get new ids (PostgreSQL's sequences moved past the restored ones)
    # and new events extend the restored chain.
    assert make_user().pk > max(pk for pk, *_rest in before["users"])
    with transaction.atomic():
        event = audit_record(
            actor=None, organisation_id=None, action="test.restored", obj=organisation, changes={}
        )
    assert event.pk > before["audit"][-1][0]
    assert event.prev_hash == before["chain"].head
    upload(organisation, "efter.pdf")
    assert verify_chain().ok
