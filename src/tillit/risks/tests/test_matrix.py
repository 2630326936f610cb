"""The matrix rules: levels, bands and rescaling, for every size."""

from __future__ import annotations

import pytest
from django.utils import translation

from tillit.risks.matrix import MATRICES, Band, rescale


def _bands(size: int) -> dict[Band, list[int]]:
    matrix = MATRICES[size]
    return {band: matrix.levels_in(band) for band in Band}


def test_the_level_is_the_cell_s_diagonal() -> None:
    matrix = MATRICES[4]
    assert matrix.level(1, 1) == 1
    assert matrix.level(4, 4) == 7
    assert matrix.level(2, 3) == matrix.level(3, 2) == matrix.level(1, 4) == 4
    assert list(matrix.levels) == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("size", "bands"),
    [
        (3, {Band.LOW: [1, 2], Band.MEDIUM: [3], Band.HIGH: [4], Band.CRITICAL: [5]}),
        (4, {Band.LOW: [1, 2], Band.MEDIUM: [3, 4], Band.HIGH: [5], Band.CRITICAL: [6, 7]}),
        (
            5,
            {Band.LOW: [1, 2, 3], Band.MEDIUM: [4, 5], Band.HIGH: [6, 7], Band.CRITICAL: [8, 9]},
        ),
    ],
)
def test_every_level_of_every_size_is_in_exactly_one_band(
    size: int, bands: dict[Band, list[int]]
) -> None:
    assert _bands(size) == bands
    matrix = MATRICES[size]
    assert matrix.band(1) == Band.LOW
    assert matrix.band(matrix.max_level) == Band.CRITICAL
    assert matrix.level(size, size) == 2 * size - 1
    assert len(matrix.likelihoods) == len(matrix.consequences) == size
    # Bands never go down as the level rises.
    order = list(Band)
    ranks = [order.index(matrix.band(level)) for level in matrix.levels]
    assert ranks == sorted(ranks)
    assert [r.band for r in matrix.ranges()] == order
    assert matrix.band(matrix.default_appetite) == Band.MEDIUM


def test_the_4_by_4_labels() -> None:
    # English msgids; the Swedish ones (låg … mycket hög, begränsad … mycket allvarlig) come
    # from the catalogue.
    matrix = MATRICES[4]
    with translation.override("en"):
        assert [str(x) for x in matrix.likelihoods] == ["Low", "Medium", "High", "Very high"]
        assert [str(x) for x in matrix.consequences] == [
            "Limited",
            "Moderate",
            "Serious",
            "Very serious",
        ]


@pytest.mark.parametrize("value", [0, 5, -1, "2", 2.0, None, True])
def test_values_off_the_matrix_are_refused(value: object) -> None:
    matrix = MATRICES[4]
    assert not matrix.valid(value)
    with pytest.raises(ValueError, match="not a cell"):
        matrix.level(value, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a level"):
        matrix.band(8)


def test_rescaling_keeps_the_relative_place_and_the_ends() -> None:
    assert [rescale(v, 4, 5) for v in range(1, 5)] == [1, 2, 4, 5]
    assert [rescale(v, 4, 3) for v in range(1, 5)] == [1, 2, 2, 3]
    assert [rescale(v, 5, 3) for v in range(1, 6)] == [1, 2, 2, 3, 3]
    assert [rescale(v, 3, 5) for v in range(1, 4)] == [1, 3, 5]
    assert [rescale(v, 5, 4) for v in range(1, 6)] == [1, 2, 3, 3, 4]
    for old in MATRICES:
        for new in MATRICES:
            values = [rescale(v, old, new) for v in range(1, old + 1)]
            assert values[0] == 1
            assert values[-1] == new
            assert values == sorted(values)
    with pytest.raises(ValueError, match="cannot rescale"):
        rescale(5, 4, 3)
    with pytest.raises(ValueError, match="cannot rescale"):
        rescale(2, 4, 6)
