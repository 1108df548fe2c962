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


# ---------------------------------------------------------------------------------------
# Staff figures: the group rules live in the same module.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "public"),
    [
        (7, False),  # the unit of seven in the finding
        (9.9, False),
        (10, False),  # "högst tio": a group of ten gets no figure either (lag 1997:614 4 kap. 1 a §)
        (10.5, False),
        (11, True),
        (40, True),
    ],
)
def test_sick_leave_is_published_only_for_groups_of_more_than_ten(employees, public):
    assert suppression.STAFF_SICK_LEAVE_MIN_GROUP == 11
    assert suppression.sick_leave_is_public(employees) is public


@pytest.mark.parametrize(("count", "label"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5)])
def test_leavers_are_suppressed_like_children(count, label):
    assert suppression.suppress_leavers(count).to_public() == label


@pytest.mark.parametrize(
    ("counts", "hide_small_rows", "expected"),
    [
        # nothing small: everything published, totals add up
        ({"a": {"x": 5, "y": 6}, "b": {"x": 7, "y": 0}}, True,
         {"cells": {"a": {"x": 5, "y": 6}, "b": {"x": 7, "y": 0}}, "row_totals": {"a": 11, "b": 7},
          "column_totals": {"x": 12, "y": 6}, "total": 18}),
        # one small cell hides its row total, its column total and the grand total
        ({"a": {"x": 5, "y": 2}, "b": {"x": 7, "y": 9}}, False,
         {"cells": {"a": {"x": 5, "y": "<5"}, "b": {"x": 7, "y": 9}}, "row_totals": {"a": HIDDEN, "b": 16},
          "column_totals": {"x": 12, "y": HIDDEN}, "total": HIDDEN}),
        # a group of one (row total 1, at most the threshold) is hidden altogether, its zeros too
        ({"a": {"x": 1, "y": 0}, "b": {"x": 7, "y": 9}}, True,
         {"cells": {"a": {"x": HIDDEN, "y": HIDDEN}, "b": {"x": 7, "y": 9}},
          "row_totals": {"a": HIDDEN, "b": 16}, "column_totals": {"x": HIDDEN, "y": HIDDEN}, "total": HIDDEN}),
    ],
)
def test_suppress_table(counts, hide_small_rows, expected):
    assert suppression.suppress_table(counts, hide_small_rows=hide_small_rows).as_json() == expected


def test_suppress_table_refuses_negative_counts_and_unknown_columns():
    with pytest.raises(ValueError):
        suppression.suppress_table({"a": {"x": -1}})
    with pytest.raises(ValueError):
        suppression.suppress_table({"a": {"x": 1, "z": 2}}, columns=("x",))


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 4))
    n_columns = draw(st.integers(1, 4))
    counts = {f"r{i}": {f"c{j}": draw(small_biased) for j in range(n_columns)} for i in range(n_rows)}
    threshold = draw(st.integers(2, 6))
    hide_small_rows = draw(st.booleans())
    hide_rows = draw(st.sets(st.sampled_from(sorted(counts))))
    return counts, threshold, hide_small_rows, hide_rows


def _changed(counts, row, column, delta):
    other = {r: dict(cols) for r, cols in counts.items()}
    other[row][column] += delta
    return other


@settings(max_examples=400, deadline=None)
@given(count_tables())
@example(({"r0": {"c0": 1, "c1": 0}, "r1": {"c0": 9, "c1": 9}}, 4, True, set()))
@example(({"r0": {"c0": 1}}, 2, True, set()))  # a group of one in one column: hidden, 2 would look the same
@example(({"r0": {"c0": 2, "c1": 1}}, 2, True, set()))  # a shown group of 3 under "<3": (1, 2) looks the same
@example(({"r0": {"c0": 3, "c1": 20}, "r1": {"c0": 20, "c1": 20}}, 4, False, set()))
@example(({"r0": {"c0": 30, "c1": 20}, "r1": {"c0": 20, "c1": 20}}, 4, False, {"r0"}))
def test_no_suppressed_table_cell_can_be_recovered(drawn):
    """For every suppressed cell another valid table, different in that cell, gives the same output.

    Valid: no negative counts. The alternative changes the one cell only, so every published figure
    (cells, row totals, column totals, grand total) must stay the same: from within the output, the
    cell cannot be told apart from its alternative, by totals, subtotals or differences.
    """
    counts, threshold, hide_small_rows, hide_rows = drawn
    published = suppression.suppress_table(counts, threshold, hide_small_rows=hide_small_rows, hide_rows=hide_rows)
    output = published.as_json()
    for row in published.rows:
        for column in published.columns:
            cell = published.cells[row][column]
            if not cell.suppressed:
                assert cell.value == counts[row][column]
                continue
            found = False
            partners = [None] + [c for c in published.columns if c != column and published.cells[row][c].suppressed]
            for delta in [d for d in range(-threshold - 1, threshold + 2) if d]:
                for partner in partners:  # alone, or moved to another hidden cell of the row
                    other = _changed(counts, row, column, delta)
                    if partner is not None:
                        other[row][partner] -= delta
                    if min(v for cols in other.values() for v in cols.values()) < 0:
                        continue
                    again = suppression.suppress_table(other, threshold, hide_small_rows=hide_small_rows,
                                                       hide_rows=hide_rows)
                    if again.as_json() == output:
                        found = True
                        break
                if found:
                    break
            assert found, f"{row}/{column} can be recovered from {output}"


@settings(max_examples=300, deadline=None)
@given(count_tables())
def test_table_output_holds_no_small_count_and_published_totals_add_up(drawn):
    counts, threshold, hide_small_rows, hide_rows = drawn
    published = suppression.suppress_table(counts, threshold, hide_small_rows=hide_small_rows, hide_rows=hide_rows)
    output = published.as_json()
    numbers = [v for cols in output["cells"].values() for v in cols.values()]
    numbers += list(output["row_totals"].values()) + list(output["column_totals"].values()) + [output["total"]]
    assert not any(isinstance(v, int) and 1 <= v <= threshold for v in numbers)
    for row in published.rows:
        total = published.row_totals[row]
        parts = list(published.cells[row].values())
        assert total.suppressed == any(p.suppressed for p in parts)
        if not total.suppressed:
            assert total.value == sum(p.value for p in parts)
    for column in published.columns:
        total = published.column_totals[column]
        parts = [published.cells[row][column] for row in published.rows]
        assert total.suppressed == any(p.suppressed for p in parts)
        if not total.suppressed:
            assert total.value == sum(p.value for p in parts)
    if not published.total.suppressed:
        assert published.total.value == sum(sum(cols.values()) for cols in counts.values())
    for row in hide_rows:
        assert all(v == HIDDEN for v in output["cells"][row].values())
    if hide_small_rows:
        for row, cols in counts.items():
            if 1 <= sum(cols.values()) <= threshold:
                assert all(v == HIDDEN for v in output["cells"][row].values())


@settings(max_examples=200, deadline=None)
@given(st.lists(small_biased, max_size=30), st.integers(2, 6))
def test_series_shows_no_small_month_and_is_public_only_without_one(values, threshold):
    cells = suppression.suppress_series([float(v) for v in values], threshold)
    assert not any(isinstance(c.to_public(), int) and 1 <= c.to_public() <= threshold for c in cells)
    assert suppression.series_is_public(values, threshold) is (not any(1 <= v <= threshold for v in values))
