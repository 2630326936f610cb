from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tillit.accounts.http import AuthenticatedHttpRequest
from tillit.organisations.access import access_organisation
from tillit.suppliers.register import register_csv, register_lines, register_rows, register_xlsx
from tillit.suppliers.selectors import personal_data_assets

# Systems a page: each has a row per contract and per sub-processor, so at a large organisation
# ten systems already make some 270 rows. The whole register is in the CSV and XLSX downloads.
PAGE_SIZE = 10
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
@login_required
def processing_register(request: AuthenticatedHttpRequest, org: str) -> HttpResponse:
    access = access_organisation(request.user, org)
    page = Paginator(personal_data_assets(access.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    lines = register_lines(register_rows(page.object_list), access.organisation.slug)
    context = {"access": access, "page": page, "lines": lines}
    return render(request, "suppliers/register.html", context)


@require_safe
@login_required
def processing_register_download(
    request: AuthenticatedHttpRequest, org: str, fmt: str
) -> HttpResponse:
    access = access_organisation(request.user, org)
    if fmt not in CONTENT_TYPES:
        raise Http404
    organisation = access.organisation
    rows = register_rows(personal_data_assets(organisation))
    if fmt == "csv":
        data = register_csv(rows)
    else:
        data = register_xlsx(rows, organisation=organisation.name)
    title = _("processing register")
    name = slugify(f"{title} {organisation.slug} {timezone.localdate()}")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
