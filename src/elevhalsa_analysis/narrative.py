"""Swedish sentences built from indicators.

Every sentence states its denominator and who did not answer; a change is called a
change only when the test says it can be told from chance.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codebook import Question
from .formatting import MINUS, fmt_decimal, fmt_int, fmt_p, fmt_pct, fmt_pct_range
from .indicators import QuestionResult
from .stats import TestResult

ALPHA = 0.05


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


def not_comparable_sentence(previous_label: str, reason: str | None = None) -> str:
    """Why a comparison is missing; `reason` (from `Codebook.incomparability`) says what changed."""
    return (
        f"Ingen jämförelse med {previous_label}: {reason or 'frågans formulering eller svarsalternativ har ändrats'}, "
        "så resultaten kan inte jämföras direkt."
    )


# --- sample surveys (the student survey) ------------------------------------------------------


def sample_headline_sentence(r: QuestionResult, question: Question, group_phrase: str) -> str:
    """'412 av 520 elever i åk 8 som besvarat frågan (79 %) känner sig trygga i skolan;
    23 svarade Vet ej.' Answers outside the denominator are always counted."""
    if r.answered == 0:
        return f"Ingen av de {fmt_int(r.population)} {group_phrase} som svarat på enkäten har besvarat frågan med ett svar som räknas."
    tail = _outside_phrase(r)
    return (
        f"{fmt_int(r.headline)} av {fmt_int(r.answered)} {group_phrase} som besvarat frågan "
        f"({fmt_pct(r.share_of_answered)}) {question.statement}{f'; {tail}' if tail else ''}."
    )


def _outside_phrase(r: QuestionResult) -> str:
    """'23 svarade Vet ej och 2 lämnade frågan obesvarad': those outside the denominator."""
    apart = [f"{fmt_int(r.counts.get(lbl, 0)) if r.counts.get(lbl, 0) else 'ingen'} svarade {lbl}" for lbl in r.outside_labels]
    if r.not_answered:
        apart.append(f"{fmt_int(r.not_answered)} lämnade frågan obesvarad")
    return " och ".join(apart)


def sample_too_few_sentence(r: QuestionResult, group_phrase: str, min_group: int) -> str:
    """Why a year group's share is not shown, with everyone it leaves out counted: a group
    where all answered Vet ej must say so, not only that too few answered."""
    if r.population == 0:
        return f"Inga {group_phrase} har svarat på enkäten; resultatet visas inte."
    counted = f"{fmt_int(r.answered)} av {fmt_int(r.population)} som svarat på enkäten"
    tail = _outside_phrase(r)
    return (
        f"Färre än {min_group} {group_phrase} har besvarat frågan med ett svar som räknas i andelen ({counted})"
        f"{f'; {tail}' if tail else ''}. Resultatet visas inte."
    )


def estimate_sentence(group_phrase: str, share: float, interval: tuple[float, float], responses: int, enrolled: int) -> str:
    """'Skattat för alla elever i åk 8: 78 % (75–81 %). Svarsfrekvens 64 % (543 av 850).'"""
    rate = fmt_pct(responses / enrolled if enrolled else None)
    return (
        f"Skattat för alla {group_phrase}: {fmt_pct(share)} ({fmt_pct_range(*interval)}). "
        f"Svarsfrekvens {rate} ({fmt_int(responses)} av {fmt_int(enrolled)})."
    )


def sample_bounds_sentence(r: QuestionResult, group_phrase: str) -> str:
    """The nonresponse bounds: the share if none / all of those without an answer had given it."""
    missing = r.bounds.population - r.answered
    if not missing:
        return ""
    return (
        f"Om ingen respektive alla av de {fmt_int(missing)} {group_phrase} som inte besvarat frågan hade svarat så, "
        f"vore andelen {fmt_pct_range(r.bounds.low, r.bounds.high)} (bortfallsgränser)."
    )


def points(share_difference: float) -> str:
    """A difference of shares in whole percentage points: 0.064 → '6'."""
    return fmt_decimal(100 * share_difference, 0)


def points_phrase(share_difference: float) -> str:
    """'1 procentenhet', '6 procentenheter'."""
    shown = points(share_difference)
    return f"{shown} procentenhet" if shown.lstrip(MINUS) == "1" else f"{shown} procentenheter"


def gap_sentence(first: tuple[str, int, int], second: tuple[str, int, int], interval: tuple[float, float]) -> str:
    """Two groups (name, headline, answered) and the difference first − second with its
    interval; "statistiskt säkerställd" only when the interval excludes 0."""
    (a, xa, na), (b, xb, nb) = first, second
    difference, (low, high) = xa / na - xb / nb, interval
    text = (
        f"{a.capitalize()} {fmt_pct(xa / na)} ({fmt_int(xa)} av {fmt_int(na)}), {b} {fmt_pct(xb / nb)} "
        f"({fmt_int(xb)} av {fmt_int(nb)}): skillnaden är {points_phrase(difference)} ({points(low)} till {points(high)})"
    )
    if low > 0 or high < 0:
        return text + " och statistiskt säkerställd."
    return text + "; intervallet innehåller noll, så skillnaden kan inte skiljas från slumpen."


def change_sentence(previous_label: str, previous: float, difference: float, interval: tuple[float, float]) -> str:
    """Against the previous survey: its estimate, the difference with its interval, and a
    conclusion only when the interval excludes zero."""
    low, high = interval
    text = (
        f"Jämfört med {previous_label} ({fmt_pct(previous)}) är förändringen "
        f"{points_phrase(difference)} ({points(low)} till {points(high)})."
    )
    if low > 0 or high < 0:
        return text + f" Det är en statistiskt säkerställd {'ökning' if difference > 0 else 'minskning'}."
    return text + " Intervallet innehåller noll, så förändringen kan inte skiljas från slumpen."
