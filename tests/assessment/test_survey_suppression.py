"""Small-cell suppression: hidden cells, complementary protection, no leak by subtraction."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessment.survey.suppression import suppress_table, suppression_mask
from assessment.survey.types import Hidden


def test_a_lone_small_cell_takes_the_smallest_other_cell_with_it():
    mask = suppression_mask([[3, 20, 8, 40]])
    assert mask.cells.tolist() == [[True, False, True, False]]
    assert not mask.row_totals[0]


def test_two_small_cells_summing_below_the_threshold_need_a_third():
    mask = suppression_mask([[1, 2, 30, 9]])
    assert mask.cells.tolist() == [[True, True, False, True]]


def test_a_row_of_small_cells_hides_its_total_too():
    mask = suppression_mask([[1, 2], [10, 12]])
    assert mask.cells.tolist() == [[True, True], [False, False]]
    assert mask.row_totals.tolist() == [True, False]


def test_zero_counts_are_small_cells():
    assert suppression_mask([[0, 10, 10]]).cells[0, 0]


def test_column_totals_protect_columns_as_well():
    table = [[3, 10], [10, 10], [20, 30]]
    mask = suppression_mask(table, column_totals=True)
    hidden_in_col0 = mask.cells[:, 0].sum()
    assert hidden_in_col0 >= 2


def test_threshold_is_a_parameter():
    assert not suppression_mask([[7, 9]], threshold=5).cells.any()
    assert suppression_mask([[7, 9]], threshold=10).cells.all()


def test_suppressed_table_hides_shares_and_serialises_as_label():
    table = suppress_table([[3, 20, 8, 40], [10, 10, 10, 10]], ["g1", "g2"], [1, 2, 3, 4])
    assert isinstance(table.cells[0][0], Hidden) and str(table.cells[0][0]) == "<5"
    assert isinstance(table.shares[0][2], Hidden)
    assert table.shares[1][0] == pytest.approx(25.0)
    data = table.to_dict()
    assert data["cells"][0] == ["<5", 20, "<5", 40]
    assert data["row_totals"] == [71, 40]
    json.dumps(data)
    with pytest.raises(TypeError):
        table.cells[0][0] + 1  # a hidden number cannot be used in arithmetic


def test_respondent_tables_may_show_zeros():
    mask = suppression_mask([[0, 10, 10]], zero_is_small=False)
    assert not mask.cells.any()
    assert suppression_mask([[0, 3, 10, 12]], zero_is_small=False).cells.tolist() == [
        [True, True, True, False]
    ]


def test_rows_hidden_elsewhere_are_hidden_whole_and_still_protected():
    mask = suppression_mask([[20, 30], [10, 40], [12, 8]], column_totals=True, hide_rows=[1, 0, 0])
    assert mask.cells[0].all() and mask.row_totals[0]
    assert mask.cells[:, 0].sum() >= 2 and mask.cells[:, 1].sum() >= 2


def _check_no_leak(
    table: np.ndarray, threshold: int, column_totals: bool, zero_is_small: bool = True
) -> None:
    mask = suppression_mask(
        table, threshold=threshold, column_totals=column_totals, zero_is_small=zero_is_small
    )
    rows, cols = table.shape
    full = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    full[:rows, :cols] = table
    full[:rows, cols] = table.sum(axis=1)
    full[rows, :cols] = table.sum(axis=0)
    full[rows, cols] = table.sum()
    hidden = np.zeros_like(full, dtype=bool)
    hidden[:rows, :cols] = mask.cells
    hidden[:rows, cols] = mask.row_totals
    hidden[rows, :cols] = mask.column_totals if column_totals else True
    hidden[rows, cols] = mask.grand_total if column_totals else True
    # Nothing below the threshold is ever shown.
    shown = full[~hidden]
    assert ((shown >= threshold) | (~zero_is_small & (shown == 0))).all()
    # No shown total lets a lone hidden part, or a small hidden sum, be recovered.
    for line_full, line_hidden in ((full, hidden), (full.T, hidden.T)):
        for values, is_hidden in zip(line_full, line_hidden, strict=True):
            if is_hidden[-1]:
                continue
            parts = is_hidden[:-1]
            assert parts.sum() != 1
            assert parts.sum() == 0 or values[:-1][parts].sum() >= threshold


tables = arrays(
    np.int64,
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
    elements=st.integers(0, 40),
)


@given(tables, st.integers(1, 10), st.booleans(), st.booleans())
def test_suppression_never_leaks_a_small_cell(table, threshold, column_totals, zero_is_small):
    _check_no_leak(table, threshold, column_totals, zero_is_small)


@given(tables)
def test_every_shown_share_comes_from_a_shown_cell_and_total(table):
    rows, cols = table.shape
    result = suppress_table(table, list(range(rows)), list(range(cols)))
    for i in range(rows):
        for j in range(cols):
            if not isinstance(result.shares[i][j], Hidden):
                assert not isinstance(result.cells[i][j], Hidden)
                assert not isinstance(result.row_totals[i], Hidden)
                assert result.cells[i][j] >= 5


def test_negative_or_flat_input_is_rejected():
    with pytest.raises(ValueError):
        suppression_mask([[-1, 5]])
    with pytest.raises(ValueError):
        suppression_mask([1, 2, 3])
