"""The operations plan in the unit profiles: each unit's absence and reports beside the
municipality's (census counts, hidden below five), and what the period keeps of the surveys
it follows, asked of those instruments through `carried_units` and `carried_contribution`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import plots, registry
from ...formatting import fmt_decimal, fmt_int
from ...instrument import UnitContribution
from ...loaders import PeriodMeta
from ...markup import Html, render
from ...processed import Processed
from ...sections_units import DASH, SMALL_FOOTNOTE, count_cell, flag_text, pct
from ...units import hidden_units, with_flags
from . import measures as m
from .measures import term_sort_key

# --- registers (census: counts and shares) -------------------------------------------------


def absence_units(franvaro: pd.DataFrame, grans: float, term: str) -> pd.DataFrame:
    """Students with scheduled time (`n`) and at or above `grans` (`events`) per unit in `term`.

    A student in two units counts in each; the municipal value counts them once (measures).
    """
    per = m.high_absence(franvaro, grans, term, by=["skolenhetskod"])
    total = m.high_absence(franvaro, grans, term).iloc[0]
    hidden = hidden_units(dict(zip(per["skolenhetskod"], per["hog"])))
    frame = pd.DataFrame(
        {
            "skolenhetskod": per["skolenhetskod"].astype(str),
            "n": per["elever"].astype(int),
            "events": per["hog"].astype(int),
            "dold": per["skolenhetskod"].map(hidden).astype(bool),
        }
    )
    target = float(total["hog"] / total["elever"]) if total["elever"] else 0.0
    return with_flags(frame, target).assign(termin=term, grans=float(grans))


def report_units(krankningar: pd.DataFrame, elevantal: pd.DataFrame) -> pd.DataFrame:
    """Reports (`events`) and enrolled students (`n`) per unit of elevantal.csv.

    The municipal value counts every report, also those of units missing from enrolment,
    as the report's own table does.
    """
    enrolled = elevantal.groupby("skolenhetskod", sort=True)["antal"].sum()
    counts = krankningar["skolenhetskod"].value_counts()
    raw = {str(c): int(counts.get(c, 0)) for c in enrolled.index}
    hidden = hidden_units(raw)
    frame = pd.DataFrame(
        {
            "skolenhetskod": list(raw),
            "n": enrolled.astype(int).to_numpy(),
            "events": list(raw.values()),
            "dold": [hidden[c] for c in raw],
        }
    )
    students = int(enrolled.sum())
    return with_flags(frame, len(krankningar) / students if students else 0.0)


def register_tables(period: str, tables: Mapping[str, pd.DataFrame], limits: list[float]) -> dict[str, pd.DataFrame]:
    """One follow-up period's per-unit absence (every term and threshold) and reports."""
    out: dict[str, pd.DataFrame] = {}
    franvaro, elevantal, reports = tables.get("franvaro"), tables.get("elevantal"), tables.get("krankningar")
    if franvaro is not None:
        frames = [absence_units(franvaro, limit, term) for term in m.terms(franvaro) for limit in limits]
        if frames:
            out["enheter_franvaro"] = pd.concat(frames, ignore_index=True).assign(period=period)
    if reports is not None and elevantal is not None:
        out["enheter_anmalningar"] = report_units(reports, elevantal).assign(period=period)
    return out


@dataclass
class UnitData:
    """What every profile of a follow-up period reads, loaded once from its processed folder."""

    period: str
    label: str
    synthetic: bool
    units: pd.DataFrame  # skolenhetskod, skolenhet, skolform; ordered by code
    tables: dict[str, pd.DataFrame]
    periods: pd.DataFrame  # the follow-up periods (current and previous) with labels
    surveys: dict[str, list[dict]]  # instrument → its periods read ({period, label, end}), oldest first

    @classmethod
    def load(cls, folder: Path) -> UnitData:
        found = Processed(Path(folder))
        manifest = found.manifest
        tables = found.tables("enheter_")
        enrolled = (
            found.table("elevantal")
            if found.has("elevantal")
            else pd.DataFrame(columns=["skolenhetskod", "skolenhet", "skolform"])
        )
        listed = enrolled.drop_duplicates("skolenhetskod")[["skolenhetskod", "skolenhet", "skolform"]]
        periods = found.periods
        return cls(
            manifest["period"],
            manifest["label"],
            bool(periods["syntetisk"].any()),
            listed.sort_values("skolenhetskod").reset_index(drop=True),
            tables,
            periods,
            manifest.get("enkatperioder", {}),
        )

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units["skolenhetskod"], self.units["skolenhet"]))

    def period_label(self, period: str) -> str:
        rows = self.periods[self.periods["period"] == period]
        return str(rows["label"].iloc[0]) if len(rows) else period


