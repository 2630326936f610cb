"""What every kind of import shares: the interface a kind implements, a row read cell by cell
(every bad cell a Problem naming its row and column), and look-ups of what rows refer to."""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.imports.problems import Problem
from tillit.lib.dates import in_range, out_of_range
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")
BATCH_SIZE = 2000
# IN look-ups are split so that no query passes a database's limit on parameters.
CHUNK_SIZE = 900
COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]+")

# ("SE", organisationsnummer) for a Swedish supplier, (country, registration number) otherwise.
SupplierKey = tuple[str, str]


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(kw_only=True, slots=True)
class Record:
    row: int
    action: Action


R = TypeVar("R", bound=Record)


def chunked(values: Collection[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


@lru_cache(maxsize=100_000)
def _orgnr(value: str) -> str | ValidationError:
    try:
        return normalise_orgnr(value)
    except ValidationError as exc:
        return exc


@lru_cache(maxsize=10_000)
def _iso_date(value: str) -> dt.date | None:
    """The date, or None if the text is not one. Imports repeat the same dates many times."""
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return None


@lru_cache(maxsize=1_000)
def _country_codes(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The known codes in a cell and the unknown ones, each sorted, each once."""
    codes = {code.strip().upper() for code in value.split(";") if code.strip()}
    return tuple(sorted(codes & COUNTRIES)), tuple(sorted(codes - COUNTRIES))


def orgnr_or_none(value: str) -> str | None:
    result = _orgnr(value)
    return result if isinstance(result, str) else None


def supplier_key(value: str) -> SupplierKey | ValidationError:
    """A supplier named by its Swedish orgnr, or by COUNTRY:REGISTRATION_NUMBER."""
    return _known_supplier_key(value) or _supplier_key(value)


@lru_cache(maxsize=100_000)
def _known_supplier_key(value: str) -> SupplierKey | None:
    """The same suppliers recur on thousands of rows. Only keys are remembered: a problem's
    message is in the language of the import that has it."""
    result = _supplier_key(value)
    return result if isinstance(result, tuple) else None


def _supplier_key(value: str) -> SupplierKey | ValidationError:
    country, separator, number = value.partition(":")
    if not separator:
        country, number = "SE", value
    country, number = country.strip().upper(), number.strip()
    if country == "SE":
        result = _orgnr(number)
        return ("SE", result) if isinstance(result, str) else result
    if country not in COUNTRIES:
        return ValidationError(_("Unknown country code: %(code)s") % {"code": country}, "country")
    if not number or len(number) > 50:
        return ValidationError(
            _("Write a foreign supplier as country code and registration number, e.g. US:123456."),
            "registration_number",
        )
    return (country, number)


def suppliers_by_key(keys: Collection[SupplierKey]) -> dict[SupplierKey, Supplier]:
    found: dict[SupplierKey, Supplier] = {}
    swedish = {number for country, number in keys if country == "SE"}
    foreign = {number for country, number in keys if country != "SE"}
    for chunk in chunked(swedish):
        for supplier in Supplier.objects.filter(orgnr__in=chunk):
            found["SE", str(supplier.orgnr)] = supplier
    for chunk in chunked(foreign):
        for supplier in Supplier.objects.filter(registration_number__in=chunk):
            found[supplier.country, str(supplier.registration_number)] = supplier
    return found


def supplier_label(key: SupplierKey) -> str:
    return key[1] if key[0] == "SE" else f"{key[0]}:{key[1]}"


class Row:
    """One data row, read cell by cell: a bad cell adds a Problem and marks the row failed."""

    # A file holds up to 200,000 rows: slots halve the objects the garbage collector goes over.
    __slots__ = ("_cells", "_index", "_problems", "failed", "number")

    def __init__(
        self, number: int, cells: list[str], index: Mapping[str, int], problems: list[Problem]
    ) -> None:
        self.number = number
        self.failed = False
        self._cells = cells
        self._index = index
        self._problems = problems

    def __getitem__(self, column: str) -> str:
        position = self._index[column]
        return self._cells[position] if position < len(self._cells) else ""

    def error(self, column: str | None, message: str, code: str) -> None:
        self._problems.append(Problem(self.number, column, message, code))
        self.failed = True

    def _empty(self, column: str) -> None:
        self.error(column, _("The cell is empty."), "required")

    def text(self, column: str, *, max_length: int = 200) -> str:
        value = self[column]
        if not value:
            self._empty(column)
        elif len(value) > max_length:
            self.error(
                column, _("At most %(count)s characters.") % {"count": max_length}, "too_long"
            )
        return value

    def choice(self, column: str, options: Mapping[str, T]) -> T | None:
        value = self[column].lower()
        if value in options:
            return options[value]
        allowed = ", ".join(options)
        if value:
            message = _("“%(value)s” is not one of: %(allowed)s.") % {
                "value": self[column],
                "allowed": allowed,
            }
        else:
            message = _("The cell is empty: write one of %(allowed)s.") % {"allowed": allowed}
        self.error(column, message, "choice")
        return None

    def integer(self, column: str, *, required: bool, most: int) -> int | None:
        """A whole number from 0 to most: the limit the services hold it to (an import that
        let more in left a row that no later edit could save)."""
        value = self[column]
        if not value:
            if required:
                self._empty(column)
            return None
        if not _INTEGER.fullmatch(value) or not 0 <= int(value) <= most:
            self.error(
                column,
                _("“%(value)s” is not a whole number from 0 to %(most)s.")
                % {"value": value, "most": most},
                "integer",
            )
            return None
        return int(value)

    def level(self, column: str) -> int | None:
        value = self[column]
        if _INTEGER.fullmatch(value) and 0 <= int(value) <= 4:
            return int(value)
        self.error(column, _("Choose a level from 0 to 4."), "level_range")
        return None

    def date(self, column: str) -> dt.date | None:
        """An ISO date, YYYY-MM-DD; None if the cell is empty."""
        value = self[column]
        if not value:
            return None
        date = _iso_date(value)
        if date is None:
            self.error(
                column,
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-01-31.")
                % {"value": value},
                "date",
            )
        elif not in_range(date):
            self.error(column, out_of_range(), "date_range")
            return None
        return date

    def orgnr(self, column: str) -> str | None:
        value = self[column]
        if not value:
            self._empty(column)
            return None
        result = _orgnr(value)
        if isinstance(result, str):
            return result
        self.error(column, " ".join(result.messages), result.code or "orgnr")
        return None

    def country(self, column: str, *, default: str | None = None) -> str | None:
        value = self[column].upper()
        if not value and default is not None:
            return default
        if value in COUNTRIES:
            return value
        if not value:
            self._empty(column)
        else:
            self.error(column, _("Unknown country code: %(code)s") % {"code": value}, "country")
        return None

    def countries(self, column: str) -> tuple[str, ...] | None:
        """Country codes separated by “;” (none if the cell is empty), sorted, each once."""
        codes, unknown = _country_codes(self[column])
        if unknown:
            self.error(
                column,
                _("Unknown country codes: %(codes)s. Write ISO 3166 codes such as SE;FI.")
                % {"codes": ", ".join(unknown)},
                "country",
            )
            return None
        return codes

    def supplier_key(self, column: str) -> SupplierKey | None:
        value = self[column]
        if not value:
            self._empty(column)
            return None
        result = supplier_key(value)
        if isinstance(result, tuple):
            return result
        self.error(column, " ".join(result.messages), result.code or "supplier")
        return None


class Importer(ABC, Generic[R]):
    """One kind of import, a plug-in: its columns, how a row becomes a typed record and how all
    records are written. load() fetches what the rows refer to in a few queries, so that
    validating a row costs no query; apply() writes in bulk."""

    key: ClassVar[str]
    label: ClassVar[StrOrPromise]
    columns: ClassVar[tuple[str, ...]]
    operator_only: ClassVar[bool] = False

    def __init__(self, *, organisation: Organisation | None, acting_user: User | None) -> None:
        self.organisation = organisation
        self.acting_user = acting_user
        self._seen: dict[Hashable, int] = {}
        self._organisations: dict[str, Organisation] = {}
        self._suppliers: dict[SupplierKey, Supplier] = {}

    @classmethod
    @abstractmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        """One example row, for the downloadable template."""

    @abstractmethod
    def load(self, rows: list[Row]) -> None:
        """Fetch everything the rows refer to."""

    @abstractmethod
    def validate(self, row: Row) -> R | None:
        """The row as a record with the action it calls for, or None if it has problems."""

    @abstractmethod
    def apply(self, records: list[R]) -> models.Model | None:
        """Write every record, inside the caller's transaction. Return an object written (if
        any): the audit record of an import without an organisation is attached to it."""

    def claim(self, row: Row, key: Hashable, column: str) -> None:
        """Refuse a second row for the same object: which row should win would be a guess."""
        first = self._seen.setdefault(key, row.number)
        if first != row.number:
            row.error(
                column,
                _("Row %(row)s already imports the same object.") % {"row": first},
                "duplicate_row",
            )

    def load_organisations(self, rows: list[Row], column: str) -> None:
        if self.organisation is not None:
            self._organisations = {self.organisation.orgnr: self.organisation}
            return
        orgnrs = {orgnr for row in rows if (orgnr := orgnr_or_none(row[column]))}
        self._organisations = {
            organisation.orgnr: organisation
            for chunk in chunked(orgnrs)
            for organisation in Organisation.objects.filter(orgnr__in=chunk)
        }

    def known_organisation(self, row: Row, column: str) -> Organisation | None:
        """The organisation the row names, if it is known; validate() reports it if not."""
        return self._organisations.get(orgnr_or_none(row[column]) or "")

    def organisation_of(self, row: Row, column: str) -> Organisation | None:
        orgnr = row.orgnr(column)
        if orgnr is None:
            return None
        found = self._organisations.get(orgnr)
        if found is None and self.organisation is not None:
            row.error(
                column,
                _("The row is for %(orgnr)s, but you are importing into %(name)s (%(own)s).")
                % {"orgnr": orgnr, "name": self.organisation.name, "own": self.organisation.orgnr},
                "other_organisation",
            )
        elif found is None:
            row.error(
                column,
                _("No organisation with organisation number %(orgnr)s is registered.")
                % {"orgnr": orgnr},
                "unknown_organisation",
            )
        return found

    def load_suppliers(self, rows: list[Row], columns: tuple[str, ...]) -> None:
        keys = {
            key
            for row in rows
            for column in columns
            if isinstance(key := supplier_key(row[column]), tuple)
        }
        self._suppliers = suppliers_by_key(keys)

    def supplier_of(self, row: Row, column: str) -> Supplier | None:
        key = row.supplier_key(column)
        if key is None:
            return None
        found = self._suppliers.get(key)
        if found is None:
            row.error(
                column,
                _("No supplier %(supplier)s is registered: import it as a supplier first.")
                % {"supplier": supplier_label(key)},
                "unknown_supplier",
            )
        return found
