from __future__ import annotations

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.datastructures import MultiValueDict

from tillit.documents.forms import DocumentField


class _Form(forms.Form):
    document = DocumentField(required=False)


class _Unreadable(SimpleUploadedFile):
    def read(self, *args: object) -> bytes:
        pytest.fail("an oversized upload was read")


def _files(upload: UploadedFile) -> MultiValueDict[str, UploadedFile]:
    return MultiValueDict({"document": [upload]})


def _errors(upload: SimpleUploadedFile) -> list[str]:
    form = _Form(files=_files(upload))
    return [] if form.is_valid() else [e.code or "" for e in form.errors.as_data()["document"]]


def test_a_good_file_passes_and_can_be_read_again() -> None:
    form = _Form(files=_files(SimpleUploadedFile("avtal.pdf", b"%PDF-1.7")))
    assert form.is_valid()
    assert form.cleaned_data["document"].read() == b"%PDF-1.7"  # rewound after the check


def test_a_refused_file_is_reported_on_the_field() -> None:
    assert _errors(SimpleUploadedFile("avtal.pdf", b"not a pdf")) == ["mismatch"]
    assert _errors(SimpleUploadedFile("virus.exe", b"MZ")) == ["type"]


def test_an_oversized_file_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tillit.documents.forms.MAX_SIZE", 4)
    assert _errors(_Unreadable("rapport.txt", b"12345")) == ["too_large"]


def test_no_file_is_fine_when_optional() -> None:
    assert _Form(files=MultiValueDict()).is_valid()
