"""Unit-level figures: a hidden unit is never flagged or drawn, and names come from enrolment first."""

from __future__ import annotations

import pandas as pd

from elevhalsa_analysis.units import (
    DOWN,
    PRESCHOOL,
    SCHOOL,
    hidden_units,
    unit_funnel,
    unit_names,
    unit_noun,
    with_flags,
    with_names,
)


def test_a_small_unit_is_hidden_with_a_complement_so_the_total_cannot_give_it_away():
    hidden = hidden_units({"A": 3, "B": 20, "C": 25})
    assert hidden["A"] and sum(hidden.values()) == 2
    assert hidden_units({"A": 10, "B": 20}) == {"A": False, "B": False}


def frame(dold: list[bool]) -> pd.DataFrame:
    """Eleven units near 80 % and a large one at 60 %."""
    return pd.DataFrame(
        {
            "skolenhetskod": [f"{i:02d}" for i in range(1, 13)],
            "n": [200] * 11 + [300],
            "events": [160, 158, 162, 161, 159, 163, 157, 160, 164, 156, 160, 180],
            "dold": dold,
        }
    )


def test_a_shown_outlier_is_flagged_and_a_hidden_one_never_is():
    shown = with_flags(frame([False] * 12), 0.8)
    assert list(shown["avvikelse"]) == [""] * 11 + [DOWN]
    assert (shown["kommun"] == 0.8).all()
    hidden = with_flags(frame([False] * 11 + [True]), 0.8)
    assert list(hidden["avvikelse"]) == [""] * 12


def test_no_funnel_without_a_shown_unit_with_a_denominator():
    assert unit_funnel(frame([True] * 12), 0.8) is None
    assert unit_funnel(frame([False] * 12).assign(n=0), 0.8) is None
    assert list(unit_funnel(frame([False, False] + [True] * 10), 0.8).table["unit"]) == ["01", "02"]


def test_enrolment_names_a_unit_first_and_a_unit_it_lacks_keeps_its_own_name():
    elevantal = pd.DataFrame({"skolenhetskod": [1, 2], "skolenhet": ["Norrskolan", "Söderskolan"]})
    survey = pd.DataFrame({"skolenhetskod": ["1", "3"], "skolenhet": ["Norrskolan F-9", "Gläntan"]})
    assert unit_names(elevantal, survey, None) == {"1": "Norrskolan", "3": "Gläntan", "2": "Söderskolan"}
    assert unit_names(None) == {}


def test_with_names_takes_each_units_first_listing():
    listed = pd.DataFrame(
        {
            "skolenhetskod": [1, 1, 2],
            "skolenhet": ["Norrskolan", "Norrskolan igen", "Gläntan"],
            "skolform": ["Grundskola", "Grundskola", "Anpassad grundskola"],
        }
    )
    named = with_names(pd.DataFrame({"skolenhetskod": ["2", "1", "9"]}), listed)
    assert named["skolenhet"].tolist()[:2] == ["Gläntan", "Norrskolan"] and pd.isna(named["skolenhet"].iloc[2])
    assert named["skolform"].tolist()[:2] == ["Anpassad grundskola", "Grundskola"]


def test_units_are_named_for_what_they_are():
    assert unit_noun(["Förskola", "Förskola"]) == PRESCHOOL
    assert unit_noun(["Grundskola", "Gymnasieskola"]) == SCHOOL
    assert unit_noun(["Förskola", "Grundskola"]).plural == "enheter"
