"""The guardian survey in the preschool units' profiles: each unit's shares per age group
beside the municipal estimate, its response rate and the trend (`sections_units`)."""

from __future__ import annotations

import pandas as pd

from ...instrument import UnitContribution
from ...sections_units import SurveyProfile, survey_contribution

PROFILE = SurveyProfile(
    source="vardnadshavarenkat",
    heading="Vårdnadshavarenkäten",
    group="aldersgrupp",
    codebook="vardnadshavarenkat",
    none_asked="förskolan finns inte i barnantal.csv för vårdnadshavarenkäten {label}",
    intro="Vårdnadshavarenkäten {label}: andel vårdnadshavare som instämmer (4 eller 5 av 5) bland dem som besvarat "
    "frågan, med 95 % intervall, bredvid kommunens skattning för alla barn i åldersgruppen.",
    trend_footnote="Frågorna jämförs bara när formulering och svarsalternativ är desamma; andra barn och vårdnadshavare "
    "svarar varje år.",
    rate_intro="Svarsfrekvens i vårdnadshavarenkäten (en enkät per barn)",
    counted="barn",
    index_heading="Vårdnadshavarenkäten, svarsfrekvens",
    method="Vårdnadshavarenkätens andelar är skattningar från ett urval med 95 % intervall (Wilson, med ändlighetskorrektion).",
)


def guardian_contribution(table: pd.DataFrame, surveys: list[dict]) -> UnitContribution:
    """The guardian survey's part of the profiles and the index; `table` holds `survey_units`
    rows grouped by age group, with the units' skolenhet and skolform."""
    return survey_contribution(table, surveys, PROFILE)
