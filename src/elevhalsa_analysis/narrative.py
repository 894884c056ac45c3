"""Swedish sentences built from indicators.

Every sentence states its denominator and who did not answer; a change is called a
change only when the test says it can be told from chance.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codebook import Question
from .formatting import fmt_p, fmt_pct, fmt_pct_range
from .indicators import QuestionResult
from .stats import TestResult

ALPHA = 0.05
NUMBER_WORDS = {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem"}


def count_phrase(r: QuestionResult) -> str:
    """'12 av 18' when everyone answered, else '6 av 12 som besvarat frågan'."""
    if r.answered == r.population:
        return f"{r.headline} av {r.population}"
    return f"{r.headline} av {r.answered} som besvarat frågan"


def headline_sentence(r: QuestionResult, question: Question, population_phrase: str) -> str:
    """The seed's sentence: '12 av 18 rektorer inom grundskolan (67 %) har tagit del av …'."""
    if r.answered == 0:
        return f"Ingen av de {r.population} {population_phrase} har besvarat frågan «{question.text}»."
    share = fmt_pct(r.share_of_answered)
    if r.answered == r.population:
        return f"{r.headline} av {r.population} {population_phrase} ({share}) {question.statement}."
    return (
        f"Av {r.population} {population_phrase} har {r.answered} besvarat frågan. "
        f"{r.headline} av {r.answered} som besvarat frågan ({share}) {question.statement}; "
        f"{r.not_answered} har inte svarat."
    )


def rest_sentence(r: QuestionResult) -> str:
    """How the answers outside the headline divide, so no one has to subtract."""
    rest = [(label, n) for label, n in r.counts.items() if label not in r.headline_labels and n]
    if not rest:
        return ""
    return "Övriga svar: " + ", ".join(f"{label} {n}" for label, n in rest) + "."


def bounds_sentence(r: QuestionResult, population_phrase: str) -> str:
    """Nonresponse bounds: what the share of everyone would be if none / all had said yes."""
    if r.answered == r.population:
        return ""
    b = r.bounds
    return (
        f"Räknat på alla {r.population} {population_phrase} ligger andelen inom {fmt_pct_range(b.low, b.high)} "
        f"({b.low_count} av {r.population} om ingen, {b.high_count} av {r.population} om alla som inte svarat hade svarat så)."
    )


@dataclass(frozen=True)
class Comparison:
    previous: QuestionResult
    previous_label: str
    test: TestResult | None


def comparison_sentence(current: QuestionResult, comp: Comparison, question: Question) -> str:
    """Both figures, and a conclusion only as strong as the test allows."""
    prev = comp.previous
    text = (
        f"{question.short}: {count_phrase(current)} ({fmt_pct(current.share_of_answered)}), "
        f"jämfört med {count_phrase(prev)} ({fmt_pct(prev.share_of_answered)}) {comp.previous_label}."
    )
    if comp.test is None:
        return text + " Ingen statistisk prövning kunde göras."
    p = fmt_p(comp.test.p_value)
    if comp.test.p_value < ALPHA and current.share_of_answered != prev.share_of_answered:
        direction = "ökning" if (current.share_of_answered or 0) > (prev.share_of_answered or 0) else "minskning"
        return text + f" Det är en statistiskt säkerställd {direction} ({comp.test.test}, p = {p})."
    return text + f" Förändringen kan inte skiljas från slumpen ({comp.test.test}, p = {p})."


def not_comparable_sentence(previous_label: str) -> str:
    return (
        f"Ingen jämförelse med {previous_label}: frågans formulering eller svarsalternativ har ändrats, "
        "så resultaten kan inte jämföras direkt."
    )


def competence_gap_sentence(gaps: list[tuple[str, str, list[str]]], singular: str) -> str:
    """Who lacks which competences, per unit (organisation, not a personal opinion)."""
    parts = []
    for unit, skolform, missing in gaps:
        k = len(missing)
        word = NUMBER_WORDS.get(k, str(k))
        what = "kompetens" if k == 1 else "kompetenser"
        parts.append(f"{singular.capitalize()}n vid {unit} ({skolform.lower()}) saknar {word} {what}: {', '.join(m.lower() for m in missing)}.")
    return " ".join(parts)
