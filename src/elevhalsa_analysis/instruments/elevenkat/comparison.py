"""What the student-survey report compares: each question with the previous survey (and
the summary built from those comparisons), and girls with boys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ... import narrative
from ...codebook import Question
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...stats import diff_interval_independent, mover_difference
from ...suppression import MIN_GROUP, suppress_shares
from ...survey_sections import DASH, TOO_FEW
from .loading import year_group_phrase

if TYPE_CHECKING:
    from .report import StudentSurveyReport

GIRLS, BOYS = "Flicka", "Pojke"


@dataclass(frozen=True)
class Change:
    """What a report says about the previous survey for one question and year group."""

    sentence: str
    secured: bool = False
    comparable: bool = True


def change(report: StudentSurveyReport, question: Question, arskurs: str) -> Change:
    """The comparison with the previous survey, or why there is none."""
    prev = report.previous
    if prev is None:
        return Change("")
    label = report.label_of(prev)
    reason = report.codebook.incomparability(report.version_of(prev), report.version, question.id)
    if reason:
        return Change(narrative.not_comparable_sentence(label, reason), comparable=False)
    # Without the finite-population correction: two cohorts, not the same pupils (estimates.py).
    now, before = report.estimates(question, fpc=False).get(arskurs), report.estimates(question, prev, fpc=False).get(arskurs)
    r_now, r_before = report.result(question, arskurs), report.result(question, arskurs, prev)
    if now is None or before is None or min(r_now.answered, r_before.answered) < MIN_GROUP:
        return Change(f"Ingen jämförelse med {label}: för få svar i {year_group_phrase(arskurs)} ett av åren.")
    diff, low, high = mover_difference(before.share, (before.low, before.high), now.share, (now.low, now.high))
    return Change(narrative.change_sentence(label, before.share, diff, (low, high)), secured=low > 0 or high < 0)


def summary_rows(report: StudentSurveyReport) -> tuple[list[dict], list[str], list[str], dict]:
    """The summary table's rows, the secured changes, the questions not compared, and
    the answers outside the denominators."""
    rows, secured, not_comparable, outside = [], [], [], {}
    enrolled = {a: report.enrolment(a)[1] for a in report.year_groups}
    for q in report.questions_closed:
        row = {"Fråga": q.short}
        for a in report.year_groups:
            est, r = report.estimates(q).get(a), report.result(q, a)
            outside.update(dict.fromkeys(r.outside_labels))
            # Every figure with its denominator: who answered this question, of all pupils asked.
            answered = f"{fmt_int(r.answered)} av {fmt_int(enrolled[a])}"
            row[a] = (
                f"{DASH}; {answered}"
                if est is None or r.answered < MIN_GROUP
                else f"{fmt_pct(est.share)} ({fmt_pct_range(est.low, est.high)}); {answered}"
            )
            found = change(report, q, a)
            if found.secured:
                secured.append(f"{q.short}, {year_group_phrase(a)}: {found.sentence}")
            elif not found.comparable:
                not_comparable.append(q.short)
        rows.append(row)
    return rows, secured, not_comparable, outside


def not_compared(report: StudentSurveyReport) -> list[tuple[str, str]]:
    """The questions not compared with the previous survey, with the reason."""
    prev = report.previous
    if prev is None:
        return []
    reasons = {
        q.short: report.codebook.incomparability(report.version_of(prev), report.version, q.id) for q in report.questions_closed
    }
    return [(short, reason) for short, reason in reasons.items() if reason]


def gender_gap(report: StudentSurveyReport, question: Question, arskurs: str) -> str:
    shown, rows = _gender(report, question, arskurs)
    if not any(n for _, n in rows.values()):
        # Kön may not be asked in a year group at all (åk 5): then there is nothing to split.
        return (
            f"Flickor och pojkar jämförs inte: ingen som besvarat frågan i {year_group_phrase(arskurs)} "
            "har angett kön som flicka eller pojke."
        )
    if not all(shown.get(g) and rows[g][1] for g in (GIRLS, BOYS)):
        return f"Flickor och pojkar jämförs inte: en av grupperna har {TOO_FEW} eller måste döljas."
    (xa, na), (xb, nb) = rows[GIRLS], rows[BOYS]
    _, low, high = diff_interval_independent(xb, nb, xa, na)
    return narrative.gap_sentence(("flickor", xa, na), ("pojkar", xb, nb), (low, high))


def _gender(report: StudentSurveyReport, question: Question, arskurs: str) -> tuple[dict[str, bool], dict[str, tuple[int, int]]]:
    """Girls and boys (headline, answered) and whether each may be shown."""
    table = report.grouped(report.period, "arskurs", "kon").summary
    part = table[(table["question"] == question.id) & (table["arskurs"].astype(str) == arskurs)]
    rows = {
        g: (
            int(part.loc[part["kon"].astype(str) == g, "headline"].sum()),
            int(part.loc[part["kon"].astype(str) == g, "answered"].sum()),
        )
        for g in report.codebook.groups["kon"].shown_labels
    }
    total = report.result(question, arskurs)
    hidden = suppress_shares(
        {g: n for g, (_, n) in rows.items()}, {g: x for g, (x, _) in rows.items()}, total.answered, total.headline
    )
    return {g: not h for g, h in hidden.items()}, rows
