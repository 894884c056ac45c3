"""The principal survey (rektorsenkät) as an instrument: see ../shared/data-contract.md.

A census of the principals in `rektorer.csv`: counts, not estimates; every period carries
the earlier ones for comparisons and the trend, and only access to the competences reaches
a unit's profile.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import indicators as ind
from ...config import raw_period_dir
from ...errors import DataError
from ...instrument import Carried, IndicatorValue, UnitContribution
from ...periods import PeriodMeta, list_periods
from ...population import read_register
from ...privacy import load_salt
from ...processed import Processed
from ...survey import SurveyInstrument
from .loading import REGISTER_FILE, SurveyPeriod, load_survey_period


class PrincipalSurvey(SurveyInstrument):
    """The principal survey: a census of the principals in the register, linked by e-mail."""

    order = 1
    report_modules = ("elevhalsa_analysis.instruments.rektorsenkat.report",)

    def personal_names(self, period: str, data_dir: Path) -> list[str]:
        register_path = raw_period_dir(data_dir, period) / REGISTER_FILE
        names = super().personal_names(period, data_dir)
        if register_path.is_file():
            names += read_register(register_path)["namn"].dropna().tolist()
        return names

    def load_report(self, processed_dir: Path, period: str):
        from .report import SurveyReport

        return SurveyReport.load(processed_dir, period)

    @property
    def unit_topics(self) -> str:
        # Only the codebook's unit-level questions (organisational facts) reach a unit.
        return (
            "tillgång till elevhälsans kompetenser"
            if any(q.unit_level for v in self.codebook.versions for q in v.questions)
            else ""
        )

    input_files = "rektorsenkat.xlsx/.csv"

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        from .units import competence_contribution, competence_units

        if not self.unit_topics:
            return []
        found = Processed(Path(processed_dir))
        report = self.load_report(processed_dir, found.period)
        period = report.period
        table = competence_units(report.long, report.population, report.version, period)
        listed = report.population[report.population["period"] == period][["skolenhetskod", "skolenhet", "skolform"]]
        return [competence_contribution(table, {"period": period, "label": found.label}, listed.astype(str))]

    def carried_units(
        self, periods: list[tuple[str, PeriodMeta]], follow_up: PeriodMeta, referenced: list[str], data_dir: Path, salt: bytes
    ) -> Carried | None:
        """Access to the competences per unit in the follow-up's own survey (no trend: it is
        a fact about now)."""
        from .units import competence_units

        if not self.unit_topics:
            return None
        return self.carry(
            periods,
            follow_up,
            referenced,
            data_dir,
            salt,
            lambda period, loaded: competence_units(loaded.long, loaded.population, loaded.version, period),
            latest_only=True,
        )

    def carried_contribution(self, carried: pd.DataFrame, periods: list[dict], units: pd.DataFrame) -> UnitContribution:
        from .units import competence_contribution

        return competence_contribution(carried, periods[-1], units)

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

    def tables(self, loaded: list[SurveyPeriod], current: SurveyPeriod) -> dict[str, pd.DataFrame]:
        """The processed tables of every loaded period (this one and earlier)."""
        return {
            "svar": pd.concat([sp.long for sp in loaded], ignore_index=True),
            "population": pd.concat([sp.population for sp in loaded], ignore_index=True),
            "uteslutna": current.excluded,
        }


INSTRUMENT = PrincipalSurvey("rektorsenkat", "elevhalsoplan_uppfoljning.ipynb")
