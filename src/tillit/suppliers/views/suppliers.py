from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.incidents.selectors import lessons
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.forms import SupplierFilterForm, SupplierIdentityForm, add_service_errors
from tillit.suppliers.selectors import supplier_filters, supplier_overview, suppliers_of
from tillit.suppliers.views.common import supplier_for

PAGE_SIZE = 50


@require_safe
@login_required
def supplier_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    form = SupplierFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    suppliers = suppliers_of(access.organisation)
    found = supplier_filters(suppliers, **filters)
    # The flags cost a few subqueries a supplier: the page is chosen by its ids first (the flags
    # computed only where a filter asks for them), then only its rows get them.
    page = Paginator(found.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = suppliers.in_bulk(list(page))
    page.object_list = [rows[pk] for pk in page]
    context = {
        "access": access,
        "form": form,
        "page": page,
        "query": request.GET.copy(),
    }
    template = "suppliers/partials/supplier_results.html" if request.htmx else "suppliers/list.html"
    return render(request, template, context)


@login_required
def supplier_add(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    form = SupplierIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier, created = services.supplier_get_or_create(
                acting_user=request.user, **form.identity()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            services.relation_ensure(
                acting_user=request.user, organisation=access.organisation, supplier=supplier
            )
            if created:
                messages.success(request, _("The supplier was added."))
            else:
                # One identity across the instance: the name first given is kept.
                messages.success(
                    request,
                    _("%(identifier)s is known to Tillit as %(name)s and is now your supplier.")
                    % {"identifier": supplier.identifier, "name": supplier.name},
                )
            return redirect("supplier-detail", org, supplier.pk)
    return render(request, "suppliers/supplier_form.html", {"access": access, "form": form})


@require_safe
@login_required
def supplier_detail(request: AuthenticatedHttpRequest, org: str, supplier: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = supplier_for(access, supplier)
    context = {
        "access": access,
        "supplier": target,
        "overview": supplier_overview(access.organisation, target),
        "can_edit": access.can(Permission.EDIT),
        # Shared by every organisation that had a case with this supplier.
        "lessons": list(lessons().filter(supplier=target)[:10]),
    }
    return render(request, "suppliers/detail.html", context)
