from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Organisation


class Document(models.Model):
    """An uploaded file of an organisation. The content is stored encrypted (see storage.py);
    this row holds what is needed to find, check and name it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The id of the key the content is encrypted under (keys.py); "" for a Fernet file stored
    # before AES-GCM.
    key_id = models.CharField(max_length=32, blank=True, default="", editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name

    @property
    def storage_identity(self) -> str:
        """What the encrypted content is bound to (associated data): it stays the same when
        the document is re-encrypted under another key."""
        return f"documents/{self.organisation_id}/{self.id}"

    @property
    def storage_name(self) -> str:
        """Where the encrypted content is stored. Each key has its own name, so re-encrypting
        under a new key writes a new file and never overwrites the only copy."""
        if not self.key_id:
            return self.storage_identity
        return f"{self.storage_identity}.{self.key_id}"
