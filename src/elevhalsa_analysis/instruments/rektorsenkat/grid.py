"""The competence grid: which of elevhälsa's competences each unit's principal has access to.

Access is a fact of the unit's organisation, not a person's opinion, so unlike every other
answer of the survey it is shown per unit: as a sentence naming who lacks what, a grid of
units × competences, and in the unit profiles.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ... import indicators as ind
from ... import plots
from ...codebook import Question, Version
from ...formatting import fmt_int, fmt_pct
from ...markup import Html, render

NUMBER_WORDS = {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem"}


def competence_gaps(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str
) -> pd.DataFrame:
    """Units whose principal lacks at least one option: access is organisational, shown per unit."""
    labels = version.scales[question.scale].labels
    answers = ind.option_sets(ind.answers_of(long, period, question.id))
    missing = answers.map(lambda s: [lbl for lbl in labels if lbl not in s])
    units = population[population["period"] == period].set_index("respondent")
    gaps = pd.DataFrame({"saknas": missing[missing.map(len) > 0]}).join(units[["skolenhetskod", "skolenhet", "skolform"]])
    return gaps.reset_index(drop=True).sort_values("skolenhetskod").reset_index(drop=True)


def competence_matrix(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str
) -> pd.DataFrame:
    """Unit × option access (1 = access, 0 = not, NaN = not answered), ordered by unit code."""
    labels = version.scales[question.scale].labels
    units = population[population["period"] == period].set_index("respondent")[["skolenhetskod", "skolenhet"]]
    answers = ind.option_sets(ind.answers_of(long, period, question.id))
    matrix = pd.DataFrame(
        {lbl: answers.map(lambda s, lbl=lbl: float(lbl in s)).astype(float) for lbl in labels}, index=answers.index
    )
    table = units.join(matrix)
    return table.sort_values("skolenhetskod").set_index("skolenhet").drop(columns="skolenhetskod")


def competence_gap_sentence(gaps: pd.DataFrame, singular: str) -> str:
    """Who lacks which competences, per unit (`competence_gaps`); empty when nobody lacks any."""
    parts = []
    for g in gaps.itertuples():
        k = len(g.saknas)
        word = NUMBER_WORDS.get(k, str(k))
        what = "kompetens" if k == 1 else "kompetenser"
        parts.append(
            f"{singular.capitalize()}n vid {g.skolenhet} ({g.skolform.lower()}) saknar {word} {what}: "
            f"{', '.join(m.lower() for m in g.saknas)}."
        )
    return " ".join(parts)


def competence_heatmap(matrix: pd.DataFrame) -> tuple[bytes, str]:
    """Unit × competence access; organisational facts, so every unit is shown."""
    fig, ax = plt.subplots(figsize=(9.5, 0.32 * len(matrix) + 1.8))
    sns.heatmap(
        matrix,
        cmap=sns.color_palette(["#D55E00", "#0072B2"], as_cmap=True),
        vmin=0,
        vmax=1,
        cbar=False,
        linewidths=0.5,
        linecolor="white",
        ax=ax,
        annot=matrix.map(lambda v: "Ja" if v == 1 else ("Nej" if v == 0 else "–")),
        fmt="",
        annot_kws={"fontsize": 8, "color": "white"},
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.tick_top()
    plt.setp(ax.get_xticklabels(), rotation=20, ha="left")
    fig.tight_layout()
    lacking = int((matrix == 0).any(axis=1).sum())
    alt = (
        f"Rutnät över tillgång till elevhälsans kompetenser vid {len(matrix)} skolenheter; "
        f"{len(matrix) - lacking} har tillgång till alla, {lacking} saknar minst en."
    )
    return plots.to_png(fig), alt


def competence_detail(
    long: pd.DataFrame,
    population: pd.DataFrame,
    version: Version,
    question: Question,
    r: ind.QuestionResult,
    singular: str,
) -> Html:
    """A competence question's section below its sentences: who lacks what, access per
    competence, and the grid of units."""
    if not r.answered:
        return Html("")  # the headline sentence says that nobody answered; an empty grid would say nothing more
    per_option = pd.DataFrame(
        {
            "Kompetens": list(r.counts),
            "Har tillgång": [fmt_int(n) for n in r.counts.values()],
            "Andel av dem som svarat": [fmt_pct(n / r.answered, 1) for n in r.counts.values()],
        }
    )
    png, alt = competence_heatmap(competence_matrix(long, population, version, question, r.period))
    return render(
        "grid.html.j2",
        __file__,
        sentence=competence_gap_sentence(competence_gaps(long, population, version, question, r.period), singular),
        per_option=per_option,
        answered=r.answered,
        figure=plots.figure_html(
            png,
            alt,
            "Tillgång till elevhälsans kompetenser per skolenhet. Uppgiften gäller skolenhetens "
            "organisation, inte en persons åsikt, och visas därför för varje enhet.",
        ),
    )
