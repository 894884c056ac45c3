"""Indicators on the 2024 sample and on random tables; sentences say only what data carry."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis import narrative
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.config import DATA_DIR
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.periods import list_periods

CB = load_codebook("rektorsenkat")
V = CB.version_for(dt.date(2024, 10, 31))

# The seed's table (data-contract.md), typed here rather than taken from the package.
SEED = {
    "tagit_del_av_planen": (12, 18),
    "tillgang_kompetenser": (17, 18),
    "tillgang_forebyggande": (6, 18),
    "samsyn_eht": (14, 18),
    "foljer_upp_analyserar": (17, 18),
    "stod_mot_malen": (6, 12),
    "samarbete_fungerar": (16, 18),
    "behov_kompetensutveckling": (15, 18),
}


@pytest.fixture(scope="module")
def sample_2024():
    meta = dict(list_periods(DATA_DIR))["2024-10"]
    sp = load_survey_period(CB, "2024-10", meta, DATA_DIR, b"test")
    return sp.long, sp.population


def test_indicators_reproduce_the_seed(sample_2024):
    long, population = sample_2024
    results = {r.question: r for r in ind.all_results(long, population, V, "2024-10")}
    assert set(results) == set(SEED)
    for qid, (headline, answered) in SEED.items():
        r = results[qid]
        assert (r.headline, r.answered, r.population) == (headline, answered, 18), qid
        assert r.not_answered == 18 - answered
    assert results["samsyn_eht"].counts == {"Ja": 14, "Till viss del": 4, "Nej": 0}
    assert results["samarbete_fungerar"].counts == {"Ja": 16, "Till viss del": 2, "Nej": 0}


def test_nonresponse_bounds_of_stod_mot_malen(sample_2024):
    long, population = sample_2024
    r = ind.question_result(long, population, V, V.question("stod_mot_malen"), "2024-10")
    b = r.bounds
    assert (b.low_count, b.high_count, b.population) == (6, 12, 18)
    assert narrative.bounds_sentence(r, "rektorer inom grundskolan").startswith(
        "Räknat på alla 18 rektorer inom grundskolan ligger andelen inom 33–67\u00a0%"
    )


labels = st.sampled_from(["Ja", "Till viss del", "Nej", None])


@settings(max_examples=60, deadline=None)
@given(answers=st.lists(labels, min_size=1, max_size=40), extra=st.integers(0, 10))
def test_counts_add_up_to_those_who_answered(answers, extra):
    n = len(answers)
    long = pd.DataFrame(
        {
            "period": "p",
            "respondent": [f"r{i}" for i in range(n)],
            "response_id": [str(i) for i in range(n)],
            "question": "samsyn_eht",
            "answer": pd.array(answers, dtype="string"),
        }
    )
    population = pd.DataFrame({"period": "p", "respondent": [f"r{i}" for i in range(n + extra)]})
    r = ind.question_result(long, population, V, V.question("samsyn_eht"), "p")
    answered = sum(a is not None for a in answers)
    assert sum(r.counts.values()) == r.answered == answered
    assert r.not_answered == n + extra - answered
    assert r.headline == answers.count("Ja")
    table = ind.counts_table(r)
    assert table["Antal"].sum() == n + extra


def _calls(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    }


def test_census_code_never_uses_the_sampling_interval():
    from elevhalsa_analysis import indicators, narrative
    from elevhalsa_analysis.instruments import rektorsenkat
    from elevhalsa_analysis.instruments.rektorsenkat import loading, report

    for module in (indicators, narrative, report, loading, rektorsenkat):
        assert "wilson_interval" not in _calls(module), module.__name__
