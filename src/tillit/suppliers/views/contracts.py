from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.documents.services import document_stored
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.forms import (
    ContractForm,
    DataLocationForm,
    ProcessorAgreementForm,
    add_service_errors,
)
from tillit.suppliers.gaps import agreement_of, contract_gaps
from tillit.suppliers.models import ART_28_POINTS, Contract
from tillit.suppliers.services import CONTRACT_FIELDS
from tillit.suppliers.views.common import contract_for, supplier_for


def _initial(contract: Contract) -> dict[str, Any]:
    initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
    return initial | {"assets": list(contract.assets.all())}


@login_required
def contract_create(request: AuthenticatedHttpRequest, org: str, supplier: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = supplier_for(access, supplier)
    form = ContractForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                acting_user=request.user,
                organisation=access.organisation,
                supplier=target,
                assets=list(form.cleaned_data["assets"]),
                **form.values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract was saved."))
            return redirect("supplier-contract-detail", org, contract.pk)
    context = {"access": access, "form": form, "supplier": target}
    return render(request, "suppliers/contract_form.html", context)


@login_required
def contract_edit(request: AuthenticatedHttpRequest, org: str, contract: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = contract_for(access, contract)
    form = ContractForm(
        request.POST or None, initial=_initial(target), organisation=access.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(
                acting_user=request.user,
                contract=target,
                assets=list(form.cleaned_data["assets"]),
                **form.values(),
            )
        except ValidationError as exc:
            target.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract was saved."))
            return redirect("supplier-contract-detail", org, target.pk)
    context = {"access": access, "form": form, "supplier": target.supplier, "contract": target}
    return render(request, "suppliers/contract_form.html", context)


@require_safe
@login_required
def contract_detail(request: AuthenticatedHttpRequest, org: str, contract: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = contract_for(access, contract)
    context = {
        "access": access,
        "contract": target,
        "agreement": agreement_of(target),
        "gaps": contract_gaps(target, timezone.localdate()),
        "can_edit": access.can(Permission.EDIT),
    }
    return render(request, "suppliers/contract_detail.html", context)


@login_required
def agreement_set(request: AuthenticatedHttpRequest, org: str, contract: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = contract_for(access, contract)
    agreement = agreement_of(target)
    initial: dict[str, Any] = {}
    if agreement is not None:
        initial = {"signed_on": agreement.signed_on, "version": agreement.version}
        initial |= {f"covers_{p}": getattr(agreement, f"covers_{p}") for p in ART_28_POINTS}
    form = ProcessorAgreementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with document_stored(
                acting_user=request.user,
                organisation=access.organisation,
                upload=data["document"],
            ) as document:
                services.processor_agreement_set(
                    acting_user=request.user,
                    contract=target,
                    signed_on=data["signed_on"],
                    version=data["version"],
                    covered=form.covered(),
                    document=document,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The processor agreement was saved."))
            return redirect("supplier-contract-detail", org, target.pk)
    context = {"access": access, "form": form, "contract": target, "agreement": agreement}
    return render(request, "suppliers/agreement_form.html", context)


@login_required
def location_add(request: AuthenticatedHttpRequest, org: str, contract: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = contract_for(access, contract)
    form = DataLocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.data_location_add(
                acting_user=request.user, contract=target, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The location was added."))
            return redirect("supplier-contract-detail", org, target.pk)
    context = {"access": access, "form": form, "contract": target}
    return render(request, "suppliers/location_form.html", context)
