"""What every instrument shares through the base class: its own noun for the population."""

from __future__ import annotations

import pytest

from elevhalsa_analysis.periods import load_period_meta
from elevhalsa_analysis.registry import get


@pytest.mark.parametrize(
    "population, instrument, phrase, noted",
    [
        (None, "rektorsenkat", "rektorer", False),
        (None, "elevenkat", "elever", False),
        ("rektorer inom grundskolan", "rektorsenkat", "rektorer inom grundskolan", False),
        # One period.yaml, two instruments: the principals' phrase is not the students'.
        ("rektorer inom grundskolan", "elevenkat", "elever", True),
    ],
)
def test_population_is_the_instruments_own_noun_unless_period_yaml_names_it(tmp_path, population, instrument, phrase, noted):
    text = "label: 2024\nstart: 2024-01-01\nend: 2024-12-31\n" + (f"population: {population}\n" if population else "")
    (tmp_path / "period.yaml").write_text(text, encoding="utf-8")
    meta, found = get(instrument).with_population(load_period_meta(tmp_path))
    assert meta.population == phrase
    assert bool(found) == noted
    if noted:
        assert "«rektorer inom grundskolan» nämner inte elever" in found[0].summary()
