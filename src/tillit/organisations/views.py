from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.organisations import services
from tillit.organisations.access import access_organisation
from tillit.organisations.forms import MemberForm, NewOrganisationForm, OrganisationSettingsForm
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Permission, Role
from tillit.organisations.selectors import memberships_of


@login_required
def organisation_settings(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.MANAGE_ORGANISATION)
    organisation = access.organisation
    initial = {field: getattr(organisation, field) for field in services.ORGANISATION_FIELDS}
    form = OrganisationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                acting_user=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            organisation.refresh_from_db()
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("organisation-settings", organisation.slug)
    return render(request, "organisations/settings.html", {"access": access, "form": form})


@login_required
def members(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.MANAGE_MEMBERS)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(email)s was added as %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect("organisation-members", org)
    context = {
        "access": access,
        "form": form,
        "memberships": memberships_of(access.organisation),
    }
    return render(request, "organisations/members.html", context)


@require_POST
@login_required
def member_remove(request: AuthenticatedHttpRequest, org: str, membership: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.MANAGE_MEMBERS)
    target = access.get(Membership.objects.select_related("user", "organisation"), pk=membership)
    try:
        services.membership_remove(acting_user=request.user, membership=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(email)s no longer has the role %(role)s.")
            % {"email": target.user.email, "role": target.get_role_display()},
        )
    return redirect("organisation-members", org)


def _require_operator(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


@login_required
def operator_organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The operator's list of organisations on the instance, and the form to add one."""
    _require_operator(request)
    form = NewOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        admin_email = data.pop("admin_email")
        try:
            with transaction.atomic():
                organisation = services.organisation_create(acting_user=request.user, **data)
                services.membership_add(
                    acting_user=request.user,
                    organisation=organisation,
                    email=admin_email,
                    role=Role.ADMIN,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": organisation.name})
            return redirect("operator-organisations")
    organisations = Organisation.objects.order_by("name")
    return render(
        request,
        "organisations/operator.html",
        {"form": form, "organisations": organisations},
    )
