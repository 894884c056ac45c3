"""The principal survey (rektorsenkät): see ../shared/data-contract.md.

Reads a period's `rektorer.csv` and survey export, runs the gate generated from the
codebook, links responses to the register and returns pseudonymised tables for the
report, with every earlier period for comparisons and the trend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import quality as q
from .codebook import Codebook, Version, load_codebook
from .config import CODEBOOK_DIR, raw_period_dir
from .errors import DataError
from .instruments import Instrument, Prepared, register
from .loaders import (
    REGISTER_COLUMNS,
    ROW,
    SKOLFORMER,
    PeriodMeta,
    canonical_answers,
    explode_options,
    find_input,
    link,
    list_periods,
    parse_timestamps,
    read_export,
    read_register,
    to_long,
)
from .privacy import load_salt, pseudonymize

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
        raise DataError(f"Enkätexporten saknas: lägg {codebook.instrument}.xlsx eller {codebook.instrument}.csv i mappen.", file=folder)
    if not register_path.is_file():
        raise DataError(f"Registret {REGISTER_FILE} saknas; det behövs för att veta vilka som tillfrågades.", file=register_path)
    version = codebook.version_for(meta.end)
    reg = read_register(register_path)
    export = read_export(export_path, codebook, version)
    reg_name, exp_name = register_path.name, export_path.name

    required = {k: codebook.metadata_columns[k][0] for k in codebook.required_metadata}
    required.update({qu.id: qu.text for qu in version.questions})
    structure = q.structure_checks(reg_name, "register", {c: c for c in REGISTER_COLUMNS}) + q.structure_checks(exp_name, "export", required)
    results = q.run_checks({"register": reg, "export": export.frame}, structure)
    q.raise_on_blocking(results)

    frame = canonical_answers(export.frame, version, reg["namn"].tolist())
    frame["completed"] = parse_timestamps(frame["completed"])
    frame["email"] = frame["email"].fillna("").map(lambda e: e.strip())
    g = q.gx().expectations
    multiple = [qu for qu in version.closed_questions if qu.type == "multiple"]
    extra = pd.DataFrame({"kolumn": export.extra + export.duplicated})
    start = pd.Timestamp(meta.start)
    end = pd.Timestamp(meta.end) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    content = [
        q.Check("export:id", "Svars-id förekommer mer än en gång", q.BLOCKING, "export",
                g.ExpectColumnValuesToBeUnique(column="response_id"), exp_name, column="ID"),
        q.Check("export:tid", "Tidpunkt för slutförande saknas eller kan inte tolkas", q.BLOCKING, "export",
                g.ExpectColumnValuesToNotBeNull(column="completed"), exp_name, column=codebook.metadata_columns["completed"][0], show_values=False),
        q.Check("export:e-post", "E-postadress saknas", q.BLOCKING, "export",
                g.ExpectColumnValueLengthsToBeBetween(column="email", min_value=3), exp_name, column=codebook.metadata_columns["email"][0], show_values=False),
        *q.answer_checks(version, exp_name),
        q.Check("export:period", "Svar utanför periodens start–slut", q.WARNING, "export",
                g.ExpectColumnValuesToBeBetween(column="completed", min_value=start, max_value=end), exp_name,
                column=codebook.metadata_columns["completed"][0]),
        q.Check("export:extra", "Extra kolumner som inte används", q.WARNING, "extra",
                g.ExpectColumnValuesToBeInSet(column="kolumn", value_set=[]), exp_name, id_column="kolumn", id_label="kolumn"),
        q.Check("register:kod", "Skolenhetskod är inte åtta siffror", q.BLOCKING, "register",
                g.ExpectColumnValuesToMatchRegex(column="skolenhetskod", regex=r"^\d{8}$"), reg_name, column="skolenhetskod",
                id_column=ROW, id_label="rad"),
        q.Check("register:skolform", "Okänd skolform i registret", q.BLOCKING, "register",
                g.ExpectColumnValuesToBeInSet(column="skolform", value_set=SKOLFORMER), reg_name, column="skolform",
                id_column=ROW, id_label="rad"),
        q.Check("register:e-post", "Samma e-postadress står flera gånger i registret", q.BLOCKING, "register",
                g.ExpectColumnValuesToBeUnique(column="e-post"), reg_name, column="e-post", id_column=ROW, id_label="rad", show_values=False),
    ]
    frames = {"export": frame, "register": reg, "extra": extra}
    frames.update({f"alternativ:{qu.id}": explode_options(frame, qu.id) for qu in multiple})
    results += q.run_checks(frames, content)
    q.raise_on_blocking(results)

    linked = link(frame, reg, salt)
    all_responses = frame.assign(respondent=frame["email"].map(lambda e: pseudonymize(e, salt))).drop(columns="email")
    in_register = all_responses[all_responses["respondent"].isin(linked.population["respondent"])]
    rate = codebook.min_response_rate
    linking = [
        q.Check("lankning:utanfor", "Svar från e-postadresser som inte finns i registret (lämnas utanför)", q.WARNING, "svar",
                g.ExpectColumnValuesToBeInSet(column="respondent", value_set=linked.population["respondent"].tolist()), exp_name,
                show_values=False),
        q.Check("lankning:dubbletter", "Flera svar från samma person (det senaste räknas)", q.WARNING, "svar_i_registret",
                g.ExpectColumnValuesToBeUnique(column="respondent"), exp_name, show_values=False),
        q.Check("lankning:ett_per_person", "Mer än ett räknat svar per person", q.BLOCKING, "raknade",
                g.ExpectColumnValuesToBeUnique(column="respondent"), exp_name, show_values=False),
        q.Check("lankning:svarsfrekvens", f"Svarsfrekvens under {round(rate * 100)} %", q.WARNING, "population",
                g.ExpectColumnMeanToBeBetween(column="responded", min_value=rate), reg_name, id_column=ROW),
        q.Check("lankning:nagot_svar", "Inga räknade svar alls", q.BLOCKING, "raknade",
                g.ExpectTableRowCountToBeBetween(min_value=1), exp_name),
    ]
    results += q.run_checks(
        {"svar": all_responses, "svar_i_registret": in_register, "raknade": linked.responses,
         "population": linked.population.assign(responded=linked.population["responded"].astype(float))},
        linking,
    )
    q.raise_on_blocking(results)

    excluded = pd.concat(
        [linked.outsiders.assign(orsak="utanför registret"),
         linked.superseded.assign(orsak="ersatt av ett senare svar från samma person")],
        ignore_index=True,
    )
    return SurveyPeriod(
        long=to_long(linked.responses, version, period),
        population=linked.population.assign(period=period),
        excluded=excluded.astype({"response_id": "string"}),
        checks=results,
        inputs=[register_path, export_path],
        version=version,
    )


class SurveyInstrument(Instrument):
    """A survey described by a codebook; each period also carries all earlier ones."""

    def __init__(self, codebook: str, notebook: str) -> None:
        self.codebook = load_codebook(codebook)
        self.name = self.codebook.instrument
        self.title = self.codebook.title
        self.notebook = notebook

    def present(self, period_dir: Path) -> bool:
        return find_input(period_dir, self.name) is not None

    @property
    def config_files(self) -> list[Path]:
        return [CODEBOOK_DIR / f"{self.name}.yaml"]

    def load_report(self, processed_dir: Path, period: str):
        from .sections import SurveyReport

        return SurveyReport.load(processed_dir, period)

    def prepare(self, period: str, data_dir: Path) -> Prepared:
        periods = list_periods(data_dir)
        metas = dict(periods)
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        salt = load_salt(data_dir)
        current = load_survey_period(self.codebook, period, metas[period], data_dir, salt)
        loaded = []
        checks = list(current.checks)
        for pid, meta in periods:
            if pid == period:
                loaded.append((pid, meta, current))
                continue
            if not self.present(raw_period_dir(data_dir, pid)):
                continue
            try:
                loaded.append((pid, meta, load_survey_period(self.codebook, pid, meta, data_dir, salt)))
            except DataError as exc:
                checks.append(q.CheckResult(
                    id=f"historik:{pid}", title=f"Perioden {pid} kan inte läsas och saknas i jämförelser och trend",
                    severity=q.WARNING, passed=False, file=Path(str(exc.file or pid)).name, column=None, count=1, total=None,
                    observed=str(exc),
                ))
        periods_table = pd.DataFrame([
            {"period": pid, "label": m.label, "start": m.start.isoformat(), "end": m.end.isoformat(),
             "version": sp.version.version, "syntetisk": m.syntetisk}
            for pid, m, sp in loaded
        ])
        return Prepared(
            instrument=self.name,
            period=period,
            meta=metas[period],
            tables={
                "svar": pd.concat([sp.long for *_, sp in loaded], ignore_index=True),
                "population": pd.concat([sp.population for *_, sp in loaded], ignore_index=True),
                "uteslutna": current.excluded,
                "perioder": periods_table,
            },
            checks=checks,
            inputs=[p for pid, _, sp in loaded for p in (*sp.inputs, raw_period_dir(data_dir, pid) / "period.yaml")],
            info={"codebook_version": current.version.version},
        )


register(SurveyInstrument("rektorsenkat", "elevhalsoplan_uppfoljning.ipynb"))
