"""What every survey described by a codebook shares: the instrument that loads a period
with all earlier ones for comparisons and the trend (each period read and checked once,
kept in the period cache), and the report base that knows the codebook, the periods and
the gate's outcome.

A survey instrument in `instruments/` subclasses `SurveyInstrument` and says how one
period is read (`load_period`) and which tables it keeps (`tables`). A sample survey of
year groups in units (the student survey) is estimated by `municipal_estimates`: strata
are the units within a year group.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from . import indicators as ind
from . import quality as q
from .cache import PeriodCache, period_key
from .codebook import Codebook, Question, Version, load_codebook
from .config import CODEBOOK_DIR, raw_period_dir
from .errors import DataError
from .estimates import DesignEstimate, headline_shares
from .instrument import Carried, Instrument, Prepared
from .loaders import PeriodMeta, find_input, list_periods
from .markup import Html, heading_html
from .privacy import load_salt
from .processed import PERIODS, Processed
from .stats import wilson_interval
from .suppression import suppress_shares
from .units import with_flags


class SurveyInstrument(Instrument):
    """A survey described by a codebook; each period also carries all earlier ones."""

    def __init__(self, codebook: str, notebook: str) -> None:
        self.codebook = load_codebook(codebook)
        self.name = self.codebook.instrument
        self.title = self.codebook.title
        self.population_noun = self.codebook.respondent_plural
        self.notebook = notebook
        self._loaded = PeriodCache()

    def present(self, period_dir: Path) -> bool:
        return find_input(period_dir, self.name) is not None

    @property
    def config_files(self) -> list[Path]:
        return [CODEBOOK_DIR / f"{self.name}.yaml"]

    def _load_once(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes, *, history: bool = False) -> Any:
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
            tables={**self.tables([sp for *_, sp in loaded], current), PERIODS: periods_table},
            checks=checks,
            inputs=[p for pid, _, sp in loaded for p in (*sp.inputs, raw_period_dir(data_dir, pid) / "period.yaml")],
            info={"codebook_version": current.version.version},
        )

    def carry(
        self,
        periods: list[tuple[str, PeriodMeta]],
        follow_up: PeriodMeta,
        referenced: list[str],
        data_dir: Path,
        salt: bytes,
        table_of: Callable[[str, Any], pd.DataFrame],
        latest_only: bool = False,
    ) -> Carried | None:
        """`carried_units` for a survey: `table_of(period, loaded)` for each survey period the
        follow-up takes (`survey_periods`; only its own with `latest_only`). A period that
        cannot be read is left out; the profiles then say "uppgift saknas"."""
        metas = dict(periods)
        present = [p for p, _ in periods if self.present(raw_period_dir(data_dir, p))]
        chosen = survey_periods(periods, present, referenced, follow_up)
        frames, inputs, covered = [], [], []
        for p in chosen[-1:] if latest_only else chosen:
            try:
                loaded = self.load_period(p, metas[p], data_dir, salt)
            except DataError:
                continue
            inputs += [*loaded.inputs, raw_period_dir(data_dir, p) / "period.yaml"]
            frames.append(table_of(p, loaded))
            covered.append({"period": p, "label": metas[p].label, "end": metas[p].end.isoformat()})
        return Carried(pd.concat(frames, ignore_index=True), inputs, covered) if frames else None

    @abstractmethod
    def load_period(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> Any:
        """One period read, checked and linked (with `checks`, `inputs` and `version`); raise DataError."""

    @abstractmethod
    def tables(self, loaded: list[Any], current: Any) -> dict[str, pd.DataFrame]:
        """The processed tables of every loaded period (this one and earlier)."""


def _ordinal_periods(periods: pd.DataFrame) -> pd.DataFrame:
    return periods.sort_values("end").reset_index(drop=True)


@dataclass
class CodebookReport:
    """What every survey report knows: its codebook, the periods loaded and their
    versions, the gate's outcome and the manifest; and the heading built from them."""

    codebook: Codebook
    period: str
    periods: pd.DataFrame
    quality: dict
    manifest: dict
    long: pd.DataFrame  # the answers, one row per respondent × question
    population_phrase: str
    # The processed tables a report reads, by field name.
    TABLES: ClassVar[dict[str, str]] = {"long": "svar"}

    @classmethod
    def load(cls, processed_dir: Path, period: str) -> Self:
        """The report of `period`, read from its processed folder."""
        found = Processed(Path(processed_dir))
        return cls(
            codebook=load_codebook(found.instrument),
            period=period,
            periods=_ordinal_periods(found.periods),
            quality=found.quality,
            manifest=found.manifest,
            population_phrase=found.manifest["population"],
            **{name: found.table(table) for name, table in cls.TABLES.items()},
        )

    # -- facts -----------------------------------------------------------------------------

    def version_of(self, period: str) -> Version:
        vid = self.periods.set_index("period").at[period, "version"]
        return next(v for v in self.codebook.versions if v.version == vid)

    @property
    def version(self) -> Version:
        return self.version_of(self.period)

    @property
    def meta(self) -> pd.Series:
        return self.periods.set_index("period").loc[self.period]

    def label_of(self, period: str) -> str:
        return self.periods.set_index("period").at[period, "label"]

    @property
    def previous(self) -> str | None:
        """The latest period that ends before this one starts (the contract's rule)."""
        earlier = self.periods[self.periods["end"] < self.meta["start"]]
        return earlier["period"].iloc[-1] if len(earlier) else None

    @property
    def synthetic(self) -> bool:
        return bool(self.periods["syntetisk"].any())

    def heading(self) -> Html:
        return heading_html(self.codebook.title, self.meta["label"], self.synthetic, self.quality)


