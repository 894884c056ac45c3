"""The principal survey's competence grid on the 2024 sample: who lacks which competences."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.config import DATA_DIR
from elevhalsa_analysis.instruments.rektorsenkat import grid
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.periods import list_periods

CB = load_codebook("rektorsenkat")
V = CB.version_for(dt.date(2024, 10, 31))
COMPETENCES = V.question("tillgang_kompetenser")


@pytest.fixture(scope="module")
def sample_2024():
    meta = dict(list_periods(DATA_DIR))["2024-10"]
    sp = load_survey_period(CB, "2024-10", meta, DATA_DIR, b"test")
    return sp.long, sp.population


def test_one_unit_lacks_two_competences_in_the_seed(sample_2024):
    long, population = sample_2024
    gaps = grid.competence_gaps(long, population, V, COMPETENCES, "2024-10")
    assert len(gaps) == 1 and gaps["skolform"].item() == "Anpassad grundskola" and len(gaps["saknas"].item()) == 2


def test_the_grid_has_a_row_per_unit_and_agrees_with_the_gaps(sample_2024):
    long, population = sample_2024
    matrix = grid.competence_matrix(long, population, V, COMPETENCES, "2024-10")
    gaps = grid.competence_gaps(long, population, V, COMPETENCES, "2024-10")
    assert list(matrix.columns) == list(V.scales[COMPETENCES.scale].labels)
    assert len(matrix) == population.loc[population["period"] == "2024-10", "skolenhet"].nunique()
    assert set(matrix.index[(matrix == 0).any(axis=1)]) == set(gaps["skolenhet"])


def test_the_gap_sentence_names_the_unit_and_counts_in_words():
    gaps = pd.DataFrame(
        {
            "saknas": [["Psykolog"], ["Skolläkare", "Kurator"]],
            "skolenhet": ["Ekskolan", "Björkskolan"],
            "skolform": ["Grundskola"] * 2,
        }
    )
    assert grid.competence_gap_sentence(gaps, "rektor") == (
        "Rektorn vid Ekskolan (grundskola) saknar en kompetens: psykolog. "
        "Rektorn vid Björkskolan (grundskola) saknar två kompetenser: skolläkare, kurator."
    )
    assert grid.competence_gap_sentence(gaps.iloc[:0], "rektor") == ""
