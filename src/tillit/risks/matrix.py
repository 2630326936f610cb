"""The risk matrix: its sizes, the labels of its rows and columns, how a cell's level is derived
and which band each level falls in. The rules live here and nowhere else; the pages explain them
from this data.

A cell's level is its position in the matrix: likelihood + consequence - 1, the diagonal it lies
on counted from the lowest corner. A 4 by 4 matrix has levels 1 (low likelihood, limited
consequence) to 7 (very high likelihood, very serious consequence). Each level belongs to one
band: low, medium, high or critical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Band(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


# What each band asks of the organisation, shown beside the matrix.
BAND_MEANING: dict[Band, StrPromise] = {
    Band.LOW: _("Accept, or reduce when it is cheap to do so."),
    Band.MEDIUM: _("Reduce where it is reasonable; follow up at each review."),
    Band.HIGH: _("Reduce with a plan, an owner and a deadline; management is told."),
    Band.CRITICAL: _("Act now; only management may decide to live with it."),
}


@dataclass(frozen=True)
class BandRange:
    band: Band
    first: int
    last: int
    meaning: StrPromise


@dataclass(frozen=True)
class Matrix:
    size: int
    likelihoods: tuple[StrPromise, ...]  # labels of likelihood 1, 2, …
    consequences: tuple[StrPromise, ...]  # labels of consequence 1, 2, …
    bands: tuple[Band, ...]  # the band of level 1, 2, … 2 * size - 1
    default_appetite: int

    def __post_init__(self) -> None:
        if not len(self.likelihoods) == len(self.consequences) == self.size:
            raise ValueError(f"a matrix of {self.size} needs {self.size} labels on each axis")
        if len(self.bands) != self.max_level:
            raise ValueError(f"a matrix of {self.size} needs a band for each of its levels")
        if not 1 <= self.default_appetite <= self.max_level:
            raise ValueError("the default appetite must be one of the matrix's levels")

    @property
    def max_level(self) -> int:
        return 2 * self.size - 1

    @property
    def levels(self) -> range:
        return range(1, self.max_level + 1)

    @property
    def values(self) -> range:
        return range(1, self.size + 1)

    def valid(self, value: object) -> bool:
        """Whether value is a likelihood or consequence on this matrix."""
        return type(value) is int and 1 <= value <= self.size

    def level(self, likelihood: int, consequence: int) -> int:
        if not (self.valid(likelihood) and self.valid(consequence)):
            raise ValueError(
                f"({likelihood}, {consequence}) is not a cell of a matrix of {self.size}"
            )
        return likelihood + consequence - 1

    def band(self, level: int) -> Band:
        if type(level) is not int or not 1 <= level <= self.max_level:
            raise ValueError(f"{level} is not a level of a matrix of {self.size}")
        return self.bands[level - 1]

    def levels_in(self, band: Band | str) -> list[int]:
        return [level for level in self.levels if self.bands[level - 1] == band]

    def ranges(self) -> list[BandRange]:
        """Each band with its first and last level and what it asks, for the explanation."""
        return [
            BandRange(band, levels[0], levels[-1], BAND_MEANING[band])
            for band in Band
            if (levels := self.levels_in(band))
        ]

    def likelihood_label(self, value: int) -> StrPromise:
        return self.likelihoods[value - 1]

    def consequence_label(self, value: int) -> StrPromise:
        return self.consequences[value - 1]


MATRICES: dict[int, Matrix] = {
    3: Matrix(
        size=3,
        likelihoods=(_("Low"), _("Medium"), _("High")),
        consequences=(_("Limited"), _("Considerable"), _("Serious")),
        bands=(Band.LOW, Band.LOW, Band.MEDIUM, Band.HIGH, Band.CRITICAL),
        default_appetite=3,
    ),
    4: Matrix(
        size=4,
        likelihoods=(_("Low"), _("Medium"), _("High"), _("Very high")),
        consequences=(_("Limited"), _("Moderate"), _("Serious"), _("Very serious")),
        bands=(
            Band.LOW,
            Band.LOW,
            Band.MEDIUM,
            Band.MEDIUM,
            Band.HIGH,
            Band.CRITICAL,
            Band.CRITICAL,
        ),
        default_appetite=4,
    ),
    5: Matrix(
        size=5,
        likelihoods=(_("Very low"), _("Low"), _("Medium"), _("High"), _("Very high")),
        consequences=(
            _("Negligible"),
            _("Limited"),
            _("Moderate"),
            _("Serious"),
            _("Very serious"),
        ),
        bands=(
            Band.LOW,
            Band.LOW,
            Band.LOW,
            Band.MEDIUM,
            Band.MEDIUM,
            Band.HIGH,
            Band.HIGH,
            Band.CRITICAL,
            Band.CRITICAL,
        ),
        default_appetite=5,
    ),
}
DEFAULT_SIZE = 4
SIZES = tuple(sorted(MATRICES))


def size_label(size: int) -> str:
    """4 → '4 x 4' with a multiplication sign (escaped: ruff flags the character in source)."""
    return f"{size} \u00d7 {size}"


def rescale(value: int, old_size: int, new_size: int) -> int:
    """A likelihood or consequence on an old_size matrix moved to a new_size one: the same
    relative position (1 stays 1, the top stays the top), rounded half up. Deterministic, but
    not reversible when the new matrix is smaller (two values may become one)."""
    if not MATRICES[old_size].valid(value) or new_size not in MATRICES:
        raise ValueError(f"cannot rescale {value} from {old_size} to {new_size}")
    # 1 + (value - 1)(new - 1)/(old - 1), rounded half up, in integers.
    return (2 * (value - 1) * (new_size - 1) + (old_size - 1)) // (2 * (old_size - 1)) + 1
