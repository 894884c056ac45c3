"""The report sections every sample survey (students, guardians) shows alike, rendered from
the shared `survey_*` templates.

An instrument's report subclasses `SampleSurveySections`, says who the survey went to
(`response_sentence`) and what one question's section holds (`question_section`), and
gives the other shared templates its own values and words; what only one survey shows is
in that instrument's own templates, which extend the shared ones where they add a part.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import ClassVar, NamedTuple

import pandas as pd

from . import indicators as ind
from .codebook import Question, Version
from .estimates import DesignEstimate
from .formatting import fmt_int, fmt_pct
from .indicators import QuestionResult
from .markup import Html, quality_html, render, table_html
from .sections_units import funnel_section
from .suppression import FOOTNOTE, MIN_GROUP
from .survey import SampleSurveyReport, survey_units
from .units import unit_names, unit_noun

DASH = "–"  # a figure not shown
TOO_FEW = f"färre än {MIN_GROUP} svar"


def among_enrolled(r: QuestionResult, enrolled: int) -> QuestionResult:
    """`r` over everyone enrolled, also those who never opened the survey: the population its
    nonresponse bounds count."""
    return replace(r, population=enrolled)


def answers_table(
    version: Version, question: Question, groups: list[tuple[str, QuestionResult, bool]], caption: str, footnote: bool
) -> Html:
    """Counts and shares of each answer per group (`groups`: label, result, shown); a hidden
    group's cells are dashes. The suppression footnote is added where a group is hidden, or
    always with `footnote`."""
    columns: dict[str, list[str]] = {}
    for label, r, shown in groups:
        table = ind.counts_table(r)
        columns.setdefault("Svar", list(table["Svar"]))
        if not shown:
            columns[f"{label} antal"] = columns[f"{label} andel"] = [DASH] * len(table)
            continue
        columns[f"{label} antal"] = [fmt_int(int(n)) for n in table["Antal"]]
        columns[f"{label} andel"] = [fmt_pct(v, 1) if v == v else DASH for v in table["Andel av dem som svarat"]]
    outside = ", ".join(version.scales[question.scale].outside_denominator)
    note = (
        f"Andel = andel av dem som besvarat frågan med ett svar som räknas; {outside} och ej svar räknas och visas "
        "men ingår inte i andelen." + (f" {FOOTNOTE}" if footnote or not all(shown for *_, shown in groups) else "")
    )
    return table_html(pd.DataFrame(columns), caption, numeric=[c for c in columns if c != "Svar"], footnote=note)


class FunnelWords(NamedTuple):
    """How a survey names its units in the section comparing them with the group's estimate."""

    answered: str  # the funnel's horizontal axis: who answered the question at the unit
    share: str  # its vertical axis
    heading: str
    closing: str


class SampleSurveySections(SampleSurveyReport, ABC):
    """The sections a sample-survey report shares: title, questions, the units against the
    group's estimate, data quality."""

    GROUP: ClassVar[str]  # the column the sample is drawn within: year group, age group

    @property
    def questions_closed(self) -> list[Question]:
        return self.version.closed_questions

    @abstractmethod
    def estimates(self, question: Question, period: str | None = None, fpc: bool = True) -> dict[str, DesignEstimate]:
        """Group → the design-based headline share of `question`."""

    @abstractmethod
    def response_sentence(self) -> str:
        """Who the survey went to and how many answered."""

    @abstractmethod
    def question_section(self, question: Question) -> Html:
        """One question's sentences, tables and units (`survey_question.html.j2`)."""

    def title(self) -> Html:
        return render("survey_title.html.j2", heading=self.heading(), sentence=self.response_sentence())

    def questions(self) -> Html:
        return render("survey_questions.html.j2", sections=[self.question_section(q) for q in self.questions_closed])

    def quality_section(self) -> Html:
        return quality_html(self.quality["checks"], self.quality["verdict"])

    def unit_table(self) -> pd.DataFrame:
        """Every question, group and unit of this period: counts, suppression, Wilson interval
        and funnel flag (`survey.survey_units`, which the unit profiles also use)."""
        return self._memo(
            ("units", self.period),
            lambda: survey_units(
                self.long_of(self.period),
                self.units,
                self.version,
                self.period,
                {q.id: self.estimates(q) for q in self.questions_closed},
                self.GROUP,
            ),
        )

    def answered_units(self, question: Question, group: str) -> pd.DataFrame:
        """The units of `group` where anyone answered `question`: where all skipped it, a unit
        has nothing to show or hide."""
        table = self.unit_table()
        part = table[(table["fraga"] == question.id) & (table[self.GROUP] == group)]
        return part[part["svarande"] > 0]

    def unit_funnels(self, question: Question, groups: list[str], words: FunnelWords) -> Html:
        enrolled = self.units_of(self.period)
        names, noun = unit_names(enrolled), unit_noun(enrolled["skolform"])
        funnels = [
            funnel_section(
                self.answered_units(question, g), names, f"{question.short}, {g}", words.answered, words.share, noun=noun
            )
            for g in groups
        ]
        return render("survey_unit_funnels.html.j2", heading=words.heading, funnels=funnels, closing=words.closing)
