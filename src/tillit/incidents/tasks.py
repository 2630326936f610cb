"""Background work of incidents: telling each organisation it is hit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from tillit.incidents.models import Case
from tillit.incidents.selectors import case_steps, recipients


def case_mail(case: Case) -> list[tuple[str, str, str]]:
    """(recipient, subject, body) of the mails telling the organisation, each in the person's
    language; the organisation's security address, if any, gets the Swedish one."""
    people = {user.email: user.language for user in recipients(case.organisation)}
    if case.organisation.security_email:
        people.setdefault(case.organisation.security_email, "sv")
    url = settings.BASE_URL + reverse("case-detail", args=[case.organisation.slug, case.pk])
    mails: list[tuple[str, str, str]] = []
    for email, language in people.items():
        with translation.override(language):
            subject = _("Tillit: the incident at %(supplier)s affects %(organisation)s") % {
                "supplier": case.incident.supplier.name,
                "organisation": case.organisation.name,
            }
            body = render_to_string(
                "incidents/email/case.txt",
                {"case": case, "incident": case.incident, "url": url, "steps": case_steps(case)},
            )
        mails.append((email, subject, body))
    return mails


@task()
def notify_case(case_id: str) -> None:
    """Send the case's mails unless they have gone. A failure raises and leaves mail_sent_at
    empty, so the follow-up tick tries again."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("incident__supplier", "organisation")
            .get(pk=case_id)
        )
        if case.mail_sent_at is not None:
            return
        for email, subject, body in case_mail(case):
            send_mail(subject, body, None, [email], fail_silently=False)
        case.mail_sent_at = timezone.now()
        case.save(update_fields=["mail_sent_at"])
