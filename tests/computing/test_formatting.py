from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elevhalsa_analysis.formatting import (
    fmt_decimal,
    fmt_int,
    fmt_p,
    fmt_pct,
    fmt_pct_range,
    round_half_away,
    shares_summing_to_100,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [(2.5, 0, 3.0), (-2.5, 0, -3.0), (0.125, 2, 0.13), (-0.125, 2, -0.13), (1.005, 2, 1.01), (2.4999, 0, 2.0)],
)
def test_round_half_away(x, decimals, expected):
    assert round_half_away(x, decimals) == expected


def test_fmt_int_groups_thousands_with_no_break_space():
    assert fmt_int(12345) == f"12{NBSP}345"
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567"
    assert fmt_int(999) == "999"


def test_fmt_int_rejects_floats():
    with pytest.raises(TypeError):
        fmt_int(3.0)


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        (2 / 3, 0, f"67{NBSP}%"),
        (0.3333, 1, f"33,3{NBSP}%"),
        (0.3, 1, f"30,0{NBSP}%"),
        (0.125, 0, f"13{NBSP}%"),  # Babel alone would give 12 (half to even)
        (0.005, 0, f"1{NBSP}%"),
        (0.0049, 0, f"0{NBSP}%"),
        (0.145, 0, f"15{NBSP}%"),  # 0.145 * 100 is 14.499999999999998 in binary
        (1.0, 0, f"100{NBSP}%"),
        (0.0, 1, f"0,0{NBSP}%"),
    ],
)
def test_fmt_pct(share, decimals, expected):
    assert fmt_pct(share, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_fmt_pct_missing_is_dash(missing):
    assert fmt_pct(missing) == "–"


def test_fmt_pct_range_has_one_sign_and_en_dash():
    assert fmt_pct_range(1 / 3, 2 / 3) == f"33–67{NBSP}%"
    assert fmt_pct_range(0.125, 0.875) == f"13–88{NBSP}%"


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.015625, "0,016"),
        (0.0005, f"<{NBSP}0,001"),
        (0.001, "0,001"),
        (0.4857142857, "0,486"),
        (1.0, "1,000"),
        (0.0125, "0,013"),
    ],
)
def test_fmt_p(p, expected):
    assert fmt_p(p) == expected


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_fmt_p_rejects_impossible_values(p):
    with pytest.raises(ValueError):
        fmt_p(p)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (4.5, 1, "4,5"),
        (4.45, 1, "4,5"),
        (4, 1, "4,0"),
        (1234.5, 1, f"1{NBSP}234,5"),
        (-0.04, 1, "0,0"),
        (2.5, 0, "3"),
        (-2.5, 0, "\u22123"),
        (-1234.5, 1, f"\u22121{NBSP}234,5"),
    ],
)
def test_fmt_decimal(x, decimals, expected):
    assert fmt_decimal(x, decimals) == expected


def test_negative_numbers_use_the_minus_sign_not_a_hyphen():
    # CLDR's minus sign for Swedish (U+2212), as in print; Babel itself writes "-".
    assert fmt_int(-12) == "\u221212"
    assert fmt_pct(-0.05) == f"\u22125{NBSP}%"
    assert fmt_pct_range(-0.1, 0.2) == f"\u221210–20{NBSP}%"


def test_shares_hand_worked():
    assert shares_summing_to_100([1, 1, 1]) == [34.0, 33.0, 33.0]  # tie → first category
    assert shares_summing_to_100([1, 2]) == [33.0, 67.0]
    assert shares_summing_to_100([1, 1, 1], decimals=1) == [33.4, 33.3, 33.3]
    assert shares_summing_to_100([0, 0, 0]) == [0.0, 0.0, 0.0]
    assert shares_summing_to_100([]) == []


def test_shares_reject_negative_counts():
    with pytest.raises(ValueError):
        shares_summing_to_100([3, -1])


counts_lists = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12)


@given(counts_lists)
def test_shares_sum_to_exactly_100(counts):
    shares = shares_summing_to_100(counts)
    total = sum(counts)
    if total == 0:
        assert shares == [0.0] * len(counts)
        return
    assert sum(shares) == 100
    for share, count in zip(shares, counts):
        assert share == int(share)
        assert abs(Fraction(share) - Fraction(100 * count, total)) < 1


@given(counts_lists.filter(lambda c: sum(c) > 0), st.integers(min_value=1, max_value=2))
def test_shares_with_decimals_add_up_as_shown(counts, decimals):
    shares = shares_summing_to_100(counts, decimals)
    units = [round(s * 10**decimals) for s in shares]
    assert sum(units) == 100 * 10**decimals
    total = sum(counts)
    for unit, count in zip(units, counts):
        assert abs(Fraction(unit, 10**decimals) - Fraction(100 * count, total)) < Fraction(1, 10**decimals)
