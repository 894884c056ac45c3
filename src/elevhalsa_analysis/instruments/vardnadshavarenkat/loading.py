"""Reading and checking one period of the preschool guardian survey: `barnantal.csv` (the
population per preschool unit and age group) and the anonymous export (`.xlsx`, `.csv` or
SPSS `.sav`), linked into a long table that carries unit and age group on every row.

The shared survey machinery names units `skolenhetskod`/`skolenhet`; the register's
`enhetskod`/`enhet` are renamed to those on reading, and messages name the file's columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import quality as q
from ... import suites
from ...cells import AS_WRITTEN, ROW, ROW_TEXT, each_distinct, keep_written, parse_timestamps, row_text, unit_code
from ...codebook import Codebook, Version, normalize_label
from ...config import raw_period_dir
from ...errors import DataError
from ...exports import canonical_answers, read_export, to_long
from ...periods import PeriodMeta, period_bounds
from ...population import read_register
from ...privacy import period_redactor
from ...tables import find_input

POPULATION_FILE = "barnantal.csv"
POPULATION_COLUMNS = ["enhetskod", "enhet", "aldersgrupp", "antal"]
SUFFIXES = (".xlsx", ".xls", ".csv", ".sav")
GROUPS = ("skolenhetskod", "aldersgrupp")
SKOLFORM = "Förskola"
# Children of 1–5 are enrolled; "Under 1 år" and anything else is left for the gate to name.
_AGE = re.compile(r"^([1-5])\s*(?:år)?$")
AGE_GROUPS = {"1": "1–3 år", "2": "1–3 år", "3": "1–3 år", "4": "4–5 år", "5": "4–5 år"}
WHERE = "plats"  # "rad 7, förskola 12345678": where a bad cell is, as a user finds it


def age_group_phrase(aldersgrupp: str) -> str:
    """'barn 1–3 år': how a sentence names the children of an age group."""
    return f"barn {aldersgrupp}"


@dataclass
class PreschoolPeriod:
    long: pd.DataFrame  # period, respondent, response_id, question, answer, skolenhetskod, aldersgrupp
    units: pd.DataFrame  # period, skolenhetskod, skolenhet, skolform, aldersgrupp, antal, svar
    checks: list[q.CheckResult]
    inputs: list[Path]
    version: Version


def _age(value: object) -> str | None:
    text = normalize_label(value)
    if not text:
        return None
    m = _AGE.match(text)
    return m[1] if m else " ".join(str(value).split())


def read_population(path: Path, codebook: Codebook) -> pd.DataFrame:
    """`barnantal.csv` with unit columns named as the shared machinery names them, canonical
    age groups and padded codes; `antal` stays text until the gate passed."""
    frame = read_register(path, POPULATION_COLUMNS).rename(columns={"enhetskod": "skolenhetskod", "enhet": "skolenhet"})
    keep_written(frame, ["skolenhetskod", "aldersgrupp", "antal"])
    frame[ROW_TEXT] = row_text(frame)
    if "skolenhetskod" in frame:
        frame["skolenhetskod"] = each_distinct(frame["skolenhetskod"], unit_code)
    if "skolenhet" in frame:
        frame["skolenhet"] = frame["skolenhet"].str.strip()
    if "aldersgrupp" in frame:
        lookup = codebook.groups["aldersgrupp"].lookup()
        frame["aldersgrupp"] = each_distinct(frame["aldersgrupp"], lambda v: lookup.get(normalize_label(v), " ".join(v.split())))
    if "antal" in frame:
        frame["antal"] = frame["antal"].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    return frame.assign(skolform=SKOLFORM)


def load_preschool_period(codebook: Codebook, period: str, meta: PeriodMeta, data_dir: Path) -> PreschoolPeriod:
    """Read, check and count one period; raises DataError on a blocking failure."""
    folder = raw_period_dir(data_dir, period)
    export_path = find_input(folder, codebook.instrument, SUFFIXES)
    population_path = folder / POPULATION_FILE
    if export_path is None:
        raise DataError(f"Enkätexporten saknas: lägg {codebook.instrument}.xlsx, .csv eller .sav i mappen.", file=folder)
    if not population_path.is_file():
        raise DataError(f"{POPULATION_FILE} saknas; det behövs för svarsfrekvens och skattningar.", file=population_path)
    version = codebook.version_for(meta.end)
    pop_name, exp_name = population_path.name, export_path.name
    population = read_population(population_path, codebook)
    export = read_export(export_path, codebook, version)
    structure = suites.structure_checks(
        pop_name,
        "barnantal",
        {"skolenhetskod": "enhetskod", "skolenhet": "enhet", "aldersgrupp": "aldersgrupp", "antal": "antal"},
    ) + suites.structure_checks(exp_name, "export", suites.required_columns(codebook, version))
    results = q.run_checks({"barnantal": population, "export": export.frame}, structure)
    q.raise_on_blocking(results)

    redact, names_files = period_redactor(folder, known=population["skolenhet"].tolist())
    frame = canonical_answers(export.frame, version, redact)
    frame["skolenhetskod"], frame["alder"] = frame.pop("unit"), frame.pop("aldersgrupp")
    keep_written(frame, ["skolenhetskod", "alder"])
    frame["skolenhetskod"] = each_distinct(frame["skolenhetskod"], unit_code)
    frame["alder"] = each_distinct(frame["alder"], _age)
    frame["aldersgrupp"] = frame["alder"].map(AGE_GROUPS)
    frame[WHERE] = (
        "rad " + frame[ROW].astype(str) + ", förskola " + frame["skolenhetskod" + AS_WRITTEN].fillna("(tom)").astype(str)
    )
    notes = suites.padded_codes_note("barnantal", pop_name, population) + suites.padded_codes_note(
        "export", exp_name, frame, header=codebook.metadata_columns["unit"][0], id_column="response_id", id_label="svars-id"
    )
    has_time = "completed" in frame
    if has_time:
        frame["completed"] = parse_timestamps(frame["completed"].fillna(""))

    g = q.gx().expectations
    common, common_frames = suites.export_checks(codebook, version, export, period_bounds(meta) if has_time else None)
    header = codebook.metadata_columns
    known_units = sorted(set(population["skolenhetskod"].dropna()))
    content = [
        *common,
        q.Check(
            "export:forskola",
            "Förskolans enhetskod finns inte i barnantal.csv",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToBeInSet(column="skolenhetskod", value_set=known_units),
            exp_name,
            column=header["unit"][0],
            id_column=WHERE,
            id_label="rad och förskola",
            written="skolenhetskod" + AS_WRITTEN,
        ),
        q.Check(
            "export:forskola_saknas",
            "Förskolans enhetskod saknas",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToNotBeNull(column="skolenhetskod"),
            exp_name,
            column=header["unit"][0],
            id_column=WHERE,
            id_label="rad och förskola",
            show_values=False,
        ),
        q.Check(
            "export:alder",
            "Barnets ålder är inte 1–5 år (barn under 1 år och över 5 år är inte inskrivna i förskolan)",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToBeInSet(column="alder", value_set=sorted(AGE_GROUPS)),
            exp_name,
            column=header["aldersgrupp"][0],
            id_column=WHERE,
            id_label="rad och förskola",
            written="alder" + AS_WRITTEN,
        ),
        q.Check(
            "export:alder_saknas",
            "Barnets ålder saknas",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToNotBeNull(column="alder"),
            exp_name,
            column=header["aldersgrupp"][0],
            id_column=WHERE,
            id_label="rad och förskola",
            show_values=False,
        ),
        q.Check(
            "barnantal:kod",
            "Enhetskoden är inte åtta siffror",
            q.BLOCKING,
            "barnantal",
            g.ExpectColumnValuesToMatchRegex(column="skolenhetskod", regex=r"^\d{8}$"),
            pop_name,
            column="enhetskod",
            id_column=ROW,
            id_label="rad",
            written="skolenhetskod" + AS_WRITTEN,
        ),
        q.Check(
            "barnantal:aldersgrupp",
            "Okänd åldersgrupp i barnantal.csv (1–3 år eller 4–5 år)",
            q.BLOCKING,
            "barnantal",
            g.ExpectColumnValuesToBeInSet(column="aldersgrupp", value_set=codebook.groups["aldersgrupp"].labels),
            pop_name,
            column="aldersgrupp",
            id_column=ROW,
            id_label="rad",
            written="aldersgrupp" + AS_WRITTEN,
        ),
        q.Check(
            "barnantal:antal",
            "Antal barn är inget heltal",
            q.BLOCKING,
            "barnantal",
            g.ExpectColumnValuesToMatchRegex(column="antal", regex=r"^\d+$"),
            pop_name,
            column="antal",
            id_column=ROW,
            id_label="rad",
            written="antal" + AS_WRITTEN,
        ),
        q.Check(
            "barnantal:dubbletter",
            "Samma förskola och åldersgrupp står flera gånger i barnantal.csv",
            q.BLOCKING,
            "barnantal",
            g.ExpectCompoundColumnsToBeUnique(column_list=["skolenhetskod", "aldersgrupp"]),
            pop_name,
            column="enhetskod, aldersgrupp",
            id_column=ROW,
            id_label="rad",
            written=ROW_TEXT,
        ),
    ]
    labelled = [*(qu.id for qu in version.closed_questions), "skolenhetskod", "alder"]
    results += (
        q.run_checks(
            {"export": frame.astype({c: "category" for c in labelled}), "barnantal": population, **common_frames}, content
        )
        + suites.ignored_columns_note(export)
        + notes
    )
    q.raise_on_blocking(results)

    units = _units(frame, population.assign(antal=population["antal"].astype(int)), codebook)
    rate = codebook.min_response_rate
    by_age = units.groupby("aldersgrupp", observed=True)[["svar", "antal"]].sum().reset_index()
    by_age["svarsfrekvens"] = by_age["svar"] / by_age["antal"].where(by_age["antal"] > 0)
    linking = [
        q.Check(
            "lankning:aldersgrupp_saknas",
            "Enkäter för en åldersgrupp som förskolan inte har enligt barnantal.csv",
            q.BLOCKING,
            "enheter",
            g.ExpectColumnValuesToNotBeNull(column="antal"),
            exp_name,
            column=header["aldersgrupp"][0],
            id_column="grupp",
            id_label="förskola och åldersgrupp",
            show_values=False,
        ),
        q.Check(
            "lankning:fler_svar",
            "Fler enkäter än barn enligt barnantal.csv (fel enhetskod eller fel barnantal)",
            q.BLOCKING,
            "enheter",
            g.ExpectColumnValuesToBeBetween(column="overskott", max_value=0),
            exp_name,
            column=header["unit"][0],
            id_column="grupp",
            id_label="förskola och åldersgrupp",
            written="jamforelse",
        ),
        q.Check(
            "lankning:svarsfrekvens",
            f"Svarsfrekvens under {round(rate * 100)} % i någon åldersgrupp",
            q.WARNING,
            "aldersgrupper",
            g.ExpectColumnValuesToBeBetween(column="svarsfrekvens", min_value=rate),
            pop_name,
            column="aldersgrupp",
            id_column="aldersgrupp",
            id_label="åldersgrupp",
        ),
    ]
    checked = units.assign(
        overskott=units["svar"] - units["antal"].fillna(0),
        jamforelse=units["svar"].astype(str) + " enkäter, " + units["antal"].fillna(0).astype(int).astype(str) + " barn",
    )
    results += q.run_checks({"enheter": checked, "aldersgrupper": by_age}, linking)
    q.raise_on_blocking(results)

    long = to_long(frame.assign(respondent=frame["response_id"]), version, period, GROUPS)
    long = long.astype({"period": "category", "question": "category", "answer": "category"})
    return PreschoolPeriod(
        long=long,
        units=units.dropna(subset=["antal"]).astype({"antal": int}).drop(columns="grupp").assign(period=period),
        checks=results,
        inputs=[population_path, export_path, *names_files],
        version=version,
    )


def _units(frame: pd.DataFrame, population: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Every unit and age group: enrolled (`antal`, missing if not listed) and questionnaires."""
    groups = codebook.groups["aldersgrupp"].labels
    enrolled = population[["skolenhetskod", "skolenhet", "skolform", "aldersgrupp", "antal"]]
    answered = frame.groupby(["skolenhetskod", "aldersgrupp"]).size().rename("svar").reset_index()
    units = enrolled.merge(answered, on=["skolenhetskod", "aldersgrupp"], how="outer")
    names = population.drop_duplicates("skolenhetskod").set_index("skolenhetskod")
    units["skolenhet"] = units["skolenhet"].fillna(units["skolenhetskod"].map(names["skolenhet"]))
    units["skolform"] = SKOLFORM
    units["svar"] = units["svar"].fillna(0).astype(int)
    units["grupp"] = units["skolenhetskod"] + " " + units["skolenhet"].fillna("") + ", " + units["aldersgrupp"]
    order = {a: i for i, a in enumerate(groups)}
    return units.sort_values(
        ["aldersgrupp", "skolenhetskod"], key=lambda s: s.map(order) if s.name == "aldersgrupp" else s
    ).reset_index(drop=True)
