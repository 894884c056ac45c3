"""The preschool guardian survey (vårdnadshavarenkät): see ../shared/data-contract-forskola.md.

One questionnaire per enrolled child, answered by a guardian; `barnantal.csv` is the
population per preschool unit and age group. Like the student survey it is a sample of
each unit's children, so municipal figures are design-based estimates with strata unit ×
age group (`survey.municipal_estimates` grouped by `aldersgrupp`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...codebook import normalize_label
from ...config import raw_period_dir
from ...errors import DataError
from ...estimates import headline_shares
from ...indicators import grouped
from ...instrument import Carried, IndicatorValue, UnitContribution
from ...periods import PeriodMeta, list_periods
from ...suppression import MIN_GROUP
from ...survey import SurveyInstrument, design_frame, municipal_estimates, survey_units
from ...tables import find_input
from ...units import with_names
from .loading import GROUPS, SUFFIXES, PreschoolPeriod, age_group_phrase, load_preschool_period

GROUP = "aldersgrupp"


class GuardianSurvey(SurveyInstrument):
    """The preschool guardian survey: the student survey's design with age groups."""

    order = 3
    # svy and polars are imported only when an estimate is made; the kernel can load them early.
    report_modules = ("elevhalsa_analysis.instruments.vardnadshavarenkat.report", "polars", "svy")
    unit_topics = "vårdnadshavarnas svar och svarsfrekvens i vårdnadshavarenkäten"
    input_files = "vardnadshavarenkat.xlsx/.csv/.sav"
    indicator_filters = (GROUP,)

    def __init__(self, codebook: str, notebook: str) -> None:
        super().__init__(codebook, notebook)
        # The population is the children ("barn i förskolan"); guardians answer for them.
        self.population_noun = "barn"

    def present(self, period_dir: Path) -> bool:
        return find_input(period_dir, self.name, SUFFIXES) is not None

    def load_period(self, period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> PreschoolPeriod:
        # Anonymous: nobody is linked across periods, so the salt is not needed.
        return load_preschool_period(self.codebook, period, meta, data_dir)

    def tables(self, loaded: list[PreschoolPeriod], current: PreschoolPeriod) -> dict[str, pd.DataFrame]:
        long = pd.concat([sp.long for sp in loaded], ignore_index=True)
        return {
            "svar": long.astype({c: "category" for c in ("period", "question", "answer", *GROUPS)}),
            "enheter": pd.concat([sp.units for sp in loaded], ignore_index=True),
        }

    def load_report(self, processed_dir: Path, period: str):
        from .report import GuardianSurveyReport

        return GuardianSurveyReport.load(processed_dir, period)

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        """Every preschool unit asked in this survey, with each earlier survey for the trend."""
        from .report import unit_contribution

        return [unit_contribution(processed_dir)]

    def carried_units(
        self, periods: list[tuple[str, PeriodMeta]], follow_up: PeriodMeta, referenced: list[str], data_dir: Path, salt: bytes
    ) -> Carried | None:
        """Each unit's shares in every survey up to the follow-up's own, for the trend."""

        def table(period: str, loaded: PreschoolPeriod) -> pd.DataFrame:
            questions = [q for q in loaded.version.closed_questions if q.type == "single"]
            est = municipal_estimates(loaded.long, loaded.units, loaded.version, questions, period, group=GROUP)
            return with_names(survey_units(loaded.long, loaded.units, loaded.version, period, est, GROUP), loaded.units)

        return self.carry(periods, follow_up, referenced, data_dir, salt, table)

    def carried_contribution(self, carried: pd.DataFrame, periods: list[dict], units: pd.DataFrame) -> UnitContribution:
        from .units import guardian_contribution

        return guardian_contribution(carried, periods)

    def indicator(self, period: str, data_dir: Path, question: str, aldersgrupp: str | None = None, **filters) -> IndicatorValue:
        """The weighted headline share of one age group (or all children) in percent, with
        its interval; numerator and denominator are the counted headline and answers."""
        if filters:
            raise DataError(f"{self.title} kan inte delas upp efter {', '.join(filters)}.")
        metas = dict(list_periods(data_dir))
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        if not self.present(raw_period_dir(data_dir, period)):
            note = f"uppgift saknas: {self.name}.xlsx, .csv eller .sav behövs för perioden {period}"
            return IndicatorValue(None, None, None, "%", period, note=note)
        loaded = load_preschool_period(self.codebook, period, metas[period], data_dir)
        found = [qu for qu in loaded.version.closed_questions if qu.id == question]
        if not found:
            raise DataError(f"Frågan «{question}» finns inte bland kodbokens frågor med svarsalternativ.", column=question)
        groups = self.codebook.groups[GROUP]
        age = groups.lookup().get(normalize_label(aldersgrupp)) if aldersgrupp else None
        if aldersgrupp and age is None:
            raise DataError(
                f"Vårdnadshavarenkäten har ingen åldersgrupp «{aldersgrupp}»; den har {', '.join(groups.labels)}.",
                value=aldersgrupp,
            )
        by = [GROUP] if age else []
        result = grouped(loaded.long, loaded.version, by).result(
            loaded.version, found[0], period, **({GROUP: age} if age else {})
        )
        who = f"vårdnadshavare till {age_group_phrase(age)}" if age else "vårdnadshavare"
        if result.answered < MIN_GROUP:
            note = f"kan inte redovisas: färre än {MIN_GROUP} {who} besvarade frågan"
            return IndicatorValue(None, None, None, "%", period, note=note)
        # All age groups: the same strata (unit within age group), one domain.
        frame = design_frame(loaded.long, loaded.units, loaded.version, found, period, GROUP).assign(alla="alla")
        est = headline_shares(frame, GROUP if age else "alla", [question])[question][age or "alla"]
        return IndicatorValue(
            100 * est.share,
            result.headline,
            result.answered,
            "%",
            period,
            interval=(100 * est.low, 100 * est.high),
            note=f"skattning för alla {age_group_phrase(age) if age else 'barn'} i förskolan; "
            f"{result.headline} av {result.answered} {who} som besvarade frågan",
        )


INSTRUMENT = GuardianSurvey("vardnadshavarenkat", "vardnadshavarenkat.ipynb")