def _absence(data: UnitData, code: str) -> Html:
    """The unit's high absence per term beside the municipality's, with the trend chart."""
    table = data.tables.get("enheter_franvaro")
    if table is None:
        return render("unit_absence.html.j2", __file__, lacking="file")
    mine = table[table["skolenhetskod"] == code]
    if mine.empty:
        return render("unit_absence.html.j2", __file__, lacking="students")
    rows, trend = [], []
    for r in mine.itertuples():
        limit = f"minst {fmt_decimal(r.grans, 0)} %"
        rows.append(
            {
                "Termin": r.termin,
                "Gräns": limit,
                "Elever med schemalagd tid": fmt_int(r.n),
                "Elever med hög frånvaro": count_cell(r.events, r.dold),
                "Andel": DASH if r.dold else pct(r.events / r.n if r.n else 0.0),
                "Kommunen": pct(r.kommun),
                "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
            }
        )
        trend.append({"question": f"k{r.grans}", "label": r.termin, "share": r.kommun})
        if not r.dold and r.n:
            trend.append({"question": f"e{r.grans}", "label": r.termin, "share": r.events / r.n})
    order = {t: i for i, t in enumerate(sorted(mine["termin"].unique(), key=term_sort_key))}
    frame = pd.DataFrame(rows).sort_values(["Termin", "Gräns"], key=lambda s: s.map(order) if s.name == "Termin" else s)
    chart = None
    points = pd.DataFrame(trend)
    if points["label"].nunique() > 1:
        points = points.sort_values("label", key=lambda s: s.map(order), kind="stable")
        titles = {
            f"{w}{g}": f"{'Enheten' if w == 'e' else 'Kommunen'}, minst {fmt_decimal(g, 0)} %"
            for w in "ek"
            for g in mine["grans"].unique()
        }
        png, alt = plots.trend_chart(
            points, titles, "Andel med hög frånvaro (%)", "andelen elever med hög frånvaro", pct, ylim=(0, None)
        )
        chart = plots.figure_html(
            png, alt, "Andel elever med hög frånvaro per termin, enheten och kommunen. En dold uppgift saknar punkt."
        )
    return render(
        "unit_absence.html.j2",
        __file__,
        lacking=None,
        rows=frame.reset_index(drop=True),
        hidden_note=SMALL_FOOTNOTE,
        chart=chart,
    )


def _reports(data: UnitData, code: str) -> Html:
    """The unit's reports per period beside the municipality's rate."""
    table = data.tables.get("enheter_anmalningar")
    if table is None:
        return render("unit_reports.html.j2", __file__, lacking="file")
    mine = table[table["skolenhetskod"] == code]
    rows = [
        {
            "Period": data.period_label(r.period),
            "Elever": fmt_int(r.n),
            "Anmälningar": count_cell(r.events, r.dold),
            "Per 100 elever": DASH if r.dold or not r.n else fmt_decimal(100 * r.events / r.n, 1),
            "Kommunen per 100 elever": fmt_decimal(100 * r.kommun, 1),
            "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
        }
        for r in mine.sort_values("period").itertuples()
    ]
    if not rows:
        return render("unit_reports.html.j2", __file__, lacking="unit")
    return render("unit_reports.html.j2", __file__, lacking=None, rows=pd.DataFrame(rows), hidden_note=SMALL_FOOTNOTE)


def carried_tables(
    own: str,
    periods: list[tuple[str, PeriodMeta]],
    follow_up: PeriodMeta,
    referenced: dict[str, list[str]],
    data_dir: Path,
    salt: bytes,
) -> tuple[dict[str, pd.DataFrame], list[Path], dict[str, list[dict]]]:
    """What a follow-up period keeps of every other instrument for its unit profiles, as each
    says (`Instrument.carried_units`): tables `enheter_<instrument>`, the files read, and per
    instrument the periods covered. `referenced` maps an instrument to the periods the plan names."""
    tables: dict[str, pd.DataFrame] = {}
    inputs: list[Path] = []
    covered: dict[str, list[dict]] = {}
    for inst in registry.all_instruments():
        carried = (
            None if inst.name == own else inst.carried_units(periods, follow_up, referenced.get(inst.name, []), data_dir, salt)
        )
        if carried is not None:
            tables[f"enheter_{inst.name}"] = carried.table
            inputs += carried.inputs
            covered[inst.name] = carried.periods
    return tables, inputs, covered


def plan_contributions(folder: Path) -> list[UnitContribution]:
    """An operations-plan period's unit data: what it kept of the other instruments, and its registers."""
    data = UnitData.load(folder)
    out = []
    for inst in registry.all_instruments():
        table, covered = data.tables.get(f"enheter_{inst.name}"), data.surveys.get(inst.name)
        found = inst.carried_contribution(table, covered, data.units) if table is not None and covered else None
        if found is not None:
            out.append(found)
    if len(data.units):
        deviates: dict[str, list[str]] = {}
        absence = data.tables.get("enheter_franvaro")
        if absence is not None:
            for r in absence[(absence["period"] == data.period) & (absence["avvikelse"] != "") & ~absence["dold"]].itertuples():
                deviates.setdefault(r.skolenhetskod, []).append(
                    f"Hög frånvaro (minst {fmt_decimal(r.grans, 0)} %), {r.termin}: {r.avvikelse}"
                )
        reports = data.tables.get("enheter_anmalningar")
        if reports is not None:
            for r in reports[(reports["period"] == data.period) & (reports["avvikelse"] != "") & ~reports["dold"]].itertuples():
                deviates.setdefault(r.skolenhetskod, []).append(f"Anmälningar per 100 elever: {r.avvikelse}")
        listed = set(data.units["skolenhetskod"])

        def registers(code: str) -> Html:
            if code not in listed:
                return render("unit_not_listed.html.j2", __file__, label=data.label)
            return Html(_absence(data, code) + _reports(data, code))

        out.append(
            UnitContribution(
                "verksamhetsplan",
                "Register (elevantal.csv)",
                data.units,
                dict.fromkeys(listed, "ingår"),
                deviates,
                registers,
                "Frånvaro och anmälningar är totalräkningar utan osäkerhetsintervall.",
            )
        )
    return out
