"""The register sections of the operations-plan report: absence, and reports of offensive
treatment and harassment, for the municipality, per school form and per unit.

Register figures are counts of a census; small counts below a municipal total are shown as
"1–4" with the complementary cell hidden, municipal totals never.
"""

from __future__ import annotations

import pandas as pd

from ... import plots
from ...formatting import fmt_decimal, fmt_int, fmt_pct
from ...instrument import IndicatorValue
from ...markup import Html, render, table_html
from ...sections_units import SMALL, SMALL_FOOTNOTE, funnel_section, per_100
from ...suppression import MIN_GROUP, suppress
from ...units import unit_names
from . import measures as m
from .registers import contract_labels
from .scorecard import value_text
from .units import absence_units, report_units


def small_counts(counts: dict[str, int]) -> dict[str, str]:
    """Counts below a municipal total: "1–4" for small ones, "–" for a complementary cell."""
    shown = suppress(counts, sum(counts.values()))
    return {g: fmt_int(n) if shown[g] is not None else (SMALL if 0 < n < MIN_GROUP else "–") for g, n in counts.items()}


def missing_html(table: str, period: str) -> Html:
    """The sentence that stands for a section whose source file the period lacks."""
    return render("missing.html.j2", __file__, file=m.SOURCE_FILES[table], period=period)


# --- absence -----------------------------------------------------------------------------------


def absence_html(franvaro: pd.DataFrame | None, elevantal: pd.DataFrame | None, limits: list[float], period: str) -> Html:
    """High absence per term and threshold, students absent in both of the last two terms,
    per school form, and every unit against the municipality."""
    if franvaro is None:
        return render("absence.html.j2", __file__, missing=missing_html("franvaro", period))
    found = m.terms(franvaro)
    rows = []
    for term in found:
        for limit in limits:
            r = m.high_absence(franvaro, limit, term).iloc[0]
            rows.append(
                {
                    "Termin": term,
                    "Gräns": f"minst {fmt_decimal(limit, 0)} %",
                    "Elever med hög frånvaro": fmt_int(r["hog"]),
                    "Elever med schemalagd tid": fmt_int(r["elever"]),
                    "Andel": fmt_pct(r["hog"] / r["elever"] if r["elever"] else None, 1),
                }
            )
    sentences = []
    if len(found) >= 2:
        for limit in limits:
            both, present = m.repeated_high_absence(franvaro, limit, *found[-2:])
            sentences.append(
                f"{fmt_int(both)} av {fmt_int(present)} elever som fanns med både {found[-2]} och {found[-1]} "
                f"({fmt_pct(both / present if present else None, 1)}) hade minst {fmt_decimal(limit, 0)} % frånvaro båda terminerna."
            )
    unscheduled = m.unscheduled_rows(franvaro)
    if unscheduled:
        sentences.append(f"{fmt_int(unscheduled)} rader utan schemalagd tid är inte medräknade.")
    names = unit_names(elevantal, franvaro)
    funnels = [
        funnel_section(
            absence_units(franvaro, limit, term),
            names,
            f"Minst {fmt_decimal(limit, 0)} % frånvaro, {term}",
            "Elever med schemalagd tid vid enheten",
            "Andel med hög frånvaro (%)",
        )
        for term in found
        for limit in limits
    ]
    return render(
        "absence.html.j2",
        __file__,
        missing=None,
        rows=pd.DataFrame(rows),
        sentences=sentences,
        by_skolform=_absence_by_skolform(franvaro, elevantal, found[-1], limits) if elevantal is not None else "",
        funnels=funnels,
    )


def _absence_by_skolform(franvaro: pd.DataFrame, elevantal: pd.DataFrame, term: str, limits: list[float]) -> Html:
    forms = elevantal.drop_duplicates("skolenhetskod").set_index("skolenhetskod")["skolform"]
    with_form = franvaro.assign(skolform=franvaro["skolenhetskod"].map(forms).fillna("Okänd skolenhet"))
    columns: dict[str, dict[str, str]] = {}
    students = None
    for limit in limits:
        table = m.high_absence(with_form, limit, term, by=["skolform"])
        students = dict(zip(table["skolform"], table["elever"]))
        columns[f"Minst {fmt_decimal(limit, 0)} %"] = small_counts(dict(zip(table["skolform"], table["hog"])))
    if not students or len(students) < 2:
        return Html("")
    frame = pd.DataFrame(
        {
            "Skolform": list(students),
            "Elever med schemalagd tid": [fmt_int(n) for n in students.values()],
            **{k: [v[g] for g in students] for k, v in columns.items()},
        }
    )
    return table_html(
        frame, f"Elever med hög frånvaro per skolform, {term}", numeric=list(frame.columns[1:]), footnote=SMALL_FOOTNOTE
    )


