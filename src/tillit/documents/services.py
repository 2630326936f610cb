from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff
from tillit.documents import storage
from tillit.documents.models import Document
from tillit.documents.validation import content_type_for, safe_name
from tillit.organisations.models import Organisation


@transaction.atomic
def document_store(
    *,
    acting_user: User | None,
    organisation: Organisation,
    upload: UploadedFile,
    actor_label: str = "",
) -> Document:
    """Validate an upload and store it encrypted. Raises ValidationError for a refused file.

    A supplier uploading through its portal link has no account: acting_user is None and
    actor_label names it in the audit log."""
    name = safe_name(upload.name or "")
    content = upload.read()
    content_type = content_type_for(name, content)
    document = Document(
        organisation=organisation,
        name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=acting_user,
    )
    document.sha256 = storage.write_encrypted(document.storage_name, content)
    try:
        document.save()
        audit_record(
            actor=acting_user,
            actor_label=actor_label,
            organisation_id=organisation.id,
            action="document.upload",
            obj=document,
            changes=diff({}, {"name": name, "size": len(content), "sha256": document.sha256}),
        )
    except Exception:
        # Leave no encrypted file behind without its row.
        storage.delete(document.storage_name)
        raise
    return document


def document_content(document: Document) -> bytes:
    return storage.read_decrypted(document.storage_name, document.sha256)


@contextmanager
def document_stored(
    *,
    acting_user: User | None,
    organisation: Organisation,
    upload: UploadedFile | None,
    actor_label: str = "",
) -> Iterator[Document | None]:
    """Store an upload (if there is one) for a write that refers to it, in one transaction.

    If the write inside the block fails, neither the row nor the encrypted file is left behind.
    """
    if upload is None:
        yield None
        return
    with transaction.atomic():
        document = document_store(
            acting_user=acting_user,
            organisation=organisation,
            upload=upload,
            actor_label=actor_label,
        )
        try:
            yield document
        except BaseException:
            storage.delete(document.storage_name)
            raise
