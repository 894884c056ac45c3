"""The guardian survey per preschool: the report's per-unit sections (response rates, the
units against the age group's estimate, the shares per unit) and the preschool units'
profiles, each unit's shares per age group beside the municipal estimate, its response
rate and the trend (`sections_units`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...formatting import fmt_int, fmt_pct
from ...instrument import UnitContribution
from ...markup import Html, render, table_html
from ...sections_units import SurveyProfile, shown_unit_shares, survey_contribution
from ...survey_sections import TOO_FEW, FunnelWords
from ...units import unit_names

if TYPE_CHECKING:
    from .report import GuardianSurveyReport

GROUP = "aldersgrupp"

PROFILE = SurveyProfile(
    source="vardnadshavarenkat",
    heading="Vårdnadshavarenkäten",
    group=GROUP,
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


def low_units(report: GuardianSurveyReport) -> tuple[int, list[tuple[str, str, str]]]:
    """The number of preschools, and those where fewer than half of the questionnaires were
    sent in (name, sent in, children), by name."""
    per_unit = (
        report.units_of(report.period)
        .groupby("skolenhetskod")
        .agg(skolenhet=("skolenhet", "first"), svar=("svar", "sum"), antal=("antal", "sum"))
    )
    low = per_unit[per_unit["svar"] < per_unit["antal"] / 2].sort_values("skolenhet")
    return len(per_unit), [(n, fmt_int(s), fmt_int(a)) for n, s, a in zip(low["skolenhet"], low["svar"], low["antal"])]


def unit_response_rates(report: GuardianSurveyReport) -> Html:
    """Every unit and age group's response rate: the researchers' variant only."""
    units = report.units_of(report.period)
    table = pd.DataFrame(
        {
            "Åldersgrupp": units[GROUP],
            "Förskola": units["skolenhet"],
            "Barn": units["antal"].map(fmt_int),
            "Enkäter": units["svar"].map(fmt_int),
            "Svarsfrekvens": [fmt_pct(s / n if n else None) for s, n in zip(units["svar"], units["antal"])],
        }
    )
    return table_html(table, "Enkäter per förskola och åldersgrupp", numeric=["Barn", "Enkäter", "Svarsfrekvens"])


def unit_tables(report: GuardianSurveyReport) -> Html:
    """Every question's shares per unit: the researchers' variant only."""
    names = unit_names(report.units_of(report.period))
    tables = []
    for question in report.questions_closed:
        shares = [
            shown_unit_shares(report.answered_units(question, a), names, ("Åldersgrupp", a), "Förskola")
            for a in report.age_groups
        ]
        rows = pd.concat(shares, ignore_index=True)
        if len(rows):
            tables.append(
                table_html(
                    rows,
                    f"{question.short} per förskola, i enhetskodens ordning",
                    numeric=["Andel", "95 % intervall"],
                    footnote=f"95 % intervall: Wilson, med ändlighetskorrektion. Förskolor med {TOO_FEW} visas inte.",
                )
            )
    return render("survey_unit_tables.html.j2", __file__, anchor="per-forskola", heading="Andelar per förskola", tables=tables)


FUNNEL_WORDS = FunnelWords(
    answered="Vårdnadshavare som besvarat frågan vid förskolan",
    share="Andel som instämmer (%)",
    heading="Förskolorna jämförda med åldersgruppens skattning",
    closing="Varje förskolas andelar står i dess profil och i analysversionen.",
)
