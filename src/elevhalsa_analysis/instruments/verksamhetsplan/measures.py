"""The operations plan's measures: each `kalla`/`matt` of the plan names one function here.

A plan picks its indicators by name, so a new measure is a `register` call, never an edit
of a dispatcher. The computations are pure functions over the tidy, pseudonymised tables
the loaders produce (absence per student, unit and term; one row per report; enrolment;
Kolada values); the report's breakdowns call the same functions, so the scorecard and the
tables beside it cannot disagree.

Registers are censuses: figures are counts and shares, never sampling intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ... import registry
from ...config import raw_period_dir
from ...errors import DataError
from ...instrument import IndicatorValue, Instrument

PERCENT = "%"
PER_100 = "per 100 elever"
DAYS = "dagar"

# What a reader must supply when a table is missing.
SOURCE_FILES = {
    "franvaro": "franvaro.xlsx eller franvaro.csv",
    "krankningar": "krankningar.xlsx eller krankningar.csv",
    "elevantal": "elevantal.csv",
    "kolada": "kolada.json (hämtas med «elevhalsa kolada»)",
}
TERM_ORDER = {"VT": 0, "HT": 1}


@dataclass(frozen=True)
class Sources:
    """What one follow-up period offers the measures; a table is None when its file is absent."""

    period: str
    data_dir: Path
    year: int
    kommunkod: str
    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


Fn = Callable[[Sources, Any], IndicatorValue]


@dataclass(frozen=True)
class Measure:
    """A registered measure: its function, the tables it reads and the plan keys it takes."""

    name: str
    fn: Fn
    needs: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    unit: str = ""


_REGISTRY: dict[str, Measure] = {}


def register(
    name: str, fn: Fn, needs: Iterable[str] = (), required: Iterable[str] = (), optional: Iterable[str] = (), unit: str = ""
) -> Measure:
    measure = Measure(name, fn, tuple(needs), tuple(required), tuple(optional), unit)
    _REGISTRY[name] = measure
    return measure


def key(kalla: str, matt: str | None) -> str:
    return kalla if matt is None else f"{kalla}.{matt}"


def instrument_source(kalla: str) -> Instrument | None:
    """The instrument a plan indicator's `kalla` names, when it gives indicators (the surveys).

    Asked of the registry, so a new survey instrument is a source without an edit here."""
    try:
        found = registry.get(kalla)
    except KeyError:
        return None
    return found if found.gives_indicators else None


def instrument_sources() -> list[str]:
    return [i.name for i in registry.all_instruments() if i.gives_indicators]


def sources() -> list[str]:
    """Every `kalla` a plan indicator may name: the surveys that give indicators, then the registers."""
    return list(dict.fromkeys([*instrument_sources(), *(n.split(".", 1)[0] for n in _REGISTRY)]))


def get(name: str) -> Measure:
    if name in _REGISTRY:
        return _REGISTRY[name]
    source = instrument_source(name)
    if source is None:
        raise KeyError(f"okänt mått «{name}»; kända: {', '.join(names())}")
    return Measure(name, survey_measure, required=("fraga",), optional=("period", *source.indicator_filters), unit=PERCENT)


def names() -> list[str]:
    return sorted([*_REGISTRY, *instrument_sources()])


def missing(period: str, note: str, unit: str = "") -> IndicatorValue:
    return IndicatorValue(value=None, numerator=None, denominator=None, unit=unit, period=period, note=note)


def evaluate(spec: Any, src: Sources) -> IndicatorValue:
    """The value of one plan indicator, or "uppgift saknas" naming the file it needs."""
    measure = get(key(spec.kalla, spec.matt))
    # A unit's skolform is known only from enrolment, so narrowing by it needs that file too.
    needs = measure.needs + (("elevantal",) if getattr(spec, "skolform", None) else ())
    absent = [t for t in dict.fromkeys(needs) if src.table(t) is None]
    if absent:
        files = " och ".join(SOURCE_FILES[t] for t in absent)
        return missing(src.period, f"uppgift saknas: {files} i mappen {src.period} behövs", measure.unit)
    return measure.fn(src, spec)


def _share(numerator: int, denominator: int, period: str, note: str = "") -> IndicatorValue:
    if denominator == 0:
        # The note describes a figure; with nothing counted it only says which one is missing.
        return missing(period, "uppgift saknas: inga elever eller ärenden att räkna" + (f" ({note})" if note else ""), PERCENT)
    return IndicatorValue(100 * numerator / denominator, int(numerator), int(denominator), PERCENT, period, note=note)


# --- absence --------------------------------------------------------------------------------


def term_sort_key(term: str) -> tuple[int, int]:
    kind, year = term.split()
    return int(year), TERM_ORDER[kind]


def terms(franvaro: pd.DataFrame) -> list[str]:
    """The terms in the export, oldest first (VT before HT of the same year)."""
    return sorted(franvaro["termin"].dropna().unique(), key=term_sort_key)


def latest_term(franvaro: pd.DataFrame, kind: str) -> str | None:
    found = [t for t in terms(franvaro) if t.startswith(kind)]
    return found[-1] if found else None


def unscheduled_rows(franvaro: pd.DataFrame, term: str | None = None) -> int:
    """Rows without scheduled time: left out of every share and counted in a note."""
    part = franvaro if term is None else franvaro[franvaro["termin"] == term]
    return int((part["schemalagd"].fillna(0) <= 0).sum())


def student_absence(franvaro: pd.DataFrame, by: Iterable[str] = ()) -> pd.DataFrame:
    """Scheduled and absent minutes per term, student and `by` (e.g. unit).

    Without `by` a student in two units counts once, with the minutes of both summed;
    with `by=["skolenhetskod"]` the student counts in each unit for that unit's figure.
    """
    usable = franvaro[franvaro["schemalagd"].fillna(0) > 0]
    usable = usable.assign(franvaro=usable["giltig"].fillna(0) + usable["ogiltig"].fillna(0))
    keys = ["termin", *by, "elev"]
    return usable.groupby(keys, sort=True, observed=True)[["schemalagd", "franvaro"]].sum().reset_index()


def at_or_above(per_student: pd.DataFrame, grans: float) -> pd.Series:
    """Absence share ≥ threshold (in percent), compared without dividing."""
    return per_student["franvaro"] * 100 >= grans * per_student["schemalagd"]


def high_absence(franvaro: pd.DataFrame, grans: float, term: str, by: Iterable[str] = ()) -> pd.DataFrame:
    """Students with scheduled time and those at or above `grans`, per `by` group, in `term`."""
    by = list(by)
    per = student_absence(franvaro[franvaro["termin"] == term], by)
    per = per.assign(hog=at_or_above(per, grans))
    if not by:
        return pd.DataFrame({"elever": [len(per)], "hog": [int(per["hog"].sum())]})
    return per.groupby(by, sort=True).agg(elever=("elev", "size"), hog=("hog", "sum")).astype(int).reset_index()


def repeated_high_absence(franvaro: pd.DataFrame, grans: float, first: str, second: str) -> tuple[int, int]:
    """(students at or above `grans` in both terms, students with scheduled time in both)."""
    per = student_absence(franvaro[franvaro["termin"].isin([first, second])])
    per = per.assign(hog=at_or_above(per, grans))
    # Both terms as columns even when one has no student with scheduled time (then nobody is in both).
    wide = per.pivot(index="elev", columns="termin", values="hog").reindex(columns=[first, second]).dropna()
    return int((wide[first].astype(bool) & wide[second].astype(bool)).sum()), len(wide)


def _unscheduled_note(franvaro: pd.DataFrame, term_list: list[str]) -> str:
    n = sum(unscheduled_rows(franvaro, t) for t in term_list)
    return f"{n} rader utan schemalagd tid är inte medräknade" if n else ""


def franvaro_andel_minst(src: Sources, spec: Any) -> IndicatorValue:
    franvaro = src.table("franvaro")
    term = latest_term(franvaro, spec.termin)
    if term is None:
        return missing(src.period, f"uppgift saknas: franvaro saknar {spec.termin}-termin", PERCENT)
    row = high_absence(franvaro, spec.grans, term).iloc[0]
    note = "; ".join(filter(None, [term, _unscheduled_note(franvaro, [term])]))
    return _share(int(row["hog"]), int(row["elever"]), src.period, note)


def franvaro_bada_terminerna(src: Sources, spec: Any) -> IndicatorValue:
    franvaro = src.table("franvaro")
    found = terms(franvaro)
    if len(found) < 2:
        return missing(src.period, "uppgift saknas: franvaro behöver två terminer", PERCENT)
    first, second = found[-2:]
    both, present = repeated_high_absence(franvaro, spec.grans, first, second)
    note = "; ".join(
        filter(
            None,
            [f"{first} och {second}, elever med schemalagd tid båda terminerna", _unscheduled_note(franvaro, [first, second])],
        )
    )
    return _share(both, present, src.period, note)


# --- reports of offensive treatment and harassment -------------------------------------------

REPORT_FILTERS = ("typ", "utovare", "skolform")


def with_skolform(krankningar: pd.DataFrame, elevantal: pd.DataFrame) -> pd.DataFrame:
    """Reports with the skolform of their unit (from enrolment); unknown units get none."""
    forms = elevantal.drop_duplicates("skolenhetskod").set_index("skolenhetskod")["skolform"]
    return krankningar.assign(skolform=krankningar["skolenhetskod"].map(forms))


def enrolled(elevantal: pd.DataFrame, skolform: str | None = None) -> int:
    part = elevantal if skolform is None else elevantal[elevantal["skolform"] == skolform]
    return int(part["antal"].sum())


def select_reports(krankningar: pd.DataFrame, elevantal: pd.DataFrame | None, spec: Any) -> pd.DataFrame:
    """The reports an indicator counts: the plan may narrow by type, perpetrator and skolform."""
    part = krankningar if elevantal is None else with_skolform(krankningar, elevantal)
    for name in REPORT_FILTERS:
        wanted = getattr(spec, name, None)
        if wanted is not None:
            part = part[part[name] == wanted]
    return part


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def krankningar_per_100(src: Sources, spec: Any) -> IndicatorValue:
    elevantal = src.table("elevantal")
    reports = select_reports(src.table("krankningar"), elevantal, spec)
    students = enrolled(elevantal, getattr(spec, "skolform", None))
    if students == 0:
        return missing(src.period, "uppgift saknas: elevantal.csv har inga elever", PER_100)
    return IndicatorValue(100 * len(reports) / students, len(reports), students, PER_100, src.period)


def krankningar_andel_avslutade(src: Sources, spec: Any) -> IndicatorValue:
    reports = select_reports(src.table("krankningar"), src.table("elevantal"), spec)
    return _share(int((reports["status"] == "Avslutad").sum()), len(reports), src.period)


def _median_days(src: Sources, later: pd.Series, earlier: pd.Series, what: str) -> IndicatorValue:
    days = _days(later, earlier).dropna()
    if days.empty:
        return missing(src.period, f"uppgift saknas: inga ärenden med {what}", DAYS)
    return IndicatorValue(float(days.median()), None, len(days), DAYS, src.period)


def krankningar_median_till_avslut(src: Sources, spec: Any) -> IndicatorValue:
    reports = select_reports(src.table("krankningar"), src.table("elevantal"), spec)
    closed = reports[reports["status"] == "Avslutad"]
    return _median_days(src, closed["avslutad"], closed["anmald"], "avslutsdatum")


def krankningar_median_till_huvudman(src: Sources, spec: Any) -> IndicatorValue:
    reports = select_reports(src.table("krankningar"), src.table("elevantal"), spec)
    return _median_days(src, reports["till_huvudman"], reports["anmald"], "datum för anmälan till huvudmannen")


def krankningar_till_huvudman_inom(src: Sources, spec: Any) -> IndicatorValue:
    reports = select_reports(src.table("krankningar"), src.table("elevantal"), spec)
    within = _days(reports["till_huvudman"], reports["anmald"]) <= spec.dagar
    return _share(int(within.sum()), len(reports), src.period, f"anmälda till huvudmannen inom {spec.dagar} dagar")


# --- Kolada --------------------------------------------------------------------------------


def kolada_value(kolada: pd.DataFrame, kpi: str, municipality: str, year: int) -> float | None:
    """The total (gender T) value; None when Kolada has none (never 0)."""
    hit = kolada[(kolada["kpi"] == kpi) & (kolada["kommun"] == municipality) & (kolada["ar"] == year) & (kolada["kon"] == "T")]
    values = hit["varde"].dropna()
    return float(values.iloc[0]) if len(values) else None


def kolada_measure(src: Sources, spec: Any) -> IndicatorValue:
    value = kolada_value(src.table("kolada"), spec.kpi, src.kommunkod, src.year)
    if value is None:
        return missing(src.period, f"uppgift saknas: kolada.json har inget värde för {spec.kpi} år {src.year}")
    return IndicatorValue(value, None, None, "", src.period, note=f"Kolada {spec.kpi}, {src.year}")


# --- survey instruments ----------------------------------------------------------------------


def survey_measure(src: Sources, spec: Any) -> IndicatorValue:
    """A headline figure from a survey instrument, possibly of another period folder."""
    period = spec.period or src.period
    instrument = instrument_source(spec.kalla)
    files = instrument.input_files if instrument is not None else spec.kalla
    need = missing(period, f"uppgift saknas: {files} i mappen {period} behövs", PERCENT)
    folder = raw_period_dir(src.data_dir, period)
    if instrument is None or not (folder / "period.yaml").is_file() or not instrument.present(folder):
        return need
    filters = {k: getattr(spec, k) for k in instrument.indicator_filters if getattr(spec, k, None)}
    try:
        return instrument.indicator(period, src.data_dir, spec.fraga, **filters)
    except NotImplementedError:
        return need
    except DataError as exc:
        return missing(period, f"kan inte beräknas: {exc.message}", PERCENT)


register("franvaro.andel_minst", franvaro_andel_minst, needs=["franvaro"], required=["grans", "termin"], unit=PERCENT)
register("franvaro.andel_minst_bada_terminerna", franvaro_bada_terminerna, needs=["franvaro"], required=["grans"], unit=PERCENT)
register(
    "krankningar.per_100_elever", krankningar_per_100, needs=["krankningar", "elevantal"], optional=REPORT_FILTERS, unit=PER_100
)
register("krankningar.andel_avslutade", krankningar_andel_avslutade, needs=["krankningar"], optional=REPORT_FILTERS, unit=PERCENT)
register(
    "krankningar.median_dagar_till_avslut",
    krankningar_median_till_avslut,
    needs=["krankningar"],
    optional=REPORT_FILTERS,
    unit=DAYS,
)
register(
    "krankningar.median_dagar_till_huvudman",
    krankningar_median_till_huvudman,
    needs=["krankningar"],
    optional=REPORT_FILTERS,
    unit=DAYS,
)
register(
    "krankningar.andel_till_huvudman_inom",
    krankningar_till_huvudman_inom,
    needs=["krankningar"],
    required=["dagar"],
    optional=REPORT_FILTERS,
    unit=PERCENT,
)
register("kolada", kolada_measure, needs=["kolada"], required=["kpi"], optional=["jamfor_med"])
