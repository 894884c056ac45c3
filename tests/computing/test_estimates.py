"""The design-based estimates of the student survey against estimators computed by hand.

svy computes them; these tests compute the textbook formulas here, independently, so a
change in svy (or in how we call it) that alters a figure fails loudly.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pandas as pd
import pytest

from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.estimates import stratified_shares
from elevhalsa_analysis.survey import design_frame, municipal_estimates

# (stratum, enrolled N_h, answers y: 1 headline, 0 other, None outside the denominator)
STRATA = {
    "a": (60, [1] * 30 + [0] * 12),
    "b": (25, [1] * 14 + [0] * 6),
    "c": (110, [1] * 40 + [0] * 35),
    "d": (9, [1] * 9),  # everyone positive
    "e": (4, [0, 1, 1, 0]),  # a census: no sampling variance
}


def frame_of(strata: dict) -> pd.DataFrame:
    rows = []
    for h, (big_n, ys) in strata.items():
        for y in ys:
            rows.append(
                {"g": "Åk 8", "stratum": h, "weight": big_n / len(ys), "pop_size": big_n, "y": np.nan if y is None else y}
            )
    return pd.DataFrame(rows)


def textbook(strata: dict) -> tuple[float, float]:
    """p̂ = Σ W_h p_h, Var = Σ W_h² (1 − n_h/N_h) p_h (1 − p_h) / (n_h − 1)."""
    big_n = sum(n for n, _ in strata.values())
    p = var = 0.0
    for n_pop, ys in strata.values():
        n, p_h, w = len(ys), sum(ys) / len(ys), n_pop / big_n
        p += w * p_h
        var += w**2 * (1 - n / n_pop) * p_h * (1 - p_h) / (n - 1)
    return p, math.sqrt(var)


def linearised(strata: dict) -> tuple[float, float]:
    """Domain mean (a ratio) over answers in the denominator, Taylor-linearised:
    V = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (u_hi − ū_h)², u = w d (y − p̂) / Σ w d."""
    rows = [(h, n_pop / len(ys), n_pop, y) for h, (n_pop, ys) in strata.items() for y in ys]
    domain = sum(w for _, w, _, y in rows if y is not None)
    p = sum(w * y for _, w, _, y in rows if y is not None) / domain
    var = 0.0
    for n_pop, ys in strata.values():
        u = [(n_pop / len(ys)) * (y - p) / domain if y is not None else 0.0 for y in ys]
        mean = sum(u) / len(u)
        var += (1 - len(ys) / n_pop) * len(ys) / (len(ys) - 1) * sum((x - mean) ** 2 for x in u)
    return p, math.sqrt(var)


def test_svy_matches_the_stratified_estimator_with_fpc():
    est = stratified_shares(frame_of(STRATA), by="g")["Åk 8"]
    p, se = textbook(STRATA)
    assert est.share == pytest.approx(p, abs=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9)
    assert est.n == sum(len(ys) for _, ys in STRATA.values())
    assert est.low < est.share < est.high


def test_without_fpc_the_variance_is_larger_and_a_census_adds_none():
    with_fpc = stratified_shares(frame_of(STRATA), by="g")["Åk 8"]
    without = stratified_shares(frame_of(STRATA), by="g", fpc=False)["Åk 8"]
    assert without.share == pytest.approx(with_fpc.share)
    assert without.se > with_fpc.se
    census = {"x": (5, [1, 1, 0, 1, 0]), "y": (3, [1, 0, 0])}
    assert stratified_shares(frame_of(census), by="g")["Åk 8"].se == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_svy_matches_the_linearised_domain_estimator_when_some_answer_vet_ej(seed):
    rng = random.Random(seed)
    strata = {}
    for h in "abcdef":
        n = rng.randint(3, 40)
        strata[h] = (n + rng.randint(0, 30), [rng.choice([1, 1, 1, 0, None]) for _ in range(n)])
    strata["a"] = (strata["a"][0], [1, 0, *strata["a"][1]])  # at least one answer in the domain
    est = stratified_shares(frame_of(strata), by="g")["Åk 8"]
    p, se = linearised(strata)
    assert est.share == pytest.approx(p, abs=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9)
    # With every answer in the denominator the two formulas are the same.
    complete = {h: (n, [1 if y is None else y for y in ys]) for h, (n, ys) in strata.items()}
    assert linearised(complete)[1] == pytest.approx(textbook(complete)[1], rel=1e-12)


def test_an_estimate_of_one_gets_a_one_sided_interval():
    est = stratified_shares(frame_of({"a": (20, [1] * 12), "b": (15, [1] * 7)}), by="g")["Åk 8"]
    assert est.share == 1.0 and est.high == 1.0 and 0.5 < est.low < 1.0


def test_report_estimates_from_the_long_table_and_the_unweighted_share_from_counts():
    version = load_codebook("elevenkat").version_for(dt.date(2024, 4, 30))
    question = version.question("trygg_i_skolan")
    rng = random.Random(7)
    labels = version.scales["instammande"].labels
    enrolled = {"00000001": 40, "00000002": 70, "00000003": 12}
    rows, answers = [], {}
    for unit, big_n in enrolled.items():
        for i in range(big_n * 3 // 4):
            rid = f"{unit}-{i}"
            answer = rng.choice([*labels, None])
            answers[rid] = (unit, answer)
            rows.append(
                {
                    "period": "2024-04",
                    "respondent": rid,
                    "response_id": rid,
                    "question": "trygg_i_skolan",
                    "answer": answer,
                    "skolenhetskod": unit,
                    "arskurs": "Åk 8",
                    "kon": "Flicka",
                }
            )
    long = pd.DataFrame(rows).astype({c: "category" for c in ("period", "question", "answer", "skolenhetskod", "arskurs", "kon")})
    units = pd.DataFrame(
        {
            "period": "2024-04",
            "skolenhetskod": list(enrolled),
            "arskurs": "Åk 8",
            "antal": list(enrolled.values()),
            "svar": [big_n * 3 // 4 for big_n in enrolled.values()],
        }
    )
    # By hand: the plain count, and the textbook estimator per unit.
    headline = sum(a in ("Stämmer helt och hållet", "Stämmer ganska bra") for _, a in answers.values())
    denominator = sum(a is not None and a != "Vet ej" for _, a in answers.values())
    r = ind.grouped(long, version, ["arskurs"]).result(version, question, "2024-04", arskurs="Åk 8")
    assert (r.headline, r.answered) == (headline, denominator)
    assert r.share_of_answered == headline / denominator
    strata = {
        u: (
            big_n,
            [
                None if a in (None, "Vet ej") else int(a in ("Stämmer helt och hållet", "Stämmer ganska bra"))
                for uu, a in answers.values()
                if uu == u
            ],
        )
        for u, big_n in enrolled.items()
    }
    est = municipal_estimates(long, units, version, [question], "2024-04")["trygg_i_skolan"]["Åk 8"]
    p, se = linearised(strata)
    assert est.share == pytest.approx(p, abs=1e-12) and est.se == pytest.approx(se, rel=1e-9)
    frame = design_frame(long, units, version, [question], "2024-04")
    assert frame["weight"].round(9).tolist() == [round(enrolled[u] / (enrolled[u] * 3 // 4), 9) for u in frame["skolenhetskod"]]
