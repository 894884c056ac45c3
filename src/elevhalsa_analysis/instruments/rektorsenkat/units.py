"""The principal survey in the unit profiles: access to elevhälsa's competences, the one
organisational fact of the survey shown per unit. Every other principal answer is one
identifiable person's opinion and never reaches a unit."""

from __future__ import annotations

import pandas as pd

from ...codebook import Version
from ...instrument import UnitContribution
from ...markup import Html, render
from .grid import competence_matrix


def competence_units(long: pd.DataFrame, population: pd.DataFrame, version: Version, period: str) -> pd.DataFrame:
    """Access per unit and competence (1 = access, 0 = not, NaN = not answered) for the
    codebook's unit-level questions only; nothing else of a principal's answers."""
    frames = []
    for q in (q for q in version.closed_questions if q.unit_level):
        matrix = competence_matrix(long, population, version, q, period)
        codes = population[population["period"] == period].drop_duplicates("skolenhet").set_index("skolenhet")["skolenhetskod"]
        wide = matrix.assign(skolenhetskod=matrix.index.map(codes).astype(str)).reset_index(drop=True)
        frames.append(wide.melt(id_vars="skolenhetskod", var_name="kompetens", value_name="tillgang").assign(fraga=q.id))
    columns = ["skolenhetskod", "kompetens", "tillgang", "fraga"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return table[columns].astype({"tillgang": float}).assign(enkatperiod=period)


def competence_section(table: pd.DataFrame | None, own: dict | None, code: str) -> Html:
    """Access to the competences by the principal survey `own` ({period, label}): the one
    organisational fact of that survey shown per unit."""
    if table is None or own is None:
        return render("unit_competences.html.j2", __file__, label=None, rows=None)
    mine = table[(table["skolenhetskod"] == code) & (table["enkatperiod"] == own["period"])]
    words = {1.0: "Ja", 0.0: "Nej"}
    rows = pd.DataFrame({"Kompetens": mine["kompetens"], "Tillgång": [words.get(v, "ej besvarad") for v in mine["tillgang"]]})
    return render("unit_competences.html.j2", __file__, label=own["label"], rows=None if mine.empty else rows)


def competence_contribution(table: pd.DataFrame, own: dict, units_frame: pd.DataFrame) -> UnitContribution:
    """The principal survey's part: access to the competences (`competence_units`)."""
    mine = table[table["enkatperiod"] == own["period"]]
    answered = mine.groupby("skolenhetskod")["tillgang"].apply(lambda s: bool(s.notna().any()))
    coverage = {c: "besvarad" if a else "ej besvarad" for c, a in answered.items()}
    shown = units_frame[units_frame["skolenhetskod"].isin(list(coverage))]
    return UnitContribution(
        "rektorsenkat",
        "Rektorsenkäten, frågan om kompetenser",
        shown.reset_index(drop=True),
        coverage,
        {},
        lambda code: competence_section(table, own, code),
    )
