import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elevhalsa_analysis.suppression import FOOTNOTE, MIN_GROUP, suppress, suppress_shares, suppress_table, suppressed_groups


def test_small_group_and_complement_hidden():
    # B = 3 alone would be 20 − 10 − 7; the smallest other group (C) goes too.
    assert suppress({"A": 10, "B": 3, "C": 7}, total=20) == {"A": 10, "B": None, "C": None}


def test_no_complement_when_total_has_unaccounted_people():
    assert suppress({"A": 10, "B": 3, "C": 7}, total=22) == {"A": 10, "B": None, "C": 7}


def test_complement_tie_goes_to_first_key():
    assert suppress({"A": 9, "B": 2, "C": 9}, total=20) == {"A": None, "B": None, "C": 9}


def test_zero_is_shown_and_not_preferred_as_complement():
    assert suppress({"A": 0, "B": 4, "C": 8, "D": 6}, total=18) == {"A": 0, "B": None, "C": 8, "D": None}


def test_two_hidden_ones_get_a_complement():
    # Two hidden cells summing to 2 can only be 1 and 1.
    assert suppress({"A": 1, "B": 1, "C": 6, "D": 9}, total=17) == {"A": None, "B": None, "C": None, "D": 9}


def test_two_hidden_fours_get_a_complement():
    # "Fewer than 5" and a sum of 8 can only be 4 and 4.
    assert suppress({"A": 4, "B": 4, "C": 6, "D": 9}, total=23) == {"A": None, "B": None, "C": None, "D": 9}


def test_two_hidden_with_freedom_need_no_complement():
    assert suppress({"A": 2, "B": 3, "C": 6, "D": 9}, total=20) == {"A": None, "B": None, "C": 6, "D": 9}


def test_empty_group_is_complement_only_as_last_resort():
    assert suppress({"A": 2, "B": 0, "C": 0}, total=2) == {"A": None, "B": None, "C": 0}


def test_lone_group_equal_to_total_stays_hidden():
    assert suppress({"A": 3}, total=3) == {"A": None}


def test_exempt_hides_nothing():
    assert suppress({"A": 1, "B": 2}, total=3, exempt=True) == {"A": 1, "B": 2}


@pytest.mark.parametrize(("counts", "total"), [({"A": -1, "B": 5}, 5), ({"A": 3, "B": 5}, 7)])
def test_impossible_counts_rejected(counts, total):
    with pytest.raises(ValueError):
        suppress(counts, total)


def test_suppressed_groups_keeps_order():
    assert suppressed_groups({"x": None, "y": 5, "z": None}) == ["x", "z"]


def test_suppress_table_marks_rows():
    df = pd.DataFrame({"skolform": ["Grundskola", "Gymnasium", "Anpassad"], "svar": [12, 6, 2], "andel": [0.5, 0.3, 1.0]})
    out = suppress_table(df, "skolform", "svar", total=20)
    assert out["dold"].tolist() == [False, True, True]
    assert out["dold"].dtype == bool
    assert list(out.columns) == ["skolform", "svar", "andel", "dold"]
    assert "dold" not in df.columns


def test_footnote_names_the_threshold():
    assert f"färre än {MIN_GROUP} svar" in FOOTNOTE


@st.composite
def tables(draw):
    # Mostly small groups, so that hidden cells, zeros and ties are common.
    size = st.one_of(st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=30))
    sizes = draw(st.lists(size, min_size=2, max_size=7))
    counts = {f"g{i}": n for i, n in enumerate(sizes)}
    extra = draw(st.sampled_from([0, 0, 0, 1, 2, 7]))  # usually the groups cover the total
    return counts, sum(sizes) + extra


def feasible_values(hidden_count: int, hidden_sum: int, min_n: int) -> list[set[int]]:
    """For each hidden cell, the values a reader who knows the sum and that each hidden
    cell is between 1 and min_n − 1 cannot rule out (brute force)."""
    options: list[set[int]] = [set() for _ in range(hidden_count)]
    for combo in itertools.product(range(1, min_n), repeat=hidden_count):
        if sum(combo) == hidden_sum:
            for i, v in enumerate(combo):
                options[i].add(v)
    return options


