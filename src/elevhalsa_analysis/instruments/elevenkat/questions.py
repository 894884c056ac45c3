"""One question of the student survey: the sentences per year group (count, estimate,
bounds, change, girls and boys), the answers per year group and the estimates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ... import narrative
from ...codebook import Question
from ...estimates import ASSUMPTION
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...markup import Html, render, table_html
from ...suppression import MIN_GROUP
from ...survey_sections import DASH, among_enrolled, answers_table
from .comparison import change, gender_gap
from .units import FUNNEL_WORDS

if TYPE_CHECKING:
    from .report import StudentSurveyReport


def question_section(report: StudentSurveyReport, question: Question) -> Html:
    return render(
        "survey_question.html.j2",
        __file__,
        question=question,
        groups=[(a, year_text(report, question, a)) for a in report.year_groups],
        parts=[
            counts_table(report, question),
            estimates_table(report, question),
            report.unit_funnels(question, report.year_groups, FUNNEL_WORDS),
        ],
    )


def year_text(report: StudentSurveyReport, question: Question, arskurs: str) -> list[str]:
    r = report.result(question, arskurs)
    phrase = report.phrase(arskurs)
    if r.answered < MIN_GROUP:
        return [narrative.sample_too_few_sentence(r, phrase, MIN_GROUP)]
    est = report.estimates(question)[arskurs]
    responses, enrolled = report.enrolment(arskurs)
    return [
        narrative.sample_headline_sentence(r, question, phrase),
        narrative.estimate_sentence(phrase, est.share, (est.low, est.high), responses, enrolled),
        narrative.sample_bounds_sentence(among_enrolled(r, enrolled), phrase),
        change(report, question, arskurs).sentence,
        gender_gap(report, question, arskurs),
    ]


def counts_table(report: StudentSurveyReport, question: Question) -> Html:
    groups = [(a, r, r.answered >= MIN_GROUP) for a in report.year_groups for r in [report.result(question, a)]]
    return answers_table(report.version, question, groups, "Svar per årskurs (antal elever)", footnote=False)


def estimates_table(report: StudentSurveyReport, question: Question) -> Html:
    rows = []
    for a in report.year_groups:
        r, est = report.result(question, a), report.estimates(question).get(a)
        responses, enrolled = report.enrolment(a)
        if est is None or r.answered < MIN_GROUP:
            rows.append(
                {
                    "Årskurs": a,
                    "Skattad andel": DASH,
                    "95 % konfidensintervall": DASH,
                    "Oviktad andel": DASH,
                    "Bortfallsgränser": DASH,
                    "Svarsfrekvens": fmt_pct(responses / enrolled if enrolled else None),
                }
            )
            continue
        b = among_enrolled(r, enrolled).bounds
        rows.append(
            {
                "Årskurs": a,
                "Skattad andel": fmt_pct(est.share),
                "95 % konfidensintervall": fmt_pct_range(est.low, est.high),
                "Oviktad andel": f"{fmt_pct(r.share_of_answered)} ({fmt_int(r.headline)} av {fmt_int(r.answered)})",
                "Bortfallsgränser": fmt_pct_range(b.low, b.high),
                "Svarsfrekvens": fmt_pct(responses / enrolled if enrolled else None),
            }
        )
    return table_html(
        pd.DataFrame(rows),
        "Skattning för alla elever i årskursen, viktad per skolenhet",
        numeric=[c for c in rows[0] if c != "Årskurs"] if rows else (),
        footnote=ASSUMPTION + " Oviktad andel: bland dem som svarat, utan vikter. Bortfallsgränser: "
        "andelen om ingen respektive alla som inte besvarat frågan hade svarat så.",
    )
