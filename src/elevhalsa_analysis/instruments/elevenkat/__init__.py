"""The student survey (elevenkät) as an instrument: see ../shared/data-contract-elevenkat.md.

A sample of each unit's students in the year groups asked; municipal figures are
design-based estimates (survey.py), the plan's scorecard gets a year group's headline share
with its interval, and the unit profiles each unit's shares with the trend.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...cells import normalize_arskurs
from ...config import raw_period_dir
from ...errors import DataError
from ...estimates import headline_shares
from ...indicators import grouped
from ...instrument import Carried, IndicatorValue, UnitContribution
from ...periods import PeriodMeta, list_periods
from ...suppression import MIN_GROUP
from ...survey import SurveyInstrument, design_frame, municipal_estimates
from ...tables import find_input
from ...units import with_names
from .loading import GROUPS, SUFFIXES, StudentPeriod, load_student_period, year_group_phrase


class StudentSurvey(SurveyInstrument):
    """The student survey: the principal survey's machinery with a sample's population."""

    # svy and polars are imported only when an estimate is made; the kernel can load them early.
    order = 2
    report_modules = ("elevhalsa_analysis.instruments.elevenkat.report", "polars", "svy")
    unit_topics = "elevernas svar och svarsfrekvens i elevenkäten"

    def present(self, period_dir: Path) -> bool:
        return find_input(period_dir, self.name, SUFFIXES) is not None

    def load_period(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> StudentPeriod:
        # Anonymous: nobody is linked across periods, so the salt is not needed.
        return load_student_period(self.codebook, period, meta, data_dir)

    def tables(self, loaded: list[StudentPeriod], current: StudentPeriod) -> dict[str, pd.DataFrame]:
        long = pd.concat([sp.long for sp in loaded], ignore_index=True)
        return {
            "svar": long.astype({c: "category" for c in ("period", "question", "answer", *GROUPS)}),
            "enheter": pd.concat([sp.units for sp in loaded], ignore_index=True),
        }

    def load_report(self, processed_dir: Path, period: str):
        from .report import StudentSurveyReport

        return StudentSurveyReport.load(processed_dir, period)

    input_files = "elevenkat.xlsx/.csv/.sav"
    indicator_filters = ("arskurs",)

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        """Every unit asked in this survey, with the shares of each earlier survey for the trend."""
        from .report import unit_contribution

        return [unit_contribution(processed_dir)]

    def carried_units(
        self, periods: list[tuple[str, PeriodMeta]], follow_up: PeriodMeta, referenced: list[str], data_dir: Path, salt: bytes
    ) -> Carried | None:
        """Each unit's shares in every survey up to the follow-up's own, for the trend."""
        from ...survey import survey_units

        def table(period: str, loaded: StudentPeriod) -> pd.DataFrame:
            questions = [q for q in loaded.version.closed_questions if q.type == "single"]
            est = municipal_estimates(loaded.long, loaded.units, loaded.version, questions, period)
            return with_names(survey_units(loaded.long, loaded.units, loaded.version, period, est), loaded.units)

        return self.carry(periods, follow_up, referenced, data_dir, salt, table)

    def carried_contribution(self, carried: pd.DataFrame, periods: list[dict], units: pd.DataFrame) -> UnitContribution:
        from .units import survey_contribution

        return survey_contribution(carried, periods)

    def indicator(self, period: str, data_dir: Path, question: str, arskurs: str | None = None, **filters) -> IndicatorValue:
        """The weighted headline share of one year group (or all asked) in percent, with its
        interval; numerator and denominator are the counted headline and answers."""
        if filters:
            raise DataError(f"{self.title} kan inte delas upp efter {', '.join(filters)}.")
        metas = dict(list_periods(data_dir))
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        if not self.present(raw_period_dir(data_dir, period)):
            return IndicatorValue(
                None,
                None,
                None,
                "%",
                period,
                note=f"uppgift saknas: {self.name}.xlsx, .csv eller .sav behövs för perioden {period}",
            )
        sp = load_student_period(self.codebook, period, metas[period], data_dir)
        found = [qu for qu in sp.version.closed_questions if qu.id == question]
        if not found:
            raise DataError(f"Frågan «{question}» finns inte bland kodbokens frågor med svarsalternativ.", column=question)
        asked = self.codebook.groups["arskurs"].labels
        year = normalize_arskurs(arskurs) if arskurs else None
        if arskurs and year not in asked:
            raise DataError(f"Elevenkäten frågar inte årskurs «{arskurs}»; den frågar {', '.join(asked)}.", value=arskurs)
        if year:
            result = grouped(sp.long, sp.version, ["arskurs"]).result(sp.version, found[0], period, arskurs=year)
        else:
            result = grouped(sp.long, sp.version, []).result(sp.version, found[0], period)
        who = f"elever i {year_group_phrase(year)}" if year else "elever"
        if result.answered < MIN_GROUP:
            return IndicatorValue(
                None, None, None, "%", period, note=f"kan inte redovisas: färre än {MIN_GROUP} {who} besvarade frågan"
            )
        # All year groups: the same strata (unit within year group), one domain.
        frame = design_frame(sp.long, sp.units, sp.version, found, period).assign(alla="alla")
        est = headline_shares(frame, "arskurs" if year else "alla", [question])[question][year or "alla"]
        return IndicatorValue(
            100 * est.share,
            result.headline,
            result.answered,
            "%",
            period,
            interval=(100 * est.low, 100 * est.high),
            note=f"skattning för alla {who}; {result.headline} av {result.answered} som besvarade frågan",
        )


INSTRUMENT = StudentSurvey("elevenkat", "elevenkat.ipynb")