@given(tables())
def test_hidden_cells_cannot_be_worked_out(case):
    counts, total = case
    result = suppress(counts, total)
    hidden = suppressed_groups(result)

    # Every small group is hidden, zeros and shown groups keep their value.
    for group, n in counts.items():
        if 0 < n < MIN_GROUP:
            assert result[group] is None
        elif result[group] is not None:
            assert result[group] == n

    covered = total == sum(counts.values())
    if len(hidden) == 1:
        assert not covered, "a lone hidden cell equals total − shown"
    if covered and hidden:
        values = [counts[g] for g in hidden]
        assert len(hidden) >= 2
        if all(0 < v < MIN_GROUP for v in values):
            pinned = any(len(options) < 2 for options in feasible_values(len(values), sum(values), MIN_GROUP))
            # Only acceptable when every group is already hidden: then the values follow
            # from the total itself, which is always shown.
            assert not pinned or set(hidden) == set(counts)


@given(tables())
def test_exempt_never_hides(case):
    counts, total = case
    assert suppress(counts, total, exempt=True) == counts


@given(tables())
def test_complement_only_when_needed(case):
    # Hiding more than necessary also costs readers information: at most one extra group.
    counts, total = case
    hidden = suppressed_groups(suppress(counts, total))
    small = [g for g, n in counts.items() if 0 < n < MIN_GROUP]
    assert set(small) <= set(hidden)
    assert len(hidden) - len(small) <= 1


def feasible(cells: list[tuple[int, int]], hidden: list[int], total: tuple[int, int], min_n: int):
    """Every (sizes, positives) of the hidden cells consistent with what a reader sees: the
    shown cells, the totals, sizes ≥ 1 and, under the "all small" hypothesis, < min_n."""
    n_left = total[0] - sum(n for i, (n, _) in enumerate(cells) if i not in hidden)
    x_left = total[1] - sum(x for i, (_, x) in enumerate(cells) if i not in hidden)
    for small in (False, True):
        top = min_n - 1 if small else n_left
        for sizes in itertools.product(range(1, top + 1), repeat=len(hidden)):
            if sum(sizes) != n_left:
                continue
            for xs in itertools.product(*(range(n + 1) for n in sizes)):
                if sum(xs) == x_left:
                    yield small, sizes, xs


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.floats(0, 1)), min_size=2, max_size=4))
def test_no_suppressed_cell_can_be_derived_from_shown_cells_and_totals(groups):
    cells = [(n, round(n * f)) for n, f in groups]
    names = [f"g{i}" for i in range(len(cells))]
    total = (sum(n for n, _ in cells), sum(x for _, x in cells))
    hidden_map = suppress_shares({g: n for g, (n, _) in zip(names, cells)}, {g: x for g, (_, x) in zip(names, cells)}, *total)
    hidden = [i for i, g in enumerate(names) if hidden_map[g]]
    small = [i for i in hidden if cells[i][0] < MIN_GROUP]
    assert all(hidden_map[g] for g, (n, _) in zip(names, cells) if n < MIN_GROUP)
    if not small or len(hidden) == len(cells) and total[1] in (0, total[0]):
        return  # nothing small is hidden, or the total itself says every group is 0 % or 100 %
    truth = tuple(cells[i][0] for i in hidden), tuple(cells[i][1] for i in hidden)
    for model_small in (False, True):
        solutions = [(s, x) for m, s, x in feasible(cells, hidden, total, MIN_GROUP) if m == model_small]
        if truth not in solutions:
            continue  # the reader's hypothesis is false here, so it reveals nothing true
        for k, i in enumerate(hidden):
            if cells[i][0] >= MIN_GROUP:
                continue  # a large group's figures may follow; the threshold protects it
            assert len({s[k] for s, _ in solutions}) > 1 or len({x[k] / s[k] for s, x in solutions}) > 1, (cells, hidden)
            assert len({x[k] / s[k] for s, x in solutions}) > 1 or total[1] in (0, total[0]), (cells, hidden)
