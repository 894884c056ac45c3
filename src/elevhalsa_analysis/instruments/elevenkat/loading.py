"""Reading one student-survey period: `elevantal.csv` (the population per unit and year
group) and the anonymous export (`.xlsx`, `.csv` or SPSS `.sav`), checked by the gate
generated from the codebook, as a long table that carries unit, year group and gender on
every row. Identifying columns a tool may add are dropped unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import quality as q
from ... import suites
from ...cells import (
    ALL_YEAR_GROUPS,
    AS_WRITTEN,
    ROW,
    ROW_TEXT,
    each_distinct,
    excel_serial,
    keep_written,
    normalize_arskurs,
    parse_timestamps,
    row_text,
    unit_code,
)
from ...codebook import Codebook, Version, normalize_label
from ...config import raw_period_dir
from ...errors import DataError
from ...exports import canonical_answers, read_export, to_long
from ...periods import PeriodMeta, period_bounds
from ...population import read_register
from ...privacy import period_redactor
from ...tables import find_input

POPULATION_FILE = "elevantal.csv"
POPULATION_COLUMNS = ["skolenhetskod", "skolenhet", "skolform", "årskurs", "antal"]
SUFFIXES = (".xlsx", ".xls", ".csv", ".sav")
GROUPS = ("skolenhetskod", "arskurs", "kon")


def year_group_phrase(arskurs: str) -> str:
    """'åk 8', 'år 2 på gymnasiet', 'förskoleklass': how a sentence names a year group."""
    if arskurs == "F":
        return "förskoleklass"
    if arskurs.startswith("Gy "):
        return f"år {arskurs[3:]} på gymnasiet"
    return arskurs.replace("Åk", "åk")


@dataclass
class StudentPeriod:
    long: pd.DataFrame  # period, respondent, response_id, question, answer, skolenhetskod, arskurs, kon
    units: pd.DataFrame  # period, skolenhetskod, skolenhet, skolform, arskurs, antal, svar (asked year groups)
    checks: list[q.CheckResult]
    inputs: list[Path]
    version: Version


def read_population(path: Path) -> pd.DataFrame:
    """`elevantal.csv` with canonical year groups; `antal` stays text until the gate passed."""
    frame = read_register(path, POPULATION_COLUMNS).rename(columns={"årskurs": "arskurs"})
    frame[ROW_TEXT] = row_text(frame)
    keep_written(frame, ["arskurs", "antal"])
    if "arskurs" in frame:
        frame["arskurs"] = each_distinct(frame["arskurs"], normalize_arskurs)
    if "antal" in frame:
        frame["antal"] = frame["antal"].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    return frame


def load_student_period(codebook: Codebook, period: str, meta: PeriodMeta, data_dir: Path) -> StudentPeriod:
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
    population = read_population(population_path)
    export = read_export(export_path, codebook, version)
    structure = suites.structure_checks(
        pop_name, "elevantal", {c if c != "årskurs" else "arskurs": c for c in POPULATION_COLUMNS}
    ) + suites.structure_checks(exp_name, "export", suites.required_columns(codebook, version))
    results = q.run_checks({"elevantal": population, "export": export.frame}, structure)
    q.raise_on_blocking(results)

    redact, names_files = period_redactor(folder, known=population["skolenhet"].tolist())
    frame = canonical_answers(export.frame, version, redact)
    gender = codebook.groups["kon"].lookup()
    frame["skolenhetskod"] = frame.pop("unit")
    keep_written(frame, ["skolenhetskod", "arskurs"])
    frame["skolenhetskod"] = each_distinct(frame["skolenhetskod"], unit_code)
    frame["arskurs"] = each_distinct(frame["arskurs"], normalize_arskurs)
    frame["kon"] = each_distinct(frame["kon"], lambda v: gender.get(normalize_label(v), " ".join(v.split())) or None)
    has_time = "completed" in frame
    notes = suites.padded_codes_note("elevantal", pop_name, population) + suites.padded_codes_note(
        "export", exp_name, frame, header=codebook.metadata_columns["unit"][0], id_column="response_id", id_label="svars-id"
    )
    if has_time:
        written = frame["completed"].fillna("")
        frame["completed"] = parse_timestamps(written)
        serial = written.map(excel_serial).notna()
        notes += suites.read_as_note(
            "export:serietid",
            "Tider skrivna som Excel-serienummer lästes som tidpunkter",
            exp_name,
            codebook.metadata_columns["completed"][0],
            written[serial],
            frame.loc[serial, "completed"],
            frame.loc[serial, "response_id"],
            "svars-id",
        )

    g = q.gx().expectations
    common, common_frames = suites.export_checks(codebook, version, export, period_bounds(meta) if has_time else None)
    header = codebook.metadata_columns
    known_units = sorted(set(population["skolenhetskod"].dropna()))
    content = [
        *common,
        q.Check(
            "export:skolenhet",
            "Skolenhetskoden finns inte i elevantal.csv",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToBeInSet(column="skolenhetskod", value_set=known_units),
            exp_name,
            column=header["unit"][0],
            written="skolenhetskod" + AS_WRITTEN,
        ),
        q.Check(
            "export:skolenhet_saknas",
            "Skolenhetskod saknas",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToNotBeNull(column="skolenhetskod"),
            exp_name,
            column=header["unit"][0],
            show_values=False,
        ),
        q.Check(
            "export:arskurs",
            "Årskurs som enkäten inte frågar",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToBeInSet(column="arskurs", value_set=codebook.groups["arskurs"].labels),
            exp_name,
            column=header["arskurs"][0],
            written="arskurs" + AS_WRITTEN,
        ),
        q.Check(
            "export:arskurs_saknas",
            "Årskurs saknas",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToNotBeNull(column="arskurs"),
            exp_name,
            column=header["arskurs"][0],
            show_values=False,
        ),
        q.Check(
            "export:kon",
            "Okänt värde för kön",
            q.BLOCKING,
            "export",
            g.ExpectColumnValuesToBeInSet(column="kon", value_set=codebook.groups["kon"].labels),
            exp_name,
            column=header["kon"][0],
        ),
        *suites.unit_register_checks("elevantal", pop_name, "elevantal.csv"),
        q.Check(
            "elevantal:arskurs",
            "Okänd årskurs i elevantal.csv",
            q.BLOCKING,
            "elevantal",
            g.ExpectColumnValuesToBeInSet(column="arskurs", value_set=ALL_YEAR_GROUPS),
            pop_name,
            column="årskurs",
            id_column=ROW,
            id_label="rad",
            written="arskurs" + AS_WRITTEN,
        ),
        q.Check(
            "elevantal:antal",
            "Antal elever är inget heltal",
            q.BLOCKING,
            "elevantal",
            g.ExpectColumnValuesToMatchRegex(column="antal", regex=r"^\d+$"),
            pop_name,
            column="antal",
            id_column=ROW,
            id_label="rad",
            written="antal" + AS_WRITTEN,
        ),
        q.Check(
            "elevantal:dubbletter",
            "Samma skolenhet och årskurs står flera gånger i elevantal.csv",
            q.BLOCKING,
            "elevantal",
            g.ExpectCompoundColumnsToBeUnique(column_list=["skolenhetskod", "arskurs"]),
            pop_name,
            column="skolenhetskod, årskurs",
            id_column=ROW,
            id_label="rad",
            written=ROW_TEXT,
        ),
    ]
    # Categories halve the gate's time on a large export; the values checked are the same.
    labelled = [*(qu.id for qu in version.closed_questions), "skolenhetskod", "arskurs", "kon"]
    results += (
        q.run_checks(
            {"export": frame.astype({c: "category" for c in labelled}), "elevantal": population, **common_frames}, content
        )
        + suites.ignored_columns_note(export)
        + notes
    )
    q.raise_on_blocking(results)

    units = _units(frame, population.assign(antal=population["antal"].astype(int)), codebook, period)
    rate = codebook.min_response_rate
    by_year = units.groupby("arskurs", observed=True)[["svar", "antal"]].sum().reset_index()
    by_year["svarsfrekvens"] = by_year["svar"] / by_year["antal"].where(by_year["antal"] > 0)
    linking = [
        q.Check(
            "lankning:arskurs_saknas",
            "Svar från en årskurs som enheten inte har enligt elevantal.csv",
            q.BLOCKING,
            "enheter",
            g.ExpectColumnValuesToNotBeNull(column="antal"),
            exp_name,
            column=header["arskurs"][0],
            id_column="grupp",
            id_label="skolenhet och årskurs",
        ),
        q.Check(
            "lankning:fler_svar",
            "Fler svar än elever enligt elevantal.csv (fel skolenhetskod eller fel elevantal)",
            q.BLOCKING,
            "enheter",
            g.ExpectColumnValuesToBeBetween(column="overskott", max_value=0),
            exp_name,
            column=header["unit"][0],
            id_column="grupp",
            id_label="skolenhet och årskurs",
            show_values=False,
        ),
        q.Check(
            "lankning:svarsfrekvens",
            f"Svarsfrekvens under {round(rate * 100)} % i någon årskurs",
            q.WARNING,
            "arskurser",
            g.ExpectColumnValuesToBeBetween(column="svarsfrekvens", min_value=rate),
            pop_name,
            column="årskurs",
            id_column="arskurs",
            id_label="årskurs",
        ),
    ]
    results += q.run_checks(
        {"enheter": units.assign(overskott=units["svar"] - units["antal"].fillna(0)), "arskurser": by_year}, linking
    )
    q.raise_on_blocking(results)

    responses = frame.assign(respondent=frame["response_id"])
    long = to_long(responses, version, period, GROUPS)
    long = long.astype({"period": "category", "question": "category", "answer": "category"})
    return StudentPeriod(
        long=long,
        units=units.dropna(subset=["antal"]).astype({"antal": int}).drop(columns="grupp").assign(period=period),
        checks=results,
        inputs=[population_path, export_path, *names_files],
        version=version,
    )


def _units(frame: pd.DataFrame, population: pd.DataFrame, codebook: Codebook, period: str) -> pd.DataFrame:
    """Every unit and asked year group: enrolled (`antal`, missing if not listed) and responses."""
    asked = codebook.groups["arskurs"].labels
    enrolled = population[population["arskurs"].isin(asked)][["skolenhetskod", "skolenhet", "skolform", "arskurs", "antal"]]
    answered = frame.groupby(["skolenhetskod", "arskurs"]).size().rename("svar").reset_index()
    units = enrolled.merge(answered, on=["skolenhetskod", "arskurs"], how="outer")
    names = population.drop_duplicates("skolenhetskod").set_index("skolenhetskod")
    units["skolenhet"] = units["skolenhet"].fillna(units["skolenhetskod"].map(names["skolenhet"]))
    units["skolform"] = units["skolform"].fillna(units["skolenhetskod"].map(names["skolform"]))
    units["svar"] = units["svar"].fillna(0).astype(int)
    units["grupp"] = units["skolenhetskod"] + " " + units["arskurs"]
    order = {a: i for i, a in enumerate(asked)}
    return units.sort_values(["arskurs", "skolenhetskod"], key=lambda s: s.map(order) if s.name == "arskurs" else s).reset_index(
        drop=True
    )


# --- what the report and the plan's scorecard compute ------------------------------------------
