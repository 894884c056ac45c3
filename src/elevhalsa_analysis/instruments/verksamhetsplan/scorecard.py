"""The scorecard (målkort): every indicator beside its target and one assessment word, the
summary of what was reached and why, and the plan's measures (insatser) with their status.

The word carries a symbol that survives black-and-white printing, and a colour only
accompanies it. The sentences here are also the committee documents' text.
"""

from __future__ import annotations

import pandas as pd

from ...formatting import fmt_decimal, fmt_int, fmt_pct, fmt_pct_range
from ...instrument import IndicatorValue
from ...markup import Html, render
from ...sections_units import SMALL
from . import measures as m
from .plan import (
    ACHIEVED,
    CANNOT_JUDGE,
    NO_STATUS,
    NOT_ACHIEVED,
    WITHIN_MARGIN,
    Assessment,
    IndicatorSpec,
    Plan,
    suppressed,
)

# Assessment and status words in a sentence, singular and plural.
COUNT_WORDS = {
    ACHIEVED: ("uppnådd", "uppnådda"),
    NOT_ACHIEVED: ("inte uppnådd", "inte uppnådda"),
    WITHIN_MARGIN: ("inom felmarginalen", "inom felmarginalen"),
    CANNOT_JUDGE: ("kan inte bedömas", "kan inte bedömas"),
}
STATUS_WORDS = {
    "Genomförd": ("genomförd", "genomförda"),
    "Påbörjad": ("påbörjad", "påbörjade"),
    "Ej påbörjad": ("ej påbörjad", "ej påbörjade"),
    "Avbruten": ("avbruten", "avbrutna"),
    NO_STATUS: ("utan uppgift", "utan uppgift"),
}
SUMMARY_HEADINGS = {
    ACHIEVED: "Uppnått",
    NOT_ACHIEVED: "Inte uppnått",
    WITHIN_MARGIN: "Inom felmarginalen",
    CANNOT_JUDGE: "Kan inte bedömas – och varför",
}


def _number(value: float, unit: str) -> str:
    if unit == m.PERCENT:
        return fmt_pct(value / 100, 1)
    return f"{fmt_decimal(value, 1)} {unit}".strip()


def value_text(v: IndicatorValue | None) -> str:
    """The value with its denominator: '11,0 % (954 av 8 690)'."""
    if v is None:
        return "–"
    if v.value is None:
        return "uppgift saknas"
    text = _number(v.value, v.unit)
    if v.unit == m.PER_100 and v.denominator:
        text += f" ({fmt_int(v.numerator)} anmälningar, {fmt_int(v.denominator)} elever)"
    elif v.unit == m.DAYS and v.denominator:
        text += f" (median av {fmt_int(v.denominator)} ärenden)"
    elif v.interval and v.denominator:
        # A weighted estimate: the counts are the answers behind it, not its fraction.
        text += (
            f" (skattning; {fmt_int(v.numerator)} av {fmt_int(v.denominator)} som svarat), "
            f"95 % KI {fmt_pct_range(v.interval[0] / 100, v.interval[1] / 100)}"
        )
    elif v.numerator is not None and v.denominator:
        text += f" ({fmt_int(v.numerator)} av {fmt_int(v.denominator)})"
    return text


def shown_value(spec: IndicatorSpec, v: IndicatorValue | None) -> str:
    if v is not None and suppressed(spec, v):
        return f"{SMALL} anmälningar (visas inte)"
    return value_text(v)


def target_text(spec: IndicatorSpec) -> str:
    if spec.malvarde is None:
        return "inget målvärde" if spec.riktning != "ingen" else "inget mål (ingen önskad riktning)"
    word = "minst" if spec.riktning == "hogre" else "högst"
    return f"{word} {_number(spec.malvarde, m.get(m.key(spec.kalla, spec.matt)).unit)}"


def assessment_text(a: Assessment) -> str:
    return f"{a.symbol} {a.word}" + (f": {a.reason}" if a.reason else "")


