"""The report sections every sample survey (students, guardians) shows alike, rendered from
the shared `survey_*` templates.

An instrument's report subclasses `SampleSurveySections`, says who the survey went to
(`response_sentence`) and what one question's section holds (`question_section`), and
gives the other shared templates its own values and words; what only one survey shows is
in that instrument's own templates, which extend the shared ones where they add a part.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from .codebook import Question
from .markup import Html, quality_html, render
from .suppression import MIN_GROUP
from .survey import SampleSurveyReport

DASH = "–"  # a figure not shown
TOO_FEW = f"färre än {MIN_GROUP} svar"


class SampleSurveySections(SampleSurveyReport, ABC):
    """The sections a sample-survey report shares: title, questions, data quality."""

    @property
    def questions_closed(self) -> list[Question]:
        return self.version.closed_questions

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
