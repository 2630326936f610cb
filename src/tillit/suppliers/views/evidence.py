"""What an organisation records about a supplier beyond its contracts: the sub-processors it
uses, its certificates and its penetration tests."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.documents.services import document_stored
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.forms import (
    CertificateForm,
    PenTestForm,
    SubProcessorForm,
    add_service_errors,
    renamed,
)
from tillit.suppliers.views.common import supplier_for


@login_required
def subprocessor_add(request: AuthenticatedHttpRequest, org: str, supplier: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = supplier_for(access, supplier)
    form = SubProcessorForm(request.POST or None, organisation=access.organisation, supplier=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                chosen = data["existing"]
                if chosen is None:
                    chosen, _created = services.supplier_get_or_create(
                        acting_user=request.user, **form.identity()
                    )
                try:
                    services.subprocessor_add(
                        acting_user=request.user,
                        organisation=access.organisation,
                        supplier=target,
                        subprocessor=chosen,
                        service=data["service"],
                        country=data["processing_country"],
                    )
                except ValidationError as exc:
                    raise renamed(exc, {"country": "processing_country"}) from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The sub-processor was added."))
            return redirect("supplier-detail", org, target.pk)
    context = {"access": access, "form": form, "supplier": target}
    return render(request, "suppliers/subprocessor_form.html", context)


@login_required
def certificate_add(request: AuthenticatedHttpRequest, org: str, supplier: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = supplier_for(access, supplier)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        upload = values.pop("document")
        try:
            with document_stored(
                acting_user=request.user, organisation=access.organisation, upload=upload
            ) as document:
                services.certificate_add(
                    acting_user=request.user,
                    organisation=access.organisation,
                    supplier=target,
                    document=document,
                    **values,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The certificate was added."))
            return redirect("supplier-detail", org, target.pk)
    context = {"access": access, "form": form, "supplier": target}
    return render(request, "suppliers/certificate_form.html", context)


@login_required
def pentest_add(request: AuthenticatedHttpRequest, org: str, supplier: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = supplier_for(access, supplier)
    form = PenTestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        upload = values.pop("report")
        try:
            with document_stored(
                acting_user=request.user, organisation=access.organisation, upload=upload
            ) as report:
                services.pentest_add(
                    acting_user=request.user,
                    organisation=access.organisation,
                    supplier=target,
                    report=report,
                    **values,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The penetration test was added."))
            return redirect("supplier-detail", org, target.pk)
    context = {"access": access, "form": form, "supplier": target}
    return render(request, "suppliers/pentest_form.html", context)
