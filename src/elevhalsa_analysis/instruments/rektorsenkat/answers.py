"""A single-choice question's answers below its sentences: the counts, their bars and the
headline per school form."""

from __future__ import annotations

import pandas as pd

from ... import indicators as ind
from ... import plots
from ...codebook import Question, Version
from ...formatting import fmt_int, fmt_pct
from ...markup import Html, render
from ...suppression import FOOTNOTE, suppress


def answers_detail(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, r: ind.QuestionResult
) -> Html:
    """The counts of every answer with their shares, the bars, and the split by school form."""
    table = ind.counts_table(r)
    shown = pd.DataFrame(
        {
            "Svar": table["Svar"],
            "Antal": table["Antal"].map(fmt_int),
            "Andel av alla": table["Andel av alla"].map(lambda v: fmt_pct(v, 1)),
            "Andel av dem som svarat": table["Andel av dem som svarat"].map(lambda v: fmt_pct(v, 1) if v == v else "–"),
        }
    )
    png, alt = plots.answer_bars([r], {question.id: question.short})
    return render(
        "answers.html.j2",
        __file__,
        counts=shown,
        population=r.population,
        answered=r.answered,
        figure=plots.figure_html(png, alt, f"{question.short}: fördelning av svaren bland alla {r.population} tillfrågade."),
        by_skolform=skolform_table(long, population, version, question, r),
    )


def skolform_table(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, r: ind.QuestionResult
) -> Html:
    """The headline per school form and in all; nothing with a single school form, and a note
    instead of the table when every form has too few answers to be shown."""
    table = ind.breakdown(long, population, version, question, r.period, "skolform")
    if len(table) < 2:
        return Html("")
    shown = suppress(dict(zip(table["skolform"], table["answered"])), r.answered)
    rows = []
    for t in table.itertuples():
        hidden = shown[t.skolform] is None
        rows.append(
            {
                "Skolform": t.skolform,
                "Tillfrågade": fmt_int(t.population),
                "Svarade": "–" if hidden else fmt_int(t.answered),
                "Huvudsvar": "–" if hidden else f"{t.headline} av {t.answered}",
                "Andel": "–" if hidden else fmt_pct(t.headline / t.answered if t.answered else None, 1),
            }
        )
    # A principal of units in two school forms is in both rows and once in the total.
    rows.append(
        {
            "Skolform": "Totalt",
            "Tillfrågade": fmt_int(r.population),
            "Svarade": fmt_int(r.answered),
            "Huvudsvar": f"{r.headline} av {r.answered}",
            "Andel": fmt_pct(r.share_of_answered, 1),
        }
    )
    hidden_forms = [v is None for v in shown.values()]
    return render(
        "skolform.html.j2",
        __file__,
        rows=pd.DataFrame(rows),
        all_hidden=all(hidden_forms),
        footnote=FOOTNOTE if any(hidden_forms) else None,
    )
