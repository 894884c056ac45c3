"""Reading one principal-survey period: `rektorer.csv` and the survey export, checked by the
gate generated from the codebook, linked by e-mail to the register and pseudonymised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import quality as q
from ... import suites
from ...cells import ROW, excel_serial, parse_timestamps
from ...codebook import Codebook, Version
from ...config import raw_period_dir
from ...errors import DataError
from ...exports import canonical_answers, explode_options, read_export, to_long
from ...formatting import fmt_pct
from ...periods import PeriodMeta, period_bounds
from ...population import REGISTER_COLUMNS, link, read_register
from ...privacy import period_redactor, pseudonymize
from ...tables import find_input

REGISTER_FILE = "rektorer.csv"


@dataclass
class SurveyPeriod:
    long: pd.DataFrame
    population: pd.DataFrame
    excluded: pd.DataFrame
    checks: list[q.CheckResult]
    inputs: list[Path]
    version: Version


def load_survey_period(codebook: Codebook, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> SurveyPeriod:
    """Read, check and link one period; raises DataError on a blocking failure."""
    folder = raw_period_dir(data_dir, period)
    export_path = find_input(folder, codebook.instrument)
    register_path = folder / REGISTER_FILE
    if export_path is None:
        raise DataError(
            f"Enkätexporten saknas: lägg {codebook.instrument}.xlsx eller {codebook.instrument}.csv i mappen.", file=folder
        )
    if not register_path.is_file():
        raise DataError(f"Registret {REGISTER_FILE} saknas; det behövs för att veta vilka som tillfrågades.", file=register_path)
    version = codebook.version_for(meta.end)
    reg = read_register(register_path)
    export = read_export(export_path, codebook, version)
    reg_name, exp_name = register_path.name, export_path.name

    required = suites.required_columns(codebook, version)
    structure = suites.structure_checks(reg_name, "register", {c: c for c in REGISTER_COLUMNS}) + suites.structure_checks(
        exp_name, "export", required
    )
    results = q.run_checks({"register": reg, "export": export.frame}, structure)
    q.raise_on_blocking(results)

    # Every free-text field of every instrument is redacted alike (privacy.Redactor).
    redact, names_files = period_redactor(folder, reg["namn"].tolist(), reg["skolenhet"].tolist())
    frame = canonical_answers(export.frame, version, redact)
    written = frame["completed"].fillna("").str.strip()
    frame["completed"] = parse_timestamps(written)
    serial = written.map(excel_serial).notna()
    # The gate must show what was written, which the parsed column no longer holds.
    unreadable = pd.DataFrame(
        {"response_id": frame["response_id"], "tid": written.where(frame["completed"].isna()).replace("", "(tom)")}
    )
    frame["email"] = frame["email"].fillna("").map(lambda e: e.strip())
    g = q.gx().expectations
    multiple = [qu for qu in version.closed_questions if qu.type == "multiple"]
    common, common_frames = suites.export_checks(codebook, version, export, period_bounds(meta))
    content = [
        *common,
        q.Check(
            "export:tid",
            "Tidpunkt för slutförande saknas eller kan inte tolkas",
            q.BLOCKING,
            "tider",
            g.ExpectColumnValuesToBeNull(column="tid"),
            exp_name,
            column=codebook.metadata_columns["completed"][0],
        ),
        q.Check(
            "export:e-post",
            "E-postadress saknas",
            q.BLOCKING,
            "export",
            g.ExpectColumnValueLengthsToBeBetween(column="email", min_value=3),
            exp_name,
            column=codebook.metadata_columns["email"][0],
            show_values=False,
        ),
        *suites.unit_register_checks("register", reg_name, "registret"),
        # One principal may lead two units (two rows, one e-mail); the same unit twice is an error.
        q.Check(
            "register:e-post",
            "Samma e-postadress står flera gånger för samma skolenhet i registret",
            q.BLOCKING,
            "register",
            g.ExpectCompoundColumnsToBeUnique(column_list=["e-post", "skolenhetskod"]),
            reg_name,
            column="e-post",
            id_column=ROW,
            id_label="rad",
            show_values=False,
        ),
    ]
    frames = {"export": frame, "register": reg, "tider": unreadable, **common_frames}
    frames.update({f"alternativ:{qu.id}": explode_options(frame, qu.id) for qu in multiple})
    results += (
        q.run_checks(frames, content)
        + suites.ignored_columns_note(export)
        + suites.padded_codes_note("register", reg_name, reg)
        + suites.read_as_note(
            "export:serietid",
            "Tider skrivna som Excel-serienummer lästes som tidpunkter",
            exp_name,
            codebook.metadata_columns["completed"][0],
            written[serial],
            frame.loc[serial, "completed"],
            frame.loc[serial, "response_id"],
            "svars-id",
        )
        + _several_units_note(reg, reg_name)
    )
    q.raise_on_blocking(results)

    linked = link(frame, reg, salt)
    all_responses = frame.assign(respondent=frame["email"].map(lambda e: pseudonymize(e, salt))).drop(columns="email")
    in_register = all_responses[all_responses["respondent"].isin(linked.population["respondent"])]
    rate = codebook.min_response_rate
    # Persons, not register rows: a principal of two units is asked once and answers once.
    people = linked.population.drop_duplicates("respondent")
    responded, asked = int(people["responded"].sum()), len(people)
    linking = [
        q.Check(
            "lankning:utanfor",
            "Svar från e-postadresser som inte finns i registret (lämnas utanför)",
            q.WARNING,
            "svar",
            g.ExpectColumnValuesToBeInSet(column="respondent", value_set=linked.population["respondent"].tolist()),
            exp_name,
            show_values=False,
        ),
        q.Check(
            "lankning:dubbletter",
            "Flera svar från samma person (det senaste räknas)",
            q.WARNING,
            "svar_i_registret",
            g.ExpectColumnValuesToBeUnique(column="respondent"),
            exp_name,
            show_values=False,
        ),
        q.Check(
            "lankning:ett_per_person",
            "Mer än ett räknat svar per person",
            q.BLOCKING,
            "raknade",
            g.ExpectColumnValuesToBeUnique(column="respondent"),
            exp_name,
            show_values=False,
        ),
        q.Check(
            "lankning:svarsfrekvens",
            f"Svarsfrekvens under {round(rate * 100)} %",
            q.WARNING,
            "population",
            g.ExpectColumnMeanToBeBetween(column="responded", min_value=rate),
            reg_name,
            id_column=ROW,
            describe=lambda _: f"{responded} av {asked} har svarat ({fmt_pct(responded / asked)})",
        ),
        q.Check(
            "lankning:nagot_svar",
            "Inga räknade svar alls",
            q.BLOCKING,
            "raknade",
            g.ExpectTableRowCountToBeBetween(min_value=1),
            exp_name,
        ),
    ]
    results += q.run_checks(
        {
            "svar": all_responses,
            "svar_i_registret": in_register,
            "raknade": linked.responses,
            "population": people.assign(responded=people["responded"].astype(float)),
        },
        linking,
    )
    q.raise_on_blocking(results)

    excluded = pd.concat(
        [
            linked.outsiders.assign(orsak="utanför registret"),
            linked.superseded.assign(orsak="ersatt av ett senare svar från samma person"),
        ],
        ignore_index=True,
    )
    return SurveyPeriod(
        long=to_long(linked.responses, version, period),
        population=linked.population.assign(period=period),
        excluded=excluded.astype({"response_id": "string"}),
        checks=results,
        inputs=[register_path, export_path, *names_files],
        version=version,
    )


def _several_units_note(reg: pd.DataFrame, file: str) -> list[q.CheckResult]:
    """A note naming the register rows of principals who lead more than one unit."""
    shared = reg[reg["e-post"].duplicated(keep=False)]
    if shared.empty:
        return []
    rows = [str(r) for r in shared[ROW]]
    return [
        q.CheckResult(
            id="register:flera_enheter",
            title="Rektorer för flera skolenheter",
            severity=q.NOTE,
            passed=True,
            file=file,
            column="e-post",
            count=int(shared["e-post"].nunique()),
            total=None,
            rows=rows[: q.MAX_EXAMPLES],
            id_label="rad",
            observed=f"{shared['e-post'].nunique()} rektorer står på flera rader (rad {', '.join(rows)}); deras svar visas under varje "
            "skolenhet och räknas en gång i kommunens totaler",
        )
    ]