@dataclass
class SampleSurveyReport(CodebookReport):
    """A report of a sample survey of groups in units (students, guardians): its answers in long
    form, the units with their enrolment and responses, and the population's phrase."""

    units: pd.DataFrame
    _cache: dict = field(default_factory=dict, repr=False)
    TABLES: ClassVar[dict[str, str]] = {"long": "svar", "units": "enheter"}

    def _memo(self, key: tuple, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def long_of(self, period: str) -> pd.DataFrame:
        return self._memo(("long", period), lambda: self.long[self.long["period"] == period])

    def units_of(self, period: str) -> pd.DataFrame:
        return self.units[self.units["period"] == period]


def design_frame(
    long: pd.DataFrame,
    units: pd.DataFrame,
    version: Version,
    questions: list[Question],
    period: str,
    group: str = "arskurs",
) -> pd.DataFrame:
    """One row per questionnaire for `headline_shares`: unit, `group` (year group, age
    group), the stratum (unit within group), weight N_h / n_h, pop_size N_h, and per
    question a column named by its id: 1 headline, 0 another answer in the denominator,
    missing otherwise."""
    part = long[long["period"] == period]
    frame = part.drop_duplicates("respondent")[["respondent", "skolenhetskod", group]].astype(str)
    for question in questions:
        rows = part[part["question"] == question.id]
        answer = rows["answer"].astype("string")
        inside = [
            lbl for lbl in version.scales[question.scale].labels if lbl not in version.scales[question.scale].outside_denominator
        ]
        y = np.where(
            answer.isin(version.headline_labels(question)).fillna(False),
            1.0,
            np.where(answer.isin(inside).fillna(False), 0.0, np.nan),
        )
        frame[question.id] = frame["respondent"].map(pd.Series(y, index=rows["respondent"].astype(str).to_numpy()))
    sizes = units[units["period"] == period][["skolenhetskod", group, "antal", "svar"]].astype({"skolenhetskod": str, group: str})
    frame = frame.merge(sizes, on=["skolenhetskod", group], how="left", validate="many_to_one")
    return frame.assign(
        stratum=frame["skolenhetskod"] + "|" + frame[group], weight=frame["antal"] / frame["svar"], pop_size=frame["antal"]
    )


def municipal_estimates(
    long: pd.DataFrame,
    units: pd.DataFrame,
    version: Version,
    questions: list[Question],
    period: str,
    fpc: bool = True,
    group: str = "arskurs",
) -> dict[str, dict[str, DesignEstimate]]:
    """Question id → `group` (year group, age group) → the design-based headline share
    (groups with any answer); `fpc=False` for comparisons between surveys."""
    frame = design_frame(long, units, version, questions, period, group)
    return headline_shares(frame, group, [q.id for q in questions], fpc=fpc)


def survey_units(
    long: pd.DataFrame,
    units: pd.DataFrame,
    version: Version,
    period: str,
    estimates: Mapping[str, Mapping[str, DesignEstimate]],
    group: str = "arskurs",
) -> pd.DataFrame:
    """Per single-choice question, `group` (year group, age group) and enrolled unit:
    headline (`events`) of those who answered (`n`), respondents to the question and
    questionnaires sent in (`svar`), hidden or not (`suppress_shares`, as in the survey
    reports), a Wilson interval with finite-population correction, the municipal estimate
    and the funnel flag around it."""
    enrolled = units[units["period"] == period].astype({"skolenhetskod": str, group: str})
    summary = ind.grouped(long[long["period"] == period], version, [group, "skolenhetskod"]).summary
    summary = summary.astype({"skolenhetskod": str, group: str})
    frames = []
    for question in (qu for qu in version.closed_questions if qu.type == "single"):
        for value, pop in enrolled.groupby(group, sort=False):
            got = summary[(summary["question"] == question.id) & (summary[group] == value)].set_index("skolenhetskod")
            frame = pd.DataFrame(
                {
                    "skolenhetskod": pop["skolenhetskod"].to_numpy(),
                    "antal": pop["antal"].astype(int).to_numpy(),
                    "svar": pop["svar"].astype(int).to_numpy(),
                }
            )
            frame["n"] = frame["skolenhetskod"].map(got["answered"]).fillna(0).astype(int)
            frame["events"] = frame["skolenhetskod"].map(got["headline"]).fillna(0).astype(int)
            frame["svarande"] = frame["skolenhetskod"].map(got["respondents"]).fillna(0).astype(int)
            hidden = suppress_shares(
                dict(zip(frame["skolenhetskod"], frame["n"])),
                dict(zip(frame["skolenhetskod"], frame["events"])),
                int(frame["n"].sum()),
                int(frame["events"].sum()),
            )
            frame["dold"] = frame["skolenhetskod"].map(hidden).astype(bool)
            intervals = [
                wilson_interval(x, n, population=max(N, n)) if n and not d else (float("nan"), float("nan"))
                for x, n, N, d in zip(frame["events"], frame["n"], frame["antal"], frame["dold"])
            ]
            frame["lag"], frame["hog"] = [i[0] for i in intervals], [i[1] for i in intervals]
            est = estimates.get(question.id, {}).get(value)
            pooled = frame["events"].sum() / frame["n"].sum() if frame["n"].sum() else 0.0
            frame = with_flags(frame, est.share if est else pooled)
            frames.append(
                frame.assign(
                    fraga=question.id,
                    **{group: value},
                    kommun_lag=est.low if est else float("nan"),
                    kommun_hog=est.high if est else float("nan"),
                    skattning=est is not None,
                )
            )
    columns = [
        "fraga",
        group,
        "skolenhetskod",
        "antal",
        "svar",
        "svarande",
        "n",
        "events",
        "dold",
        "lag",
        "hog",
        "kommun",
        "kommun_lag",
        "kommun_hog",
        "skattning",
        "avvikelse",
    ]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return table.assign(enkatperiod=period)


def survey_periods(
    periods: list[tuple[str, PeriodMeta]], present: list[str], referenced: list[str], meta: PeriodMeta
) -> list[str]:
    """The survey periods of a follow-up, oldest first, the last one being its own.

    Its own is the latest period the plan references, else the latest that ends within the
    follow-up; the earlier ones make the trend. None without either.
    """
    metas = dict(periods)
    own = [p for p in referenced if p in present and p in metas]
    if not own:
        own = [p for p in present if p in metas and meta.start <= metas[p].end <= meta.end]
    if not own:
        return []
    last = max(own, key=lambda p: metas[p].end)
    return sorted((p for p in present if p in metas and metas[p].end <= metas[last].end), key=lambda p: metas[p].end)
