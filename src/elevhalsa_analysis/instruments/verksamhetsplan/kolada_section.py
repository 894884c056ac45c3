"""The public statistics section: the plan's Kolada indicators for the municipality and the
places it compares itself with, per year, as a chart and a table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import plots
from ...formatting import fmt_decimal
from ...markup import Html, render
from . import measures as m
from .plan import IndicatorSpec, Plan
from .register_sections import missing_html


@dataclass
class KoladaIndicator:
    """One indicator as the template shows it: its chart, if any, and its table."""

    figure: Html | None
    rows: pd.DataFrame
    caption: str
    years: list[str]


def kolada_html(plan: Plan, kolada: pd.DataFrame | None, period: str) -> Html:
    """Every Kolada indicator of the plan; nothing when the plan has none."""
    specs = [s for s in plan.indikatorer if s.kalla == "kolada"]
    if not specs:
        return Html("")
    if kolada is None:
        return render("kolada.html.j2", __file__, missing=missing_html("kolada", period))
    return render(
        "kolada.html.j2",
        __file__,
        missing=None,
        indicators=[_indicator(plan, spec, kolada) for spec in specs],
        survey_note=any(s.kalla == "elevenkat" for s in plan.indikatorer),
    )


def _indicator(plan: Plan, spec: IndicatorSpec, kolada: pd.DataFrame) -> KoladaIndicator:
    """One indicator's chart (when it has more than one year) and table."""
    places = [(plan.kommunkod, "Kommunen"), *((c.id, c.namn) for c in spec.jamfor_med)]
    years = sorted(kolada.loc[kolada["kpi"] == spec.kpi, "ar"].unique())
    rows, points = [], []
    for code, name in places:
        cells = {str(y): m.kolada_value(kolada, spec.kpi, code, int(y)) for y in years}
        rows.append(
            {"": f"{name} ({code})", **{y: "uppgift saknas" if v is None else fmt_decimal(v, 1) for y, v in cells.items()}}
        )
        points += [{"question": code, "label": y, "share": v / 100} for y, v in cells.items() if v is not None]
    figure = None
    if points and len(years) > 1:
        # Kolada's values are in the KPI's own unit; share = value / 100 only feeds the chart's scale.
        png, alt = plots.trend_chart(
            pd.DataFrame(points).sort_values("label", kind="stable"),
            {code: f"{name} ({code})" for code, name in places},
            "Värde enligt Kolada",
            f"{spec.namn.lower()} (Kolada {spec.kpi})",
            lambda s: fmt_decimal(100 * s, 1),
            ylim=(0, None),
        )
        figure = plots.figure_html(png, alt, f"{spec.namn}: kommunen och jämförelserna per år (Kolada {spec.kpi}).")
    return KoladaIndicator(figure, pd.DataFrame(rows), f"{spec.namn} (Kolada {spec.kpi})", [str(y) for y in years])
