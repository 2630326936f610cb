"""Every write to organisations and memberships: validated, atomic, audit-logged."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, audited_update, diff, snapshot
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.web.tasks import send_email

ORGANISATION_FIELDS = [
    "name",
    "slug",
    "orgnr",
    "kind",
    "nis2",
    "security_email",
    "share_concentration",
]


def _validate_organisation(organisation: Organisation) -> None:
    errors: dict[str, list[ValidationError]] = {}
    try:
        organisation.orgnr = normalise_orgnr(organisation.orgnr)
    except ValidationError as exc:
        errors["orgnr"] = [exc]
    others = Organisation.objects.exclude(pk=organisation.pk)
    if "orgnr" not in errors and others.filter(orgnr=organisation.orgnr).exists():
        errors["orgnr"] = [
            ValidationError(
                _("An organisation with this organisation number is already registered."),
                code="duplicate",
            )
        ]
    if others.filter(slug=organisation.slug).exists():
        errors["slug"] = [ValidationError(_("This short name is already taken."), code="duplicate")]
    try:
        organisation.full_clean(exclude=list(errors), validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_create(
    *,
    acting_user: User,
    name: str,
    slug: str,
    orgnr: str,
    kind: str,
    nis2: str,
    security_email: str,
) -> Organisation:
    organisation = Organisation(
        name=name, slug=slug, orgnr=orgnr, kind=kind, nis2=nis2, security_email=security_email
    )
    _validate_organisation(organisation)
    organisation.save()
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="organisation.create",
        obj=organisation,
        changes=diff({}, snapshot(organisation, ORGANISATION_FIELDS)),
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, acting_user: User, organisation: Organisation, **values: str
) -> Organisation:
    return audited_update(
        acting_user=acting_user,
        instance=organisation,
        editable=ORGANISATION_FIELDS,
        values=values,
        validate=_validate_organisation,
        action="organisation.update",
        organisation_id=organisation.id,
    )


@transaction.atomic
def membership_add(
    *, acting_user: User, organisation: Organisation, email: str, role: str, name: str = ""
) -> Membership:
    """Give a person a role in the organisation, creating their account if they have none.

    A new account has no password; the invitation tells the person to set one through
    'forgot password', which proves they control the address.
    """
    if role not in Role.values:
        raise ValidationError(
            {
                "role": ValidationError(
                    _("Unknown role: %(role)s"), code="unknown_role", params={"role": role}
                )
            }
        )
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, name=name)
    elif Membership.objects.filter(organisation=organisation, user=user, role=role).exists():
        raise ValidationError(
            {
                "role": ValidationError(
                    _("%(email)s already has this role."),
                    code="duplicate",
                    params={"email": user.email},
                )
            }
        )
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="membership.add",
        obj=membership,
        changes=diff({}, {"user": user.email, "role": role}),
    )
    # The invitation is bilingual: we do not know the new member's language yet.
    roles = {}
    for language in ("sv", "en"):
        with translation.override(language):
            roles[language] = str(membership.get_role_display())
    body = render_to_string(
        "organisations/email/invitation.txt",
        {"organisation": organisation, "roles": roles, "user": user},
    )
    subject = f"Tillit: {organisation.name}"
    transaction.on_commit(lambda: send_email.enqueue([user.email], subject, body))
    return membership


@transaction.atomic
def membership_remove(*, acting_user: User, membership: Membership) -> None:
    organisation = membership.organisation
    # Lock the admin rows so two admins cannot remove each other at the same moment.
    admins = Membership.objects.select_for_update().filter(
        organisation=organisation, role=Role.ADMIN
    )
    if membership.role == Role.ADMIN and len(admins) == 1:
        raise ValidationError(
            _("An organisation must keep at least one administrator."), code="last_admin"
        )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="membership.remove",
        obj=membership,
        changes=diff({"user": membership.user.email, "role": membership.role}, {}),
    )
    membership.delete()
