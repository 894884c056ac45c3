"""One question of the student survey: the sentences per year group (count, estimate,
bounds, change, girls and boys), the answers per year group and the estimates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ... import indicators as ind
from ... import narrative
from ...codebook import Question
from ...estimates import ASSUMPTION
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...markup import Html, render, table_html
from ...suppression import FOOTNOTE, MIN_GROUP
from ...survey_sections import DASH
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
        narrative.sample_bounds_sentence(bounds_result(r, enrolled), phrase),
        change(report, question, arskurs).sentence,
        gender_gap(report, question, arskurs),
    ]


def bounds_result(r: ind.QuestionResult, enrolled: int) -> ind.QuestionResult:
    # Bounds count everyone enrolled, also those who never opened the survey.
    return ind.QuestionResult(
        r.question, r.period, enrolled, r.answered, r.counts, r.headline, r.headline_labels, r.outside_labels
    )


def counts_table(report: StudentSurveyReport, question: Question) -> Html:
    columns, hidden_any = {}, False
    for a in report.year_groups:
        r = report.result(question, a)
        table = ind.counts_table(r)
        if "Svar" not in columns:
            columns["Svar"] = list(table["Svar"])
        if r.answered < MIN_GROUP:
            hidden_any = True
            columns[f"{a} antal"] = columns[f"{a} andel"] = [DASH] * len(table)
            continue
        columns[f"{a} antal"] = [fmt_int(int(n)) for n in table["Antal"]]
        columns[f"{a} andel"] = [fmt_pct(v, 1) if v == v else DASH for v in table["Andel av dem som svarat"]]
    numeric = [c for c in columns if c != "Svar"]
    outside = ", ".join(report.version.scales[question.scale].outside_denominator)
    note = (
        f"Andel = andel av dem som besvarat frågan med ett svar som räknas; {outside} och ej svar räknas och visas "
        "men ingår inte i andelen." + (f" {FOOTNOTE}" if hidden_any else "")
    )
    return table_html(pd.DataFrame(columns), "Svar per årskurs (antal elever)", numeric=numeric, footnote=note)


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
        b = bounds_result(r, enrolled).bounds
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
