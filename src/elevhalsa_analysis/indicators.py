"""Indicators: pure functions over the tidy long table.

The long table (`period`, `respondent`, `response_id`, `question`, `answer`) and the
population table (`period`, `respondent`, unit columns, `responded`) are the spine. The
principal survey is a census: shares are of the population, with nonresponse bounds,
never sampling intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .codebook import Question, Version
from .stats import Bounds, nonresponse_bounds

NOT_ANSWERED = "Ej svar"


@dataclass(frozen=True)
class QuestionResult:
    """One question in one period: counts per answer, headline, who answered and who not."""

    question: str
    period: str
    population: int
    answered: int
    counts: dict[str, int]  # label → respondents (multiple choice: respondents with the option)
    headline: int
    headline_labels: tuple[str, ...]

    @property
    def not_answered(self) -> int:
        return self.population - self.answered

    @property
    def share_of_answered(self) -> float | None:
        return self.headline / self.answered if self.answered else None

    @property
    def share_of_population(self) -> float | None:
        return self.headline / self.population if self.population else None

    @property
    def bounds(self) -> Bounds:
        return nonresponse_bounds(self.headline, self.answered, self.population)


def _answers(long: pd.DataFrame, period: str, qid: str) -> pd.Series:
    part = long[(long["period"] == period) & (long["question"] == qid)]
    return part.set_index("respondent")["answer"].dropna()


def option_sets(answers: pd.Series) -> pd.Series:
    """Multiple-choice cells ('A;B') → frozensets of options, indexed like the input."""
    return answers.map(lambda cell: frozenset(cell.split(";")))


def headline_flags(long: pd.DataFrame, version: Version, question: Question, period: str) -> pd.Series:
    """True where a respondent gave the headline answer; only those who answered."""
    answers = _answers(long, period, question.id)
    labels = version.headline_labels(question)
    if question.type == "multiple":
        if question.headline == "all":
            return option_sets(answers).map(lambda s: s >= set(labels))
        return option_sets(answers).map(lambda s: bool(s & set(labels)))
    return answers.isin(labels)


def question_result(long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str) -> QuestionResult:
    answers = _answers(long, period, question.id)
    labels = version.scales[question.scale].labels
    if question.type == "multiple":
        exploded = answers.str.split(";").explode()
        counts = exploded.value_counts()
    else:
        counts = answers.value_counts()
    flags = headline_flags(long, version, question, period)
    return QuestionResult(
        question=question.id,
        period=period,
        population=int((population["period"] == period).sum()),
        answered=int(answers.size),
        counts={lbl: int(counts.get(lbl, 0)) for lbl in labels},
        headline=int(flags.sum()),
        headline_labels=tuple(version.headline_labels(question)),
    )


def all_results(long: pd.DataFrame, population: pd.DataFrame, version: Version, period: str) -> list[QuestionResult]:
    return [question_result(long, population, version, q, period) for q in version.closed_questions]


def counts_table(result: QuestionResult) -> pd.DataFrame:
    """Rows per answer plus 'Ej svar', with count and share of the population."""
    rows = [*result.counts.items(), (NOT_ANSWERED, result.not_answered)]
    table = pd.DataFrame(rows, columns=["Svar", "Antal"])
    table["Andel av alla"] = table["Antal"] / result.population if result.population else float("nan")
    table["Andel av dem som svarat"] = [
        n / result.answered if result.answered and label != NOT_ANSWERED else float("nan") for label, n in rows
    ]
    return table


def competence_gaps(long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str) -> pd.DataFrame:
    """Units whose principal lacks at least one option: access is organisational, shown per unit."""
    labels = version.scales[question.scale].labels
    answers = option_sets(_answers(long, period, question.id))
    missing = answers.map(lambda s: [lbl for lbl in labels if lbl not in s])
    units = population[population["period"] == period].set_index("respondent")
    gaps = pd.DataFrame({"saknas": missing[missing.map(len) > 0]}).join(units[["skolenhetskod", "skolenhet", "skolform"]])
    return gaps.reset_index(drop=True).sort_values("skolenhetskod").reset_index(drop=True)


def competence_matrix(long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str) -> pd.DataFrame:
    """Unit × option access (1 = access, 0 = not, NaN = not answered), ordered by unit code."""
    labels = version.scales[question.scale].labels
    units = population[population["period"] == period].set_index("respondent")[["skolenhetskod", "skolenhet"]]
    answers = option_sets(_answers(long, period, question.id))
    matrix = pd.DataFrame({lbl: answers.map(lambda s, lbl=lbl: float(lbl in s)) for lbl in labels}, index=answers.index)
    table = units.join(matrix)
    return table.sort_values("skolenhetskod").set_index("skolenhet").drop(columns="skolenhetskod")


def trend(long: pd.DataFrame, population: pd.DataFrame, versions: dict[str, Version], periods: list[str], question: Question) -> pd.DataFrame:
    """Headline count and shares of one question in every period that asked it."""
    rows = []
    for period in periods:
        version = versions[period]
        if question.id not in {q.id for q in version.closed_questions}:
            continue
        r = question_result(long, population, version, version.question(question.id), period)
        rows.append({"period": period, "headline": r.headline, "answered": r.answered, "population": r.population,
                     "share_of_answered": r.share_of_answered, "share_of_population": r.share_of_population})
    return pd.DataFrame(rows)


def breakdown(long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str, by: str) -> pd.DataFrame:
    """Headline per group (e.g. skolform): group size, answered, headline; unsuppressed."""
    flags = headline_flags(long, version, question, period).rename("headline")
    pop = population[population["period"] == period].set_index("respondent")
    joined = pop[[by]].join(flags)
    out = joined.groupby(by, sort=True).agg(population=(by, "size"), answered=("headline", "count"), headline=("headline", "sum"))
    return out.astype(int).reset_index()
