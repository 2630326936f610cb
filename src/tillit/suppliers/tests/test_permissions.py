"""Every route of the supplier register, as the read-only member: nothing can be changed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.documents.services import document_store
from tillit.suppliers.urls import organisation_patterns
from tillit.testing import make_asset, make_contract


def test_reader_gets_403_on_every_post_and_can_read_every_page(personas: Personas) -> None:
    contract = make_contract(personas.org_a, assets=[make_asset(personas.org_a)])
    document = document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        upload=SimpleUploadedFile("avtal.pdf", b"%PDF-1.7"),
    )
    objects = {
        "org": "org-a",
        "supplier": contract.supplier.pk,
        "contract": contract.pk,
        "document": document.pk,
        "fmt": "csv",
    }
    reader = personas.client(personas.reader_a)
    events = AuditEvent.objects.count()
    for pattern in organisation_patterns:
        keys = pattern.pattern.converters.keys() | {"org"}
        url = reverse(pattern.name, kwargs={key: objects[key] for key in keys})
        read = reader.get(url).status_code
        written = reader.post(url, {"name": "X", "service": "X", "country": "SE"}).status_code
        if written == 405:  # a read-only page
            assert read == 200, url
        else:
            assert (read, written) == (403, 403), url
    assert AuditEvent.objects.count() == events
