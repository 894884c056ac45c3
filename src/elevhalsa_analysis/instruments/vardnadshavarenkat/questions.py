"""One question of the guardian survey: the sentences for all children and per age group
(count, estimate, bounds, the change since the previous survey) and the answers table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import narrative
from ...codebook import Question
from ...markup import Html, render
from ...stats import mover_difference
from ...suppression import FOOTNOTE, MIN_GROUP
from ...survey_sections import TOO_FEW, among_enrolled, answers_table
from .units import FUNNEL_WORDS

if TYPE_CHECKING:
    from .report import GuardianSurveyReport

ALL = "Alla"  # all age groups together


def question_section(report: GuardianSurveyReport, question: Question) -> Html:
    groups = []
    for age, shown in report.columns(question):
        heading = "Alla åldersgrupper" if age == ALL else age
        if age != ALL and not shown:
            groups.append((heading, [f"{TOO_FEW.capitalize()} eller dold: {FOOTNOTE}"]))
        else:
            groups.append((heading, sentences(report, question, age)))
    return render(
        "survey_question.html.j2",
        __file__,
        question=question,
        groups=groups,
        parts=[counts_table(report, question), report.unit_funnels(question, report.age_groups, FUNNEL_WORDS)],
    )


def change(report: GuardianSurveyReport, question: Question, age: str) -> str:
    """The comparison with the previous survey, or why there is none."""
    prev = report.previous
    if prev is None:
        return ""
    label = report.label_of(prev)
    reason = report.codebook.incomparability(report.version_of(prev), report.version, question.id)
    if reason:
        return narrative.not_comparable_sentence(label, reason)
    # Without the finite-population correction: other children, not the same ones (estimates.py).
    now, before = report.estimates(question, fpc=False).get(age), report.estimates(question, prev, fpc=False).get(age)
    r_now, r_before = report.result(question, age), report.result(question, age, prev)
    if now is None or before is None or min(r_now.answered, r_before.answered) < MIN_GROUP:
        return f"Ingen jämförelse med {label}: för få svar ett av åren."
    diff, low, high = mover_difference(before.share, (before.low, before.high), now.share, (now.low, now.high))
    return narrative.change_sentence(label, before.share, diff, (low, high))


def sentences(report: GuardianSurveyReport, question: Question, age: str) -> list[str]:
    """The contract's sentence forms: the count, then the estimate with the response rate."""
    r = report.result(question, age)
    if r.answered < MIN_GROUP:
        return [narrative.sample_too_few_sentence(r, report.respondents_of(age), MIN_GROUP)]
    est = report.estimates(question)[age]
    responses, enrolled = report.enrolment(age)
    return [
        narrative.sample_headline_sentence(r, question, report.respondents_of(age)),
        narrative.estimate_sentence(report.children_of(age), est.share, (est.low, est.high), responses, enrolled),
        narrative.sample_bounds_sentence(among_enrolled(r, enrolled), report.children_of(age)),
        change(report, question, age),
    ]


def counts_table(report: GuardianSurveyReport, question: Question) -> Html:
    groups = [(age, report.result(question, age), shown) for age, shown in report.columns(question)]
    return answers_table(report.version, question, groups, "Svar per åldersgrupp (antal enkäter)", footnote=True)
