"""The principal survey (rektorsenkät): see ../shared/data-contract.md.

Reads a period's `rektorer.csv` and survey export, runs the gate generated from the
codebook, links responses to the register and returns pseudonymised tables for the
report, with every earlier period for comparisons and the trend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import indicators as ind
from . import quality as q
from .cache import PeriodCache, period_key
from .codebook import Codebook, Version, load_codebook
from .config import CODEBOOK_DIR, raw_period_dir
from .errors import DataError
from .formatting import fmt_pct
from .instruments import IndicatorValue, Instrument, Prepared, UnitContribution, register
from .loaders import (
    REGISTER_COLUMNS,
    ROW,
    PeriodMeta,
    canonical_answers,
    excel_serial,
    explode_options,
    find_input,
    link,
    list_periods,
    parse_timestamps,
    read_export,
    read_register,
    to_long,
)
from .privacy import load_salt, period_redactor, pseudonymize

REGISTER_FILE = "rektorer.csv"


def period_bounds(meta: PeriodMeta) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last second of a period, for the check that answers fall inside it."""
    return pd.Timestamp(meta.start), pd.Timestamp(meta.end) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


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

    required = q.required_columns(codebook, version)
    structure = q.structure_checks(reg_name, "register", {c: c for c in REGISTER_COLUMNS}) + q.structure_checks(
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
    common, common_frames = q.export_checks(codebook, version, export, period_bounds(meta))
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
        *q.unit_register_checks("register", reg_name, "registret"),
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
        + q.ignored_columns_note(export)
        + q.padded_codes_note("register", reg_name, reg)
        + q.read_as_note(
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


class SurveyInstrument(Instrument):
    """A survey described by a codebook; each period also carries all earlier ones."""

    report_modules = ("elevhalsa_analysis.sections",)

    def __init__(self, codebook: str, notebook: str) -> None:
        self.codebook = load_codebook(codebook)
        self.name = self.codebook.instrument
        self.title = self.codebook.title
        self.population_noun = self.codebook.respondent_plural
        self.notebook = notebook
        self._loaded = PeriodCache()

    def present(self, period_dir: Path) -> bool:
        return find_input(period_dir, self.name) is not None

    def personal_names(self, period: str, data_dir: Path) -> list[str]:
        register_path = raw_period_dir(data_dir, period) / REGISTER_FILE
        names = super().personal_names(period, data_dir)
        if register_path.is_file():
            names += read_register(register_path)["namn"].dropna().tolist()
        return names

    @property
    def config_files(self) -> list[Path]:
        return [CODEBOOK_DIR / f"{self.name}.yaml"]

    def load_report(self, processed_dir: Path, period: str):
        from .sections import SurveyReport

        return SurveyReport.load(processed_dir, period)

    @property
    def unit_topics(self) -> str:
        # Only the codebook's unit-level questions (organisational facts) reach a unit.
        return (
            "tillgång till elevhälsans kompetenser"
            if any(q.unit_level for v in self.codebook.versions for q in v.questions)
            else ""
        )

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        from .sections_units import competence_contribution
        from .units import competence_units

        if not self.unit_topics:
            return []
        manifest = json.loads((Path(processed_dir) / "manifest.json").read_text(encoding="utf-8"))
        report = self.load_report(processed_dir, manifest["period"])
        period = report.period
        table = competence_units(report.long, report.population, report.version, period)
        listed = report.population[report.population["period"] == period][["skolenhetskod", "skolenhet", "skolform"]]
        return [competence_contribution(table, {"period": period, "label": manifest["label"]}, listed.astype(str))]

    def indicator(self, period: str, data_dir: Path, question: str, **filters) -> IndicatorValue:
        """Headline share of those who answered, in percent (a census: no interval)."""
        if filters:
            raise DataError(f"{self.title} kan inte delas upp efter {', '.join(filters)}.")
        metas = dict(list_periods(data_dir))
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        sp = load_survey_period(self.codebook, period, metas[period], data_dir, load_salt(data_dir))
        found = [qu for qu in sp.version.closed_questions if qu.id == question]
        if not found:
            raise DataError(f"Frågan «{question}» finns inte bland kodbokens frågor med svarsalternativ.", column=question)
        r = ind.question_result(sp.long, sp.population, sp.version, found[0], period)
        note = f"{r.answered} av {r.population} {self.codebook.respondent_plural} besvarade frågan"
        if not r.answered:
            return IndicatorValue(None, None, None, "%", period, note=f"uppgift saknas: ingen av {r.population} besvarade frågan")
        return IndicatorValue(100 * r.share_of_answered, r.headline, r.answered, "%", period, note=note)

    def load_period(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> SurveyPeriod:
        """One period read, checked and linked; a subclass reads its own inputs here."""
        return load_survey_period(self.codebook, period, meta, data_dir, salt)

    def _load_once(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes, *, history: bool = False) -> SurveyPeriod:
        """`load_period`, kept for as long as the period's files, the codebook and the code are the same.

        `run --all` prepares the periods in a few worker processes, and every period's
        report reads all periods: without this, each period would be read and checked
        once per report. Only a `history` period (not the one the run is for) is also
        taken from an earlier run's cache on disk: the run's own period is always checked.
        """
        key = period_key(self.name, period, data_dir, salt)
        return self._loaded.get(
            key,
            lambda: self.load_period(period, meta, data_dir, salt),
            data_dir=data_dir,
            instrument=self.name,
            period=period,
            from_disk=history,
        )

    def tables(self, loaded: list[SurveyPeriod], current: SurveyPeriod) -> dict[str, pd.DataFrame]:
        """The processed tables of every loaded period (this one and earlier)."""
        return {
            "svar": pd.concat([sp.long for sp in loaded], ignore_index=True),
            "population": pd.concat([sp.population for sp in loaded], ignore_index=True),
            "uteslutna": current.excluded,
        }

    def prepare(self, period: str, data_dir: Path) -> Prepared:
        periods = list_periods(data_dir)
        metas = dict(periods)
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        salt = load_salt(data_dir)
        current = self._load_once(period, metas[period], data_dir, salt)
        loaded = []
        current_meta, notes = self.with_population(metas[period])
        checks = [*current.checks, *notes]
        for pid, meta in periods:
            if pid == period:
                loaded.append((pid, meta, current))
                continue
            if not self.present(raw_period_dir(data_dir, pid)):
                continue
            try:
                loaded.append((pid, meta, self._load_once(pid, meta, data_dir, salt, history=True)))
            except DataError as exc:
                checks.append(
                    q.CheckResult(
                        id=f"historik:{pid}",
                        title=f"Perioden {pid} kan inte läsas och saknas i jämförelser och trend",
                        severity=q.WARNING,
                        passed=False,
                        file=Path(str(exc.file or pid)).name,
                        column=None,
                        count=1,
                        total=None,
                        observed=str(exc),
                    )
                )
        periods_table = pd.DataFrame(
            [
                {
                    "period": pid,
                    "label": m.label,
                    "start": m.start.isoformat(),
                    "end": m.end.isoformat(),
                    "version": sp.version.version,
                    "syntetisk": m.syntetisk,
                }
                for pid, m, sp in loaded
            ]
        )
        return Prepared(
            instrument=self.name,
            period=period,
            meta=current_meta,
            tables={**self.tables([sp for *_, sp in loaded], current), "perioder": periods_table},
            checks=checks,
            inputs=[p for pid, _, sp in loaded for p in (*sp.inputs, raw_period_dir(data_dir, pid) / "period.yaml")],
            info={"codebook_version": current.version.version},
        )


register(SurveyInstrument("rektorsenkat", "elevhalsoplan_uppfoljning.ipynb"))
