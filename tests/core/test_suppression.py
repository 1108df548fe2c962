"""Small-count suppression: no suppressed count can be recovered from a public output."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from stabil.core import suppression
from stabil.core.statistics import GROUPS, MEASURES, ROWS, MonthRange, YearOverYearTable, public_table
from stabil.core.suppression import HIDDEN, Cell, suppress_line, suppress_share


@pytest.mark.parametrize(("threshold", "label"), [(4, "<5"), (2, "<3"), (9, "<10")])
def test_label_follows_the_threshold(threshold, label):
    assert suppression.small_count_label(threshold) == label
    assert suppression.suppress_count(threshold, threshold).label == label
    assert suppression.suppress_count(threshold + 1, threshold).value == threshold + 1


@pytest.mark.parametrize("threshold", [1, 0, -3, 2.5, True])
def test_threshold_below_two_is_refused(threshold):
    with pytest.raises(ValueError):
        suppression.check_threshold(threshold)


@pytest.mark.parametrize(
    ("parts", "total", "published_parts", "published_total"),
    [
        ({"a": 10, "b": 20}, 30, {"a": 10, "b": 20}, 30),
        ({"a": 0, "b": 20}, 20, {"a": 0, "b": 20}, 20),  # zero is published
        ({"a": 3, "b": 20}, 23, {"a": "<5", "b": 20}, HIDDEN),  # total would give the 3
        ({"a": 4, "b": 5}, 9, {"a": "<5", "b": 5}, HIDDEN),
        ({"a": 1, "b": 2}, 3, {"a": "<5", "b": "<5"}, HIDDEN),  # the total is itself small
        ({"a": 1, "b": 0}, 1, {"a": "<5", "b": 0}, HIDDEN),
        ({"a": 0, "b": 0}, 0, {"a": 0, "b": 0}, 0),
    ],
)
def test_suppress_line(parts, total, published_parts, published_total):
    cells, total_cell = suppress_line(parts, total)
    assert {key: cell.to_public() for key, cell in cells.items()} == published_parts
    assert total_cell.to_public() == published_total


def test_suppress_line_refuses_parts_that_do_not_add_up():
    with pytest.raises(ValueError):
        suppress_line({"a": 1, "b": 2}, 4)


@pytest.mark.parametrize(
    ("numerator", "denominator", "hidden"),
    [
        (50, 100, False),
        (0, 100, False),  # none of many: nothing about an individual
        (100, 100, False),
        (3, 100, True),  # numerator small
        (97, 100, True),  # complement small: "all but three"
        (0, 3, True),  # denominator small
        (5, 10, False),
    ],
)
def test_suppress_share(numerator, denominator, hidden):
    assert suppress_share(numerator, denominator) is hidden


def test_change_cells_are_hidden_when_either_end_is_hidden():
    cells = [Cell(10, "10"), Cell(None, "<5"), Cell(20, "20"), Cell(25, "25")]
    assert [c.to_public() for c in suppression.public_change_cells(cells)] == [HIDDEN, HIDDEN, 25]


# ---------------------------------------------------------------------------------------
# Property: for every suppressed cell, another table with a different value in that cell
# gives exactly the same public output (so the cell cannot be recovered from it).
# ---------------------------------------------------------------------------------------

small_biased = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def tables(draw):
    n_years = draw(st.integers(1, 4))
    years = tuple(range(2012, 2012 + n_years))
    counts = {}
    for measure in MEASURES:
        counts[measure] = {group: {y: draw(small_biased) for y in years} for group in GROUPS}
        counts[measure]["total"] = {y: sum(counts[measure][g][y] for g in GROUPS) for y in years}
    months = MonthRange(1, draw(st.integers(1, 12)))
    threshold = draw(st.integers(2, 6))
    return YearOverYearTable(years=years, months=months, counts=counts), threshold


def with_changes(table, measure, year, changes):
    counts = {m: {r: dict(v) for r, v in rows.items()} for m, rows in table.counts.items()}
    for row, delta in changes.items():
        counts[measure][row][year] += delta
    return YearOverYearTable(years=table.years, months=table.months, counts=counts)


def alternatives(table, measure, year, group, threshold, published):
    """Yield tables that differ from `table` in `group` and in other hidden cells of its line."""
    column = published.cells[measure]
    hidden_parts = [g for g in GROUPS if g != group and column[g][year].suppressed]
    for delta in [d for d in range(-threshold - 1, threshold + 2) if d]:
        for other in hidden_parts:
            yield {group: delta, other: -delta}
        if column["total"][year].suppressed:
            yield {group: delta, "total": delta}


def is_valid(table):
    for measure in MEASURES:
        for year in table.years:
            values = [table.counts[measure][g][year] for g in GROUPS]
            if min(values) < 0 or sum(values) != table.counts[measure]["total"][year]:
                return False
    return True


def _two_ones_under_three():
    """Two parts of 1 under "<3": a "<3" total would pin both to 1 (found by this test)."""
    counts = {m: {"barn": {2012: 0}, "ungdom": {2012: 1}, "ensamkommande": {2012: 1}, "total": {2012: 2}}
              for m in MEASURES}
    return YearOverYearTable(years=(2012,), months=MonthRange(1, 8), counts=counts), 2


@settings(max_examples=400, deadline=None)
@given(tables())
@example(_two_ones_under_three())
def test_no_suppressed_count_can_be_recovered(drawn):
    table, threshold = drawn
    published = public_table(table, threshold)
    output = published.as_json()
    for measure in MEASURES:
        for year in table.years:
            for row in ROWS:
                cell = published.cells[measure][row][year]
                if not cell.suppressed:
                    assert cell.value == table.count(measure, row, year)
                    continue
                if row == "total":
                    continue  # a hidden total is covered through its parts below
                found = False
                for changes in alternatives(table, measure, year, row, threshold, published):
                    other = with_changes(table, measure, year, changes)
                    if is_valid(other) and public_table(other, threshold).as_json() == output:
                        found = True
                        break
                assert found, f"{measure} {row} {year} can be recovered from {output}"


@settings(max_examples=200, deadline=None)
@given(tables())
def test_small_counts_never_appear_in_public_output(drawn):
    table, threshold = drawn
    output = public_table(table, threshold).as_json()
    for measure in MEASURES:
        for row in ROWS:
            for value in output[measure][row].values():
                assert not (isinstance(value, int) and 1 <= value <= threshold)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_published_totals_add_up_and_hidden_totals_leave_no_equation(drawn):
    table, threshold = drawn
    published = public_table(table, threshold)
    for measure in MEASURES:
        for year in table.years:
            total = published.cells[measure]["total"][year]
            parts = [published.cells[measure][g][year] for g in GROUPS]
            if any(p.suppressed for p in parts):
                assert total.suppressed
            if not total.suppressed:
                assert total.value == sum(p.value for p in parts)
