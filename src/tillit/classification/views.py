from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.catalogue.models import Catalogue
from tillit.catalogue.selectors import catalogues, default_catalogue, requirement_profile
from tillit.classification import services
from tillit.classification.forms import AssetForm, ClassificationForm
from tillit.classification.models import Asset
from tillit.classification.questions import floors
from tillit.classification.selectors import assets_of, history_of
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.roles import Permission


def _asset(access: OrgAccess, asset_id: UUID) -> Asset:
    return access.get(assets_of(access.organisation), pk=asset_id)


@login_required
def asset_list(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    return render(
        request,
        "classification/asset_list.html",
        {"access": access, "assets": assets_of(access.organisation)},
    )


@login_required
def asset_create(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    form = AssetForm(request.POST or None, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_create(
                acting_user=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The asset was created. Now classify it."))
            return redirect("asset-classify", org, asset.pk)
    return render(request, "classification/asset_form.html", {"access": access, "form": form})


@login_required
def asset_edit(request: AuthenticatedHttpRequest, org: str, asset: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _asset(access, asset)
    initial = {"name": target.name, "description": target.description, "owner": target.owner}
    form = AssetForm(request.POST or None, initial=initial, organisation=access.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(acting_user=request.user, asset=target, **form.cleaned_data)
        except ValidationError as exc:
            target.refresh_from_db()
            form.add_error(None, exc)
        else:
            messages.success(request, _("The asset was saved."))
            return redirect("asset-detail", org, target.pk)
    context = {"access": access, "form": form, "asset": target}
    return render(request, "classification/asset_form.html", context)


def _chosen_catalogue(request: AuthenticatedHttpRequest) -> Catalogue | None:
    chosen = request.GET.get("catalogue", "")
    try:
        return catalogues().get(pk=UUID(chosen))
    except (ValueError, Catalogue.DoesNotExist):
        return default_catalogue()


@login_required
def asset_detail(request: AuthenticatedHttpRequest, org: str, asset: UUID) -> HttpResponse:
    access = access_organisation(request.user, org)
    target = _asset(access, asset)
    catalogue = _chosen_catalogue(request)
    current = target.current
    profile = (
        requirement_profile(current.facts(), catalogue)
        if current is not None and catalogue is not None
        else None
    )
    context = {
        "access": access,
        "asset": target,
        "current": current,
        "history": history_of(target),
        "catalogue": catalogue,
        "catalogues": catalogues(),
        "profile": profile,
        "floors": floors(current.facts()) if current else [],
    }
    return render(request, "classification/asset_detail.html", context)


@login_required
def asset_classify(request: AuthenticatedHttpRequest, org: str, asset: UUID) -> HttpResponse:
    access = access_organisation(request.user, org, Permission.EDIT)
    target = _asset(access, asset)
    initial = {}
    if target.current is not None:
        current = target.current
        initial = {
            field: getattr(current, field)
            for field in (
                "personal_data",
                "sensitive_data",
                "criminal_data",
                "personnummer",
                "children",
                "protected_identities",
                "data_subjects",
                "osl_secrecy",
                "osl_reference",
            )
        }
        for aspect, answer in current.answers.items():
            initial[f"{aspect}_answer"] = answer
            if aspect in current.overrides:
                initial[f"{aspect}_level"] = getattr(current, aspect)
                initial[f"{aspect}_reason"] = current.overrides[aspect]["reason"]
    form = ClassificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.classification_create(
                acting_user=request.user, asset=target, **form.service_arguments()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The classification was saved."))
            return redirect("asset-detail", org, target.pk)
    context = {"access": access, "form": form, "asset": target}
    return render(request, "classification/classify.html", context)
