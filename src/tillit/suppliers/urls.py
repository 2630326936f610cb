"""Routes of the supplier register, under /o/<org>/ (appended to tillit.urls'
organisation_patterns, so the tenant matrix finds them)."""

from __future__ import annotations

from django.urls import path

from tillit.documents.views import document_download
from tillit.suppliers.views import contracts, evidence, register, suppliers

organisation_patterns = [
    path("suppliers/", suppliers.supplier_list, name="supplier-list"),
    path("suppliers/new/", suppliers.supplier_add, name="supplier-add"),
    path("suppliers/<uuid:supplier>/", suppliers.supplier_detail, name="supplier-detail"),
    path(
        "suppliers/<uuid:supplier>/contracts/new/",
        contracts.contract_create,
        name="supplier-contract-create",
    ),
    path(
        "suppliers/<uuid:supplier>/subprocessors/new/",
        evidence.subprocessor_add,
        name="supplier-subprocessor-add",
    ),
    path(
        "suppliers/<uuid:supplier>/certificates/new/",
        evidence.certificate_add,
        name="supplier-certificate-add",
    ),
    path(
        "suppliers/<uuid:supplier>/pentests/new/",
        evidence.pentest_add,
        name="supplier-pentest-add",
    ),
    path("contracts/<uuid:contract>/", contracts.contract_detail, name="supplier-contract-detail"),
    path("contracts/<uuid:contract>/edit/", contracts.contract_edit, name="supplier-contract-edit"),
    path(
        "contracts/<uuid:contract>/agreement/",
        contracts.agreement_set,
        name="supplier-agreement",
    ),
    path(
        "contracts/<uuid:contract>/locations/new/",
        contracts.location_add,
        name="supplier-location-add",
    ),
    path("processing-register/", register.processing_register, name="processing-register"),
    path(
        "processing-register.<str:fmt>",
        register.processing_register_download,
        name="processing-register-download",
    ),
    path("documents/<uuid:document>/", document_download, name="document-download"),
]
