import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from elevhalsa_analysis.formatting import fmt_p
from elevhalsa_analysis.stats import (
    Bounds,
    compare_periods,
    diff_interval_independent,
    fisher_exact,
    mcnemar_exact,
    nonresponse_bounds,
    paired_headline_test,
    wilson_interval,
)

# --- nonresponse bounds --------------------------------------------------------------------


def test_bounds_2024_case():
    assert nonresponse_bounds(6, 12, 18) == Bounds(low_count=6, high_count=12, population=18, low=1 / 3, high=2 / 3)


@pytest.mark.parametrize(("headline", "answered", "population"), [(-1, 3, 5), (4, 3, 5), (3, 6, 5), (0, 0, 0)])
def test_bounds_reject_impossible_counts(headline, answered, population):
    with pytest.raises(ValueError):
        nonresponse_bounds(headline, answered, population)


@st.composite
def census(draw):
    population = draw(st.integers(min_value=1, max_value=500))
    answered = draw(st.integers(min_value=0, max_value=population))
    headline = draw(st.integers(min_value=0, max_value=answered))
    return headline, answered, population


@given(census())
def test_bounds_contain_observed_shares(case):
    headline, answered, population = case
    b = nonresponse_bounds(headline, answered, population)
    assert b.low <= headline / population <= b.high
    if answered:
        # The share among those who answered is what the population share would be if
        # the non-answering split the same way, so it must lie within the bounds.
        assert Fraction(b.low_count, population) <= Fraction(headline, answered) <= Fraction(b.high_count, population)
    assert b.high_count - b.low_count == population - answered


# --- Wilson --------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "n"), [(0, 10), (3, 10), (10, 10), (1, 1), (17, 40), (6, 12), (250, 1000)])
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_wilson_without_fpc_matches_statsmodels(x, n, confidence):
    low, high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(x, n, confidence=confidence) == (float(low), float(high))


def test_wilson_default_alpha_matches_statsmodels_closely():
    low, high = proportion_confint(17, 40, method="wilson")
    assert wilson_interval(17, 40) == pytest.approx((low, high), abs=1e-14)


@pytest.mark.parametrize(("x", "n", "N"), [(17, 40, 120), (3, 10, 11), (6, 12, 18), (0, 20, 50)])
def test_wilson_with_fpc_matches_closed_form(x, n, N):
    z = 1.959963984540054  # two-sided 95 % normal quantile
    f = (N - n) / (N - 1)
    p = x / n
    centre = (p + z**2 * f / (2 * n)) / (1 + z**2 * f / n)
    half = z * math.sqrt(f) * math.sqrt(p * (1 - p) / n + z**2 * f / (4 * n**2)) / (1 + z**2 * f / n)
    assert wilson_interval(x, n, population=N) == pytest.approx((max(0.0, centre - half), centre + half), abs=1e-12)


def test_wilson_fpc_narrows_the_interval():
    low, high = wilson_interval(17, 40)
    low_f, high_f = wilson_interval(17, 40, population=60)
    assert low < low_f < high_f < high


@pytest.mark.parametrize(("x", "n"), [(3, 10), (0, 5), (1, 1)])
def test_wilson_full_count_has_zero_width(x, n):
    assert wilson_interval(x, n, population=n) == (x / n, x / n)


@pytest.mark.parametrize(("x", "n", "N"), [(1, 0, None), (4, 3, None), (1, 5, 4)])
def test_wilson_rejects_impossible_counts(x, n, N):
    with pytest.raises(ValueError):
        wilson_interval(x, n, population=N)


# --- Newcombe ------------------------------------------------------------------------------


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(3, 10, 7, 12), (0, 15, 5, 15), (40, 100, 35, 90), (12, 12, 0, 8)])
def test_newcombe_matches_statsmodels(x1, n1, x2, n2):
    # statsmodels reports p(first) − p(second), so the current group goes first.
    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff")
    diff, our_low, our_high = diff_interval_independent(x1, n1, x2, n2)
    assert diff == pytest.approx(x2 / n2 - x1 / n1)
    assert (our_low, our_high) == pytest.approx((low, high), abs=1e-12)
    assert our_low <= diff <= our_high


# --- tests of change -----------------------------------------------------------------------


def test_mcnemar_zero_of_seven():
    result = mcnemar_exact(0, 7)
    assert result.p_value == pytest.approx(2 * 0.5**7)
    assert fmt_p(result.p_value) == "0,016"
    assert result.test == "Exakt McNemar-test"


@pytest.mark.parametrize(("b", "c"), [(1, 6), (4, 4), (10, 2), (3, 0)])
def test_mcnemar_is_two_sided_binomial(b, c):
    assert mcnemar_exact(b, c).p_value == pytest.approx(sps.binomtest(b, b + c, 0.5).pvalue)
    assert mcnemar_exact(b, c).p_value == pytest.approx(mcnemar_exact(c, b).p_value)


def test_mcnemar_without_discordant_pairs():
    assert mcnemar_exact(0, 0).p_value == 1.0


def test_fisher_tea_tasting():
    result = fisher_exact(3, 4, 1, 4)
    assert result.p_value == pytest.approx(0.4857142857, abs=1e-10)  # 34/70
    assert result.test == "Fishers exakta test"
    assert result.n == 8


def test_fisher_one_sided_table():
    # [[5, 0], [0, 5]]: only this table and its mirror are as extreme, 2 / C(10, 5).
    assert fisher_exact(5, 5, 0, 5).p_value == pytest.approx(2 / 252)


def test_paired_test_uses_only_respondents_answering_twice():
    prev = pd.Series({"a": True, "b": True, "c": False, "d": None, "e": True})
    curr = pd.Series({"a": False, "b": True, "c": True, "d": True, "f": False})
    result = paired_headline_test(prev, curr)
    # Pairs a, b, c: a yes→no (b=1), c no→yes (c=1), b concordant.
    assert result is not None
    assert result.n == 3
    assert result.p_value == pytest.approx(sps.binomtest(1, 2, 0.5).pvalue)


def test_paired_test_counts_direction():
    prev = pd.Series([False] * 7 + [True] * 3, index=[f"r{i}" for i in range(10)])
    curr = pd.Series([True] * 10, index=[f"r{i}" for i in range(10)])
    result = paired_headline_test(prev, curr)
    assert result is not None
    assert fmt_p(result.p_value) == "0,016"
    assert "0 ändrade från huvudsvaret, 7 till huvudsvaret" in result.detail


def test_paired_test_none_without_pairs():
    assert paired_headline_test(pd.Series({"a": True}), pd.Series({"b": True, "a": None})) is None


def test_compare_periods_pairs_when_possible():
    prev = pd.Series({"a": True, "b": False})
    curr = pd.Series({"a": False, "c": True})
    assert compare_periods(prev, curr).test == "Exakt McNemar-test"


def test_compare_periods_falls_back_to_fisher():
    prev = pd.Series({"a": True, "b": True, "c": True, "d": False, "e": None})
    curr = pd.Series({"w": True, "x": False, "y": False, "z": False})
    result = compare_periods(prev, curr)
    assert result.test == "Fishers exakta test"
    assert result.p_value == pytest.approx(sps.fisher_exact([[3, 1], [1, 3]]).pvalue)
    assert result.n == 8


def test_duplicate_respondents_are_rejected():
    with pytest.raises(ValueError):
        compare_periods(pd.Series([True, False], index=["a", "a"]), pd.Series({"a": True}))
