"""What an instrument is: the interface every member of `instruments/` implements.

An instrument is a codebook or contract plus its loaders, checks, indicators and a
notebook. The pipeline asks the registry (registry.py) for the instruments a period folder
holds and calls only the methods declared here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import quality as q
from .codebook import normalize_label
from .periods import PeriodMeta


@dataclass(frozen=True)
class IndicatorValue:
    """One figure another report (the operations plan's scorecard) takes from an instrument.

    `value` is in `unit` (percent 0–100, per 100 students, days); `interval` only for
    sample estimates. When there is no figure, `value` is None and `note` says why, in
    Swedish (e.g. which file is needed) – never a 0.
    """

    value: float | None
    numerator: int | None
    denominator: int | None
    unit: str
    period: str
    interval: tuple[float, float] | None = None
    note: str = ""


@dataclass
class UnitContribution:
    """One source's unit-level data of one period, for the unit profiles and their index.

    `source` names the instrument whose figures these are: an instrument may carry another
    one's (the operations plan carries the surveys' per-unit tables), and a period holding
    both gives each unit one section per source. `section(code)` is called for every unit
    of the period, also those the source does not cover: it then says, in Swedish, that the
    unit is missing. `coverage` is the response rate or coverage the index shows, `deviates`
    what lies outside the funnel limits (nothing for a unit within them all).
    """

    source: str
    heading: str  # the index column: "Elevenkäten, svarsfrekvens"
    units: pd.DataFrame  # skolenhetskod, skolenhet, skolform
    coverage: dict[str, str]
    deviates: dict[str, list[str]]
    section: Callable[[str], str]
    method: str = ""  # how these figures are compared, for the profile's method paragraph


@dataclass
class Carried:
    """What a follow-up period of another instrument (the operations plan) keeps of this one
    for its unit profiles: a per-unit table (written as `enheter_<instrument>.parquet`), the
    files read and the periods it covers ({period, label, end}, oldest first; the last is the
    follow-up's own)."""

    table: pd.DataFrame
    inputs: list[Path]
    periods: list[dict]


@dataclass
class Prepared:
    """Everything a report needs, free of personal data, ready to be written as files."""

    instrument: str
    period: str
    meta: PeriodMeta
    tables: dict[str, pd.DataFrame]  # name → table written as <name>.parquet
    checks: list  # list[quality.CheckResult] of this period
    inputs: list[Path]  # every raw file read (all periods), for the manifest and provenance
    info: dict = field(default_factory=dict)  # small JSON-able facts (codebook version, periods, …)


class Instrument(ABC):
    name: str
    title: str
    notebook: str  # file name under notebooks/
    # Where its reports stand in every list (the index, the unit profiles' sections).
    order: int = 100
    # Modules `load_report` imports; the report's kernel imports them while the gate runs.
    report_modules: tuple[str, ...] = ()
    # What a unit profile has from this instrument, in words ("" = no unit-level data); a
    # profile of a period without the instrument says that this is missing.
    unit_topics: str = ""
    # Who the respondents are, as a sentence names them ("rektorer", "elever").
    population_noun: str

    def with_population(self, meta: PeriodMeta) -> tuple[PeriodMeta, list]:
        """`meta` with the population phrase of this instrument's sentences, and a note if
        period.yaml's phrase was not used.

        One period folder may hold several instruments but has one period.yaml: its
        "rektorer inom grundskolan" must not become the student survey's population, and
        without a phrase the instrument's own noun is right, where any fixed default would
        be wrong for some instrument.
        """
        phrase = meta.population
        if phrase and self.population_noun in normalize_label(phrase).split():
            return meta, []
        notes = (
            []
            if not phrase
            else [
                q.CheckResult(
                    id="period:population",
                    title="Populationen i period.yaml gäller ett annat instrument",
                    severity=q.NOTE,
                    passed=True,
                    file="period.yaml",
                    column="population",
                    count=1,
                    total=None,
                    observed=f"«{phrase}» nämner inte {self.population_noun}; rapporten säger «{self.population_noun}»",
                )
            ]
        )
        return meta.model_copy(update={"population": self.population_noun}), notes

    @abstractmethod
    def present(self, period_dir: Path) -> bool:
        """Whether the period folder holds this instrument's inputs."""

    @abstractmethod
    def prepare(self, period: str, data_dir: Path) -> Prepared:
        """Load, check and link this period (and what comparisons need); raise DataError."""

    def personal_names(self, period: str, data_dir: Path) -> list[str]:
        """Every person's name this instrument's inputs of `period` hold, for the audit before
        the outputs are written (privacy.audit); read again, since nothing keeps them."""
        from .config import raw_period_dir
        from .privacy import read_names

        return read_names(raw_period_dir(data_dir, period))[0]

    @property
    def config_files(self) -> list[Path]:
        """Configuration in the package (a codebook or contract in the instrument's folder, and
        any other instrument's it reads) whose hashes also decide staleness."""
        return []

    @abstractmethod
    def load_report(self, processed_dir: Path, period: str):
        """The report object the notebook calls, read from a processed folder."""

    def committee_content(self, processed_dir: Path, period: str):
        """The tjänsteskrivelse's and the deck's content (`committee.CommitteeContent`).

        Taken from the report object the notebook uses, so the documents carry the HTML's
        numbers; a report object declares it in its `committee()` method.
        """
        return self.load_report(processed_dir, period).committee()

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        """This period's unit-level data, read from the processed folder, for the unit profiles."""
        return []

    # For the operations plan: how the inputs are named in a message ("elevenkat.xlsx/.csv/.sav"),
    # and which keys besides `fraga` and `period` an indicator from this instrument takes.
    input_files: str = ""
    indicator_filters: tuple[str, ...] = ()

    @property
    def gives_indicators(self) -> bool:
        return type(self).indicator is not Instrument.indicator

    def indicator(self, period: str, data_dir: Path, question: str, **filters) -> IndicatorValue:
        """A headline figure for the operations plan's scorecard."""
        raise NotImplementedError(f"{self.name} lämnar inga indikatorer till verksamhetsplanen")

    @property
    def fetches_public_statistics(self) -> bool:
        return type(self).fetch_public_statistics is not Instrument.fetch_public_statistics

    def fetch_public_statistics(self, period: str, data_dir: Path) -> Path:
        """For `elevhalsa kolada`: fetch the public statistics (Kolada) that the period's inputs
        name into its raw folder, where a run reads them like any other input; the file written."""
        raise NotImplementedError(f"{self.name} hämtar ingen offentlig statistik")

    def carried_units(
        self, periods: list[tuple[str, PeriodMeta]], follow_up: PeriodMeta, referenced: list[str], data_dir: Path, salt: bytes
    ) -> Carried | None:
        """The unit-level table a follow-up period (`follow_up`, of the operations plan) keeps of
        this instrument; `referenced` are the periods the plan names. None when there is none."""
        return None

    def carried_contribution(self, carried: pd.DataFrame, periods: list[dict], units: pd.DataFrame) -> UnitContribution | None:
        """This instrument's part of such a period's unit profiles, from the table it kept
        (`carried_units`) and the follow-up's units (skolenhetskod, skolenhet, skolform)."""
        return None