def absence_figure(franvaro: pd.DataFrame | None, limits: list[float]) -> tuple[bytes, str, str, str] | None:
    """High absence per term for the whole municipality: PNG, alt text, caption, sentence."""
    if franvaro is None:
        return None
    rows, students = [], {}
    for term in m.terms(franvaro):
        for limit in limits:
            r = m.high_absence(franvaro, limit, term).iloc[0]
            students[term] = int(r["elever"])
            rows.append(
                {
                    "question": limit,
                    "label": term,
                    "share": r["hog"] / r["elever"] if r["elever"] else None,
                    "count": (int(r["hog"]), int(r["elever"])),
                }
            )
    table = pd.DataFrame(rows).dropna(subset=["share"])
    if table.empty:
        return None
    titles = {limit: f"Minst {fmt_decimal(limit, 0)} % frånvaro" for limit in limits}
    png, alt = plots.trend_chart(
        table,
        titles,
        ylabel="Andel av eleverna med schemalagd tid (%)",
        subject="andelen elever med hög frånvaro",
        value_text=lambda v: fmt_pct(v, 1),
        ylim=None,
    )
    last = table[table["label"] == table["label"].iloc[-1]]
    sentence = (
        f"{last['label'].iloc[0]}: "
        + "; ".join(
            f"{fmt_int(h)} av {fmt_int(n)} elever ({fmt_pct(h / n, 1)}) hade minst {fmt_decimal(q, 0)} % frånvaro"
            for q, (h, n) in zip(last["question"], last["count"])
        )
        + "."
    )
    caption = (
        "Andel elever med hög frånvaro per termin, av alla elever med schemalagd tid: "
        + ", ".join(f"{t} {fmt_int(n)} elever" for t, n in students.items())
        + "."
    )
    return png, alt, caption, sentence


# --- reports of offensive treatment --------------------------------------------------------------


def reports_html(
    reports: pd.DataFrame | None,
    elevantal: pd.DataFrame | None,
    previous: IndicatorValue | None,
    previous_label: str | None,
    period: str,
) -> Html:
    """The period's reports: how many, per 100 students, how many closed and how fast, per
    type and school form, those with staff as perpetrators, and every unit's rate.
    `previous` is the previous period's municipal rate."""
    if reports is None:
        return render("reports.html.j2", __file__, missing=missing_html("krankningar", period))
    total = len(reports)
    staff = reports[reports["utovare"] == "Personal"]
    closed = reports[reports["status"] == "Avslutad"]
    days_closed = (closed["avslutad"] - closed["anmald"]).dt.days.dropna()
    days_principal = (reports["till_huvudman"] - reports["anmald"]).dt.days.dropna()
    students = m.enrolled(elevantal) if elevantal is not None else None
    context: dict[str, object] = {
        "missing": None,
        "total": total,
        "per_100": fmt_decimal(100 * total / students, 1) if students is not None else None,
        "students": students,
        "staff": len(staff),
        "previous": value_text(previous) if previous is not None and previous.value is not None else None,
        "previous_label": previous_label,
        "closed": len(closed),
        "closed_share": fmt_pct(len(closed) / total, 1) if total else None,
        "days_closed": (fmt_decimal(days_closed.median(), 1), len(days_closed)) if len(days_closed) else None,
        "days_principal": (fmt_decimal(days_principal.median(), 1), len(days_principal)) if len(days_principal) else None,
    }
    if elevantal is None:
        return render("reports.html.j2", __file__, **context, enrolment=None, no_students=missing_html("elevantal", period))
    with_form = m.with_skolform(reports, elevantal)
    staff_with_form = m.with_skolform(staff, elevantal)
    enrolment = {  # what needs elevantal.csv
        "by_type": _by_type(reports, elevantal),
        "by_skolform": _by_skolform(with_form, elevantal),
        "staff_count": len(staff_with_form),
        "staff_per_100": fmt_decimal(100 * len(staff_with_form) / students, 2),
        "staff": _staff(staff_with_form),
        "funnel": funnel_section(
            report_units(reports, elevantal),
            unit_names(elevantal),
            "Anmälningar per 100 elever per skolenhet",
            "Inskrivna elever vid enheten",
            "Anmälningar per 100 elever",
            value=per_100,
        ),
    }
    return render("reports.html.j2", __file__, **context, enrolment=enrolment, no_students=None)


