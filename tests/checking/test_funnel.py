"""Funnel limits against scipy's exact binomial quantiles; flags for built extremes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from elevhalsa_analysis.funnel import binomial_limit, funnel


@pytest.mark.parametrize("n,p", [(8, 0.8), (25, 0.5), (120, 0.86), (400, 0.1)])
@pytest.mark.parametrize("q", [0.001, 0.025, 0.975, 0.999])
def test_limits_are_interpolated_exact_binomial_quantiles(n, p, q):
    r = stats.binom.ppf(q, n, p)  # the smallest count whose cdf reaches q
    limit = float(binomial_limit(n, p, q)) * n
    assert r - 1 <= limit <= r
    # The interpolation weight, written out by hand from the paper's appendix.
    f_r, f_below = stats.binom.cdf(r, n, p), stats.binom.cdf(r - 1, n, p)
    assert limit == pytest.approx(r - (f_r - q) / (f_r - f_below))


def test_limits_widen_as_units_get_smaller():
    n = np.array([10, 50, 200, 1000])
    width = binomial_limit(n, 0.8, 0.999) - binomial_limit(n, 0.8, 0.001)
    assert np.all(np.diff(width) < 0)


def test_unit_built_outside_is_flagged_and_small_low_unit_is_not():
    units = pd.DataFrame(
        {
            "unit": [f"E{i:02d}" for i in range(12)],
            "n": [200, 180, 220, 150, 210, 190, 170, 160, 230, 200, 300, 8],
            "events": [172, 155, 190, 129, 181, 163, 146, 138, 198, 172, 180, 4],
        }
    )
    f = funnel(units)
    flags = dict(zip(f.table["unit"], f.table["avvikelse"]))
    assert flags["E10"] == "avviker nedåt"  # 60 % of 300 against ~80 %
    assert flags["E11"] == ""  # 4 of 8 students: low, but within the limits for n = 8
    assert list(f.table["unit"]) == sorted(f.table["unit"])  # ordered by unit, never ranked


def test_overdispersion_widens_limits_and_says_so():
    rng = np.random.default_rng(1)
    n = np.full(30, 200)
    p = np.clip(rng.normal(0.7, 0.12, 30), 0.05, 0.95)
    units = pd.DataFrame({"unit": [f"U{i}" for i in range(30)], "n": n, "events": rng.binomial(n, p)})
    f = funnel(units)
    assert f.overdispersed and f.phi > 1
    assert "överspridning" in f.method


@pytest.mark.parametrize("events", [[0, 0, 0], [5, 7, 9]])
def test_funnel_limits_at_0_and_100_percent_flag_no_unit(events):
    f = funnel(pd.DataFrame({"unit": ["a", "b", "c"], "n": [5, 7, 9], "events": events}))
    assert (f.table["avvikelse"] == "").all()
    assert (f.table["nedre_99,8"] == f.target).all() and (f.table["ovre_99,8"] == f.target).all()
