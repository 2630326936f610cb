from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(to: list[str], subject: str, body: str) -> None:
    """Send one plain-text e-mail from the background worker (retried by re-enqueueing)."""
    send_mail(subject, body, None, to, fail_silently=False)
