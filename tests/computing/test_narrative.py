"""The report's sentences: a change is claimed only when the test secures it."""

from __future__ import annotations

import datetime as dt

import pytest

from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis import narrative
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.stats import TestResult

V = load_codebook("rektorsenkat").version_for(dt.date(2024, 10, 31))


def _result(headline: int, answered: int = 18) -> ind.QuestionResult:
    return ind.QuestionResult("samsyn_eht", "p", 18, answered, {"Ja": headline}, headline, ("Ja",))


@pytest.mark.parametrize("p,secured", [(0.5, False), (1.0, False), (0.049, True)])
def test_comparison_claims_a_change_only_when_secured(p, secured):
    q = V.question("samsyn_eht")
    comp = narrative.Comparison(_result(10), "juni–oktober 2023", TestResult("Exakt McNemar-test", p, 18, ""))
    sentence = narrative.comparison_sentence(_result(12), comp, q)
    assert "12 av 18" in sentence and "jämfört med 10 av 18" in sentence and "juni–oktober 2023" in sentence
    assert ("statistiskt säkerställd ökning" in sentence) is secured
    if not secured:
        assert "kan inte skiljas från slumpen" in sentence
        for word in ("ökning", "minskning", "ökat", "minskat", "steg", "sjönk"):
            assert word not in sentence
