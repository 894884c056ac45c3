"""The student survey in the unit profiles: each unit's shares with intervals and funnel
flags beside the municipal estimate, its response rate, and the trend over earlier surveys
(`sections_units.survey_contribution` with the student survey's words)."""

from __future__ import annotations

import pandas as pd

from ...instrument import UnitContribution
from ...sections_units import SurveyProfile
from ...sections_units import survey_contribution as profile_contribution

PROFILE = SurveyProfile(
    source="elevenkat",
    heading="Elevenkäten",
    group="arskurs",
    codebook="elevenkat",
    none_asked="enheten har inga årskurser som elevenkäten {label} frågar",
    intro="Elevenkäten {label}: andel positiva svar (för Blivit kränkt andelen Ja) bland enhetens "
    "elever som besvarat frågan, med 95 % intervall, bredvid kommunens skattning för hela årskursen.",
    trend_footnote="Elevenkätens frågor jämförs bara när formulering och svarsalternativ är desamma; andra årskullar "
    "svarar varje år.",
    rate_intro="Svarsfrekvens i elevenkäten",
    counted="elever",
    index_heading="Elevenkäten, svarsfrekvens",
    method="Elevenkätens andelar är skattningar från ett urval med 95 % intervall (Wilson, med ändlighetskorrektion).",
)


def survey_contribution(table: pd.DataFrame, surveys: list[dict]) -> UnitContribution:
    """The student survey's part of the profiles and the index; `table` holds `survey_units`
    rows with the units' skolenhet and skolform."""
    return profile_contribution(table, surveys, PROFILE)