def _by_type(reports: pd.DataFrame, elevantal: pd.DataFrame) -> Html:
    students = m.enrolled(elevantal)
    rows = [
        {"Typ": typ, "Anmälningar": fmt_int(n), "Per 100 elever": fmt_decimal(100 * n / students, 2)}
        for typ in contract_labels("krankningar", "typ")
        for n in [int((reports["typ"] == typ).sum())]
    ]
    rows.append(
        {
            "Typ": "Alla anmälningar",
            "Anmälningar": fmt_int(len(reports)),
            "Per 100 elever": fmt_decimal(100 * len(reports) / students, 2),
        }
    )
    return table_html(pd.DataFrame(rows), "Anmälningar per typ, hela kommunen", numeric=["Anmälningar", "Per 100 elever"])


def _by_skolform(reports: pd.DataFrame, elevantal: pd.DataFrame) -> Html:
    # Types and school forms are shown as margins, never crossed: a cross table with
    # municipal totals would let a hidden small cell be worked out from its row and column.
    forms = [f for f in contract_labels("elevantal", "skolform") if f in set(elevantal["skolform"])]
    raw = {f: int((reports["skolform"] == f).sum()) for f in forms}
    shown = small_counts(raw)
    rows = [
        {
            "Skolform": f,
            "Elever": fmt_int(m.enrolled(elevantal, f)),
            "Anmälningar": shown[f],
            "Per 100 elever": fmt_decimal(100 * raw[f] / m.enrolled(elevantal, f), 2) if shown[f] not in (SMALL, "–") else "–",
        }
        for f in forms
    ]
    rows.append(
        {
            "Skolform": "Hela kommunen",
            "Elever": fmt_int(m.enrolled(elevantal)),
            "Anmälningar": fmt_int(len(reports)),
            "Per 100 elever": fmt_decimal(100 * len(reports) / m.enrolled(elevantal), 2),
        }
    )
    return table_html(
        pd.DataFrame(rows),
        "Anmälningar per skolform",
        numeric=["Elever", "Anmälningar", "Per 100 elever"],
        footnote=SMALL_FOOTNOTE,
    )


def _staff(staff: pd.DataFrame) -> Html:
    rows = [
        {"Typ": typ, "Anmälningar": fmt_int(int((staff["typ"] == typ).sum()))} for typ in contract_labels("krankningar", "typ")
    ]
    rows.append({"Typ": "Totalt", "Anmälningar": fmt_int(len(staff))})
    return table_html(pd.DataFrame(rows), "Anmälningar där personal är utövare, hela kommunen", numeric=["Anmälningar"])


def reports_by_unit_html(reports: pd.DataFrame | None, elevantal: pd.DataFrame | None) -> Html:
    """Reports per unit, one row per unit: the researchers' variant only, as the student
    survey's unit tables; leadership sees the funnel plot, every unit its profile."""
    if reports is None or elevantal is None:
        return Html("")
    units = elevantal.groupby(["skolenhet", "skolenhetskod", "skolform"], sort=True)["antal"].sum().reset_index()
    counts = reports["skolenhetskod"].value_counts()
    raw = {code: int(counts.get(code, 0)) for code in units["skolenhetskod"]}
    shown = small_counts(raw)
    frame = pd.DataFrame(
        {
            "Skolenhet": units["skolenhet"],
            "Skolform": units["skolform"],
            "Elever": units["antal"].astype(int).map(fmt_int),
            "Anmälningar": [shown[c] for c in units["skolenhetskod"]],
            "Per 100 elever": [
                fmt_decimal(100 * raw[c] / n, 1) if shown[c] not in (SMALL, "–") and n else "–"
                for c, n in zip(units["skolenhetskod"], units["antal"])
            ],
        }
    )
    outside = len(reports) - sum(raw.values())
    total = {
        "Skolenhet": "Hela kommunen",
        "Skolform": "",
        "Elever": fmt_int(m.enrolled(elevantal)),
        "Anmälningar": fmt_int(len(reports)),
        "Per 100 elever": fmt_decimal(100 * len(reports) / m.enrolled(elevantal), 1),
    }
    note = SMALL_FOOTNOTE + (
        f" {outside} anmälningar gäller skolenheter som saknas i elevantal.csv och ingår bara i totalen." if outside else ""
    )
    return table_html(
        pd.concat([frame, pd.DataFrame([total])], ignore_index=True),
        "Anmälningar per skolenhet",
        numeric=["Elever", "Anmälningar", "Per 100 elever"],
        footnote=note,
    )
