"""One follow-up period: every input read and checked, and linked for the measures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import quality as q
from ...cells import AS_WRITTEN, ROW, ROW_TEXT
from ...config import raw_period_dir
from ...periods import PeriodMeta
from ...privacy import period_redactor
from . import measures
from .contract_checks import contract_check, extra_check, format_checks, structure_checks, value_checks
from .plan import NO_STATUS, PLAN_FILE, Plan, load_plan
from .registers import KOLADA_FILE, Loaded, read_input, read_kolada, typed

# --- one period -------------------------------------------------------------------------------


@dataclass
class PlanPeriod:
    """One follow-up period read and checked: the plan and its tables, free of personal data."""

    period: str
    meta: PeriodMeta
    plan: Plan
    tables: dict[str, pd.DataFrame]
    checks: list[q.CheckResult]
    inputs: list[Path]
    sources: measures.Sources


def _absence_checks(loaded: Loaded, frame: pd.DataFrame, meta: PeriodMeta) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    absent = frame["giltig"].fillna(0) + frame["ogiltig"].fillna(0)
    scheduled = frame["schemalagd"].fillna(0)
    table = frame.assign(
        inom_tid=(scheduled <= 0) | (absent <= scheduled),
        har_tid=scheduled > 0,
        nyckel=frame["elev"].fillna("") + "|" + frame["skolenhetskod"] + "|" + frame["termin"],
        termin_ar=frame["termin"].str[-4:].astype(int),
    )
    checks = [
        contract_check(
            loaded,
            "over_tid",
            "Frånvaro över den schemalagda tiden",
            g.ExpectColumnValuesToBeInSet(column="inom_tid", value_set=[True]),
            show_values=False,
        ),
        contract_check(
            loaded,
            "utan_tid",
            "Rader utan schemalagd tid (räknas inte)",
            g.ExpectColumnValuesToBeInSet(column="har_tid", value_set=[True]),
            severity=q.WARNING,
            show_values=False,
        ),
        contract_check(
            loaded,
            "dubblett",
            "Samma elev står flera gånger för samma skolenhet och termin",
            g.ExpectColumnValuesToBeUnique(column="nyckel"),
            show_values=False,
        ),
        contract_check(
            loaded,
            "termin_ar",
            "Termin utanför periodens år",
            g.ExpectColumnValuesToBeBetween(column="termin_ar", min_value=meta.start.year, max_value=meta.end.year),
            severity=q.WARNING,
        ),
    ]
    return {loaded.name: table}, checks


def _report_checks(loaded: Loaded, frame: pd.DataFrame, meta: PeriodMeta) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    spec = loaded.spec
    table = frame.assign(
        avslut_efter=frame["avslutad"].isna() | (frame["avslutad"] >= frame["anmald"]),
        huvudman_efter=frame["till_huvudman"].isna() | (frame["till_huvudman"] >= frame["anmald"]),
        avslut_datum=(frame["status"] != "Avslutad") | frame["avslutad"].notna(),
    )
    checks = [
        contract_check(
            loaded,
            "unik",
            "Ärendenumret förekommer mer än en gång",
            g.ExpectColumnValuesToBeUnique(column="arende"),
            spec.column("arende"),
        ),
        contract_check(
            loaded,
            "avslut_efter",
            "Avslutat datum före anmälningsdatum",
            g.ExpectColumnValuesToBeInSet(column="avslut_efter", value_set=[True]),
            spec.column("avslutad"),
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        contract_check(
            loaded,
            "huvudman_efter",
            "Anmält till huvudman före anmälningsdatum",
            g.ExpectColumnValuesToBeInSet(column="huvudman_efter", value_set=[True]),
            spec.column("till_huvudman"),
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        contract_check(
            loaded,
            "avslut_datum",
            "Avslutade ärenden utan avslutsdatum (ingår inte i tiden till avslut)",
            g.ExpectColumnValuesToBeInSet(column="avslut_datum", value_set=[True]),
            spec.column("avslutad"),
            severity=q.WARNING,
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        contract_check(
            loaded,
            "period",
            "Anmälningar utanför perioden (räknas inte)",
            g.ExpectColumnValuesToBeBetween(
                column="anmald", min_value=pd.Timestamp(meta.start), max_value=pd.Timestamp(meta.end)
            ),
            spec.column("anmald"),
            severity=q.WARNING,
            id_column="arende",
            id_label="ärende",
        ),
    ]
    return {loaded.name: table}, checks


def _insats_checks(loaded: Loaded, frame: pd.DataFrame, plan: Plan) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    ids = [i.id for i in plan.insatser]
    covered = pd.DataFrame({"insats": ids, "har_rad": [i in set(frame["insats"]) for i in ids]})
    checks = [
        contract_check(
            loaded,
            "i_planen",
            "Insats som inte finns i verksamhetsplanen",
            g.ExpectColumnValuesToBeInSet(column="insats", value_set=ids),
            loaded.spec.column("insats"),
        ),
        contract_check(
            loaded,
            "unik",
            "Samma insats står på flera rader",
            g.ExpectColumnValuesToBeUnique(column="insats"),
            loaded.spec.column("insats"),
        ),
        contract_check(
            loaded,
            "utan_rad",
            f"Insatser i planen utan rad i filen (visas som «{NO_STATUS}»)",
            g.ExpectColumnValuesToBeInSet(column="har_rad", value_set=[True]),
            severity=q.WARNING,
            table="insatser_i_planen",
            show_values=False,
            id_column="insats",
            id_label="insats",
        ),
    ]
    return {loaded.name: frame, "insatser_i_planen": covered}, checks


def _unit_check(loaded: Loaded, frame: pd.DataFrame, codes: list[str]) -> q.Check:
    g = q.gx().expectations
    return contract_check(
        loaded,
        "okand_enhet",
        "Skolenheter som saknas i elevantal.csv (ingår bara i kommunens totaler)",
        g.ExpectColumnValuesToBeInSet(column="skolenhetskod", value_set=codes),
        loaded.spec.column("skolenhetskod"),
        severity=q.WARNING,
    )


def load_plan_period(period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> PlanPeriod:
    """Read, check and pseudonymise one follow-up period; raise DataError on a blocking failure."""
    folder = raw_period_dir(data_dir, period)
    plan = load_plan(folder)
    year = meta.end.year
    # Absence and units first: the children's names, the units' and the plan's own names decide
    # how the insatser's free text is redacted (privacy.Redactor), then the names are let go.
    franvaro = read_input(folder, "franvaro", salt, year)
    elevantal = read_input(folder, "elevantal", salt, year)
    known = [
        plan.namn,
        plan.omrade,
        *(i.namn for i in plan.indikatorer),
        *(c.namn for i in plan.indikatorer for c in i.jamfor_med),
    ]
    if elevantal is not None and "skolenhet" in elevantal.frame:
        known += elevantal.frame["skolenhet"].tolist()
    redact, names_files = period_redactor(folder, franvaro.names if franvaro else (), known)
    loaded = {
        "insatser": read_input(folder, "insatser", salt, year, redact),
        "elevantal": elevantal,
        "krankningar": read_input(folder, "krankningar", salt, year, redact),
    }
    if franvaro is not None:
        franvaro.names = []
    loaded["franvaro"] = franvaro
    present = {name: item for name, item in loaded.items() if item is not None}

    results = q.run_checks(
        {n: item.frame for n, item in present.items()}, [c for item in present.values() for c in structure_checks(item)]
    )
    q.raise_on_blocking(results)
    frames = {n: item.frame for n, item in present.items()}
    frames.update({f"extra:{n}": pd.DataFrame({"kolumn": item.extra}) for n, item in present.items()})
    results += q.run_checks(frames, [c for item in present.values() for c in (*format_checks(item), extra_check(item))])
    results += [note for item in present.values() for note in item.notes]
    q.raise_on_blocking(results)

    tables = {n: typed(item) for n, item in present.items()}
    frames, checks = dict(tables), [c for item in present.values() for c in value_checks(item)]
    extra_frames: dict[str, pd.DataFrame] = {}
    codes = tables["elevantal"]["skolenhetskod"].tolist() if "elevantal" in tables else None
    if "franvaro" in tables:
        more, cs = _absence_checks(present["franvaro"], tables["franvaro"], meta)
        extra_frames.update(more)
        checks += cs
    if "krankningar" in tables:
        more, cs = _report_checks(present["krankningar"], tables["krankningar"], meta)
        extra_frames.update(more)
        checks += cs
    if "insatser" in tables:
        more, cs = _insats_checks(present["insatser"], tables["insatser"], plan)
        extra_frames.update(more)
        checks += cs
    if "elevantal" in tables:
        g = q.gx().expectations
        item = present["elevantal"]
        extra_frames["elevantal"] = tables["elevantal"].assign(
            nyckel=tables["elevantal"]["skolenhetskod"] + "|" + tables["elevantal"]["arskurs"]
        )
        checks.append(
            contract_check(
                item,
                "dubblett",
                "Samma skolenhet och årskurs står flera gånger",
                g.ExpectColumnValuesToBeUnique(column="nyckel"),
                item.spec.column("arskurs"),
                written=ROW_TEXT,
            )
        )
    if codes is not None:
        checks += [_unit_check(present[n], tables[n], codes) for n in ("franvaro", "krankningar") if n in tables]
    frames.update(extra_frames)
    # value checks and cross-column checks read the same tables; the augmented ones carry both.
    results += q.run_checks(frames, checks)
    q.raise_on_blocking(results)

    if "krankningar" in tables:
        reports = tables["krankningar"]
        tables["krankningar"] = reports[reports["anmald"].between(pd.Timestamp(meta.start), pd.Timestamp(meta.end))]
    if "franvaro" in tables:
        tables["franvaro"] = tables["franvaro"].drop(columns=["elev_giltigt"])
    tables = {
        n: t.drop(columns=[ROW, *(c for c in t if c == ROW_TEXT or c.endswith(AS_WRITTEN))]).reset_index(drop=True)
        for n, t in tables.items()
    }
    inputs = [folder / "period.yaml", folder / PLAN_FILE, *(item.path for item in present.values()), *names_files]
    # Survey indicators read other period folders; listing them makes a change there a reason to rerun.
    surveys = [
        raw_period_dir(data_dir, spec.period or period) / "period.yaml"
        for spec in plan.indikatorer
        if measures.instrument_source(spec.kalla) is not None
    ]
    inputs += [p for p in dict.fromkeys(surveys) if p.is_file() and p not in inputs]

    kolada_path = folder / KOLADA_FILE
    if kolada_path.is_file():
        tables["kolada"] = read_kolada(kolada_path)
        inputs.append(kolada_path)
        kpis = [i.kpi for i in plan.indikatorer if i.kpi]
        found = pd.DataFrame({"kpi": kpis, "finns": [k in set(tables["kolada"]["kpi"]) for k in kpis]})
        g = q.gx().expectations
        results += q.run_checks(
            {"kolada": found},
            [
                q.Check(
                    "kolada:kpi",
                    "Planens KPI saknas i kolada.json",
                    q.WARNING,
                    "kolada",
                    g.ExpectColumnValuesToBeInSet(column="finns", value_set=[True]),
                    KOLADA_FILE,
                    id_column="kpi",
                    id_label="KPI",
                    show_values=False,
                )
            ],
        )
    sources = measures.Sources(period, Path(data_dir), year, plan.kommunkod, tables)
    return PlanPeriod(period, meta, plan, tables, results, inputs, sources)
