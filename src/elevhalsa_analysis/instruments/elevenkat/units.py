"""The student survey per unit: the report's per-unit sections (response rates, the units
against the year group's estimate, the shares per unit) and the unit profiles' part, each
unit's shares with intervals and funnel flags beside the municipal estimate, its response
rate, and the trend over earlier surveys (`sections_units.survey_contribution` with the
student survey's words)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...formatting import fmt_int, fmt_pct
from ...instrument import UnitContribution
from ...markup import Html, render, table_html
from ...sections_units import SurveyProfile, shown_unit_shares
from ...sections_units import survey_contribution as profile_contribution
from ...survey_sections import FunnelWords
from ...units import unit_names

if TYPE_CHECKING:
    from .report import StudentSurveyReport

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


def rate_bands(report: StudentSurveyReport) -> tuple[Html, list[tuple[str, str, str, str]]]:
    """How the units' response rates spread, and the units below half (name, rate, answered,
    enrolled): the leadership's view, of any length. Each unit's figure is in its profile
    and the researchers' variant."""
    units = report.units_of(report.period)
    per_unit = units.groupby("skolenhetskod").agg(skolenhet=("skolenhet", "first"), svar=("svar", "sum"), antal=("antal", "sum"))
    share = per_unit["svar"] / per_unit["antal"].where(per_unit["antal"] > 0)
    bands = [
        ("under 50 %", share < 0.5),
        ("50–69 %", (share >= 0.5) & (share < 0.7)),
        ("70–84 %", (share >= 0.7) & (share < 0.85)),
        ("85 % eller mer", share >= 0.85),
    ]
    rows = [{"Svarsfrekvens": b, "Skolenheter": fmt_int(int(m.sum()))} for b, m in bands]
    if share.isna().any():
        rows.append({"Svarsfrekvens": "inga elever i elevantal.csv", "Skolenheter": fmt_int(int(share.isna().sum()))})
    low = per_unit[share < 0.5].sort_values("skolenhet")
    table = table_html(
        pd.DataFrame(rows),
        f"Skolenheternas svarsfrekvens, alla årskurser ({fmt_int(len(per_unit))} skolenheter)",
        numeric=["Skolenheter"],
        footnote="Svarsfrekvens = inskickade enkäter av enhetens elever i de "
        "tillfrågade årskurserna. Varje enhets siffror finns i dess profil och i analysversionen.",
    )
    return table, [(n, fmt_pct(s / a), fmt_int(s), fmt_int(a)) for n, s, a in zip(low["skolenhet"], low["svar"], low["antal"])]


def unit_response_rates(report: StudentSurveyReport) -> Html:
    """Every unit and year group's response rate: the researchers' variant only."""
    units = report.units_of(report.period)
    per_unit = pd.DataFrame(
        {
            "Årskurs": units["arskurs"],
            "Skolenhet": units["skolenhet"],
            "Elever": units["antal"].map(fmt_int),
            "Svar": units["svar"].map(fmt_int),
            "Svarsfrekvens": [fmt_pct(s / n if n else None) for s, n in zip(units["svar"], units["antal"])],
        }
    )
    return table_html(
        per_unit,
        "Svar per skolenhet och årskurs (antal inskickade enkäter, inte svar på en viss fråga)",
        numeric=["Elever", "Svar", "Svarsfrekvens"],
    )


def unit_tables(report: StudentSurveyReport) -> Html:
    """Every question's shares per unit: the researchers' variant only (one row per unit)."""
    names = unit_names(report.units_of(report.period))
    tables = []
    for question in report.questions_closed:
        shares = [
            shown_unit_shares(report.answered_units(question, a), names, ("Årskurs", a), "Skolenhet") for a in report.year_groups
        ]
        rows = pd.concat(shares, ignore_index=True)
        if len(rows):
            tables.append(
                table_html(
                    rows,
                    f"{question.short} per skolenhet, i skolenhetskodens ordning",
                    numeric=["Andel", "95 % intervall"],
                    footnote="95 % intervall: Wilson, med ändlighetskorrektion.",
                )
            )
    return render("survey_unit_tables.html.j2", __file__, anchor="per-skolenhet", heading="Andelar per skolenhet", tables=tables)


FUNNEL_WORDS = FunnelWords(
    answered="Elever som besvarat frågan vid enheten",
    share="Andel (%)",
    heading="Skolenheterna jämförda med årskursens skattning",
    closing="Varje skolenhets andelar står i dess profil och i analysversionen.",
)
