"""Inference a survey statistician accepts.

The principal survey is a census: its uncertainty is who did not answer, not sampling,
so it gets nonresponse bounds and exact tests of change. Sampling intervals (Wilson,
Newcombe) exist for sample surveys such as the student survey and must not be applied
to a census.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats as sps


@dataclass(frozen=True)
class Bounds:
    """Share of the whole population with the headline answer if none / all non-answering had given it."""

    low_count: int
    high_count: int
    population: int
    low: float
    high: float


@dataclass(frozen=True)
class TestResult:
    """A test of change between periods; `test` and `detail` are shown to readers (Swedish)."""

    __test__ = False  # a result, not a test case; keeps pytest from collecting it

    test: str
    p_value: float
    n: int
    detail: str


MCNEMAR = "Exakt McNemar-test"
FISHER = "Fishers exakta test"


def nonresponse_bounds(headline: int, answered: int, population: int) -> Bounds:
    """Census bounds: `headline` of `population` if no non-respondent had given the headline
    answer, `headline + (population - answered)` if all had.

    2024 example: 6 of 12 answered with the headline, 18 asked → 6 av 18 to 12 av 18.
    """
    if population <= 0:
        raise ValueError(f"Populationen måste vara större än 0, fick {population}.")
    if not 0 <= headline <= answered <= population:
        raise ValueError(f"Kräver 0 ≤ huvudsvar ≤ svarande ≤ population, fick {headline}, {answered}, {population}.")
    high_count = headline + (population - answered)
    return Bounds(
        low_count=headline,
        high_count=high_count,
        population=population,
        low=headline / population,
        high=high_count / population,
    )


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"Konfidensgraden ska ligga mellan 0 och 1, fick {confidence}.")
    return float(sps.norm.isf((1 - confidence) / 2))


def wilson_interval(successes: int, n: int, population: int | None = None, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a share estimated from a SAMPLE (sample surveys only).

    Never use it for a census such as the principal survey: there nothing is sampled and
    the uncertainty is nonresponse (`nonresponse_bounds`).

    With p = successes/n, z the two-sided normal quantile and f the finite-population
    correction (f = (N − n)/(N − 1) when `population` N is given, else f = 1):

        centre = (p + z²f/(2n)) / (1 + z²f/n)
        half   = z√f · sqrt(p(1 − p)/n + z²f/(4n²)) / (1 + z²f/n)

    i.e. the ordinary Wilson interval with z replaced by z√f, which multiplies the
    sampling variance by f. Without `population` it equals statsmodels'
    `proportion_confint(..., method="wilson")`; with n == N it collapses to p.
    The limits are clipped to [0, 1] against rounding, as statsmodels does.
    """
    if n <= 0:
        raise ValueError(f"Urvalet måste vara större än 0, fick {n}.")
    if not 0 <= successes <= n:
        raise ValueError(f"Kräver 0 ≤ antal ≤ n, fick {successes} av {n}.")
    if population is None:
        fpc = 1.0
    elif population < n:
        raise ValueError(f"Populationen ({population}) kan inte vara mindre än urvalet ({n}).")
    else:
        # N == n (including N == 1) is a full count: no sampling variance, and (N−1) may be 0.
        fpc = 0.0 if population == n else (population - n) / (population - 1)
    # Same operation order as statsmodels, so that with f = 1 the results agree bit for bit.
    z = _z(confidence) * math.sqrt(fpc)
    z2 = z**2
    p = successes / n
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def diff_interval_independent(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Difference p2 − p1 of two independent sampled shares with Newcombe's hybrid score
    interval (Newcombe 1998, method 10): returns (difference, low, high).

    From the Wilson intervals (l1, u1) and (l2, u2):
        low  = d − sqrt((p2 − l2)² + (u1 − p1)²)
        high = d + sqrt((u2 − p2)² + (p1 − l1)²)
    Sample surveys only, like `wilson_interval`.
    """
    return mover_difference(
        x1 / n1, wilson_interval(x1, n1, confidence=confidence), x2 / n2, wilson_interval(x2, n2, confidence=confidence)
    )


def mover_difference(p1: float, ci1: tuple[float, float], p2: float, ci2: tuple[float, float]) -> tuple[float, float, float]:
    """Difference p2 − p1 of two independent estimates from their own intervals (MOVER,
    Zou & Donner 2008): returns (difference, low, high).

    Newcombe's method 10 is the case of Wilson intervals; any interval that suits each
    estimate (a design-based Korn–Graubard interval, say) can be combined the same way:
        low  = d − sqrt((p2 − l2)² + (u1 − p1)²)
        high = d + sqrt((u2 − p2)² + (p1 − l1)²)
    """
    (l1, u1), (l2, u2) = ci1, ci2
    d = p2 - p1
    return d, d - math.hypot(p2 - l2, u1 - p1), d + math.hypot(u2 - p2, p1 - l1)


def mcnemar_exact(b: int, c: int, *, pairs: int | None = None) -> TestResult:
    """Exact McNemar test: two-sided binomial test of b against b + c at 0.5.

    b = pairs that went from the headline answer to another answer, c = the reverse.
    `pairs` (all respondents who answered both times) only feeds `n` and the text; the
    concordant pairs carry no information about change. No discordant pairs → p = 1.
    """
    if b < 0 or c < 0:
        raise ValueError(f"Antal par kan inte vara negativt, fick {b} och {c}.")
    n = b + c if pairs is None else pairs
    if n < b + c:
        raise ValueError(f"Antal par ({n}) kan inte vara färre än de som ändrat svar ({b + c}).")
    p = 1.0 if b + c == 0 else float(sps.binomtest(b, b + c, 0.5).pvalue)
    changes = f"{b} ändrade från huvudsvaret, {c} till huvudsvaret"
    detail = changes if pairs is None else f"{pairs} svarade båda gångerna; {changes}"
    return TestResult(test=MCNEMAR, p_value=p, n=n, detail=detail)


def fisher_exact(a_yes: int, a_n: int, b_yes: int, b_n: int) -> TestResult:
    """Two-sided Fisher's exact test of a_yes/a_n against b_yes/b_n (independent groups)."""
    for yes, n in ((a_yes, a_n), (b_yes, b_n)):
        if not 0 <= yes <= n:
            raise ValueError(f"Kräver 0 ≤ antal ≤ n, fick {yes} av {n}.")
    result = sps.fisher_exact([[a_yes, a_n - a_yes], [b_yes, b_n - b_yes]], alternative="two-sided")
    detail = f"{a_yes} av {a_n} respektive {b_yes} av {b_n}"
    return TestResult(test=FISHER, p_value=float(result.pvalue), n=a_n + b_n, detail=detail)


def _answered(flags: pd.Series) -> pd.Series:
    if not flags.index.is_unique:
        raise ValueError("Varje svarande får förekomma en gång per period.")
    return flags.dropna().astype(bool)


def paired_headline_test(prev: pd.Series, curr: pd.Series) -> TestResult | None:
    """Exact McNemar on respondents who answered in both periods; None if there are none.

    Both Series are indexed by respondent pseudonym, True = headline answer, NaN/None =
    not answered.
    """
    before, after = _answered(prev).align(_answered(curr), join="inner")
    if before.empty:
        return None
    b = int((before & ~after).sum())
    c = int((~before & after).sum())
    return mcnemar_exact(b, c, pairs=len(before))


def compare_periods(prev: pd.Series, curr: pd.Series) -> TestResult:
    """Test of change: paired (exact McNemar) if anyone answered both times, else Fisher.

    When pairs exist, respondents who answered only once are left out: mixing paired and
    independent observations would need a different test, and the pairs are the
    stronger evidence.
    """
    paired = paired_headline_test(prev, curr)
    if paired is not None:
        return paired
    before, after = _answered(prev), _answered(curr)
    return fisher_exact(int(before.sum()), len(before), int(after.sum()), len(after))
