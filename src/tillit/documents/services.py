from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

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
    document.key_id = storage.newest_key_id()
    document.sha256 = storage.write_encrypted(
        document.storage_name,
        content,
        key_id=document.key_id,
        identity=document.storage_identity,
    )
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
    """The plain content; DocumentIntegrityError if it cannot be decrypted or is not what was
    uploaded."""
    try:
        return _read(document)
    except FileNotFoundError:
        # Re-encrypted under a new key, and its old file removed, since the row was read?
        key_id = document.key_id
        document.refresh_from_db(fields=["key_id"])
        if document.key_id == key_id:
            raise
        return _read(document)


def _read(document: Document) -> bytes:
    return storage.read_decrypted(
        document.storage_name,
        sha256=document.sha256,
        key_id=document.key_id,
        identity=document.storage_identity,
    )


def document_reencrypt(*, document_id: UUID) -> bool:
    """Re-encrypt one document under the newest key; False if it already is (or is gone).

    Raises DocumentIntegrityError, and changes nothing, if the document cannot be read.

    The document is never without a complete file, whenever the process stops:

    1. the content is read and checked, then written encrypted under the new key to a new name
       (storage names carry the key id), while the old file stays;
    2. the row is switched to the new key, and the change audited, in one transaction that
       holds the row locked from the start (two runs never interleave on one document);
    3. only after that commit is the old file deleted.

    A stop before the commit leaves the row on the old, intact file, and at most an unused new
    file, which the next run replaces. A stop after the commit, before step 3, leaves the old
    file behind unused: readable only with the old key, as it was before. A download racing
    the switch re-reads the row (document_content).
    """
    newest = storage.newest_key_id()
    new_name = ""
    try:
        with transaction.atomic():
            document = Document.objects.select_for_update().filter(pk=document_id).first()
            if document is None or document.key_id == newest:
                return False
            content = document_content(document)
            old_name, old_key_id = document.storage_name, document.key_id
            document.key_id = newest
            new_name = document.storage_name
            if storage.exists(new_name):
                storage.delete(new_name)  # left by an interrupted run: no row refers to it
            storage.write_encrypted(
                new_name, content, key_id=newest, identity=document.storage_identity
            )
            document.save(update_fields=["key_id"])
            audit_record(
                actor=None,
                actor_label="tillit documents rotate-keys",
                organisation_id=document.organisation_id,
                action="document.reencrypt",
                obj=document,
                changes=diff({"key_id": old_key_id}, {"key_id": newest}),
            )
            # robust: a failure to delete the old file must not reach the handler below, which
            # would delete the new one, now in use.
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    except BaseException:
        if new_name:
            storage.delete(new_name)  # the row still refers to the old file
        raise
    return True


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