def status_sentence(statuses: list[str]) -> str:
    """'6 av 10 insatser är genomförda, 3 påbörjade, 1 ej påbörjad'."""
    total = len(statuses)
    count = {s: statuses.count(s) for s in STATUS_WORDS}
    done = count["Genomförd"]
    parts = [f"{done} av {total} insatser är {STATUS_WORDS['Genomförd'][done != 1]}"]
    parts += [f"{n} {STATUS_WORDS[s][n != 1]}" for s, n in count.items() if s != "Genomförd" and n]
    return ", ".join(parts)


def summary_parts(
    plan: Plan, current: dict[str, IndicatorValue], assessments: dict[str, Assessment], statuses: list[str]
) -> tuple[str, dict[str, list[str]]]:
    """The opening sentence and, per assessment word, one line per indicator."""
    by_word: dict[str, list[str]] = {ACHIEVED: [], NOT_ACHIEVED: [], WITHIN_MARGIN: [], CANNOT_JUDGE: []}
    for spec in plan.indikatorer:
        a = assessments[spec.id]
        if a.word == CANNOT_JUDGE:
            by_word[a.word].append(f"{spec.namn}: {a.reason}.")
        else:
            by_word[a.word].append(f"{spec.namn}: {shown_value(spec, current[spec.id])}, mål {target_text(spec)}.")
    counts = [f"{len(items)} {COUNT_WORDS[word][len(items) != 1]}" for word, items in by_word.items() if items]
    return f"Av planens {len(plan.indikatorer)} indikatorer: {', '.join(counts)}. {status_sentence(statuses)}.", by_word


def summary_html(opening: str, by_word: dict[str, list[str]]) -> Html:
    """What was reached, what was not and what cannot be judged, and why."""
    groups = [(Assessment(word).symbol, SUMMARY_HEADINGS[word], items) for word, items in by_word.items() if items]
    return render("summary.html.j2", __file__, opening=opening, groups=groups)


def scorecard_html(
    plan: Plan,
    current: dict[str, IndicatorValue],
    previous: dict[str, IndicatorValue],
    assessments: dict[str, Assessment],
    label: str | None,
    previous_label: str | None,
) -> Html:
    """Every indicator: value, previous period's, baseline, target and assessment."""
    rows = [
        {
            "Indikator": spec.namn,
            "Värde": shown_value(spec, current[spec.id]),
            "Föregående period": (f"{shown_value(spec, previous[spec.id])} ({previous_label})" if spec.id in previous else "–"),
            "Utgångsläge": (
                f"{_number(spec.utgangslage.varde, m.get(m.key(spec.kalla, spec.matt)).unit)} ({spec.utgangslage.ar})"
                if spec.utgangslage
                else "–"
            ),
            "Målvärde": target_text(spec),
            "Bedömning": assessment_text(assessments[spec.id]),
        }
        for spec in plan.indikatorer
    ]
    return render(
        "scorecard.html.j2",
        __file__,
        rows=pd.DataFrame(rows),
        label=label,
        has_previous=previous_label is not None,
        classes={"Bedömning": [assessments[s.id].css for s in plan.indikatorer]},
    )


def insatser_html(plan: Plan, statuses: pd.DataFrame, assessments: dict[str, Assessment]) -> Html:
    """The plan's measures, their status and the indicators they aim at, with the assessments."""
    pointers = {ins.id: ins.indikatorer for ins in plan.insatser}
    rows = pd.DataFrame(
        {
            "Insats": statuses["text"],
            "Status": statuses["status"],
            "Ansvarig": statuses["ansvarig"],
            "Kommentar": statuses["kommentar"],
            "Indikatorer och bedömning": [
                "; ".join(f"{plan.indicator(i).namn}: {assessments[i].symbol} {assessments[i].word}" for i in pointers[iid])
                or "–"
                for iid in statuses["id"]
            ],
        }
    )
    commented = any(statuses["kommentar"])
    return render(
        "insatser.html.j2",
        __file__,
        sentence=status_sentence(statuses["status"].tolist()),
        commented=commented,
        rows=rows if commented else rows.drop(columns="Kommentar"),
    )
