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
    # Answers counted and shown but outside `answered`, the denominator (Vet ej).
    outside_labels: tuple[str, ...] = ()

    @property
    def outside(self) -> int:
        return sum(self.counts.get(lbl, 0) for lbl in self.outside_labels)

    @property
    def not_answered(self) -> int:
        return self.population - self.answered - self.outside

    @property
    def share_of_answered(self) -> float | None:
        return self.headline / self.answered if self.answered else None

    @property
    def share_of_population(self) -> float | None:
        return self.headline / self.population if self.population else None

    @property
    def bounds(self) -> Bounds:
        # Those who answered outside the denominator are known not to be in it.
        return nonresponse_bounds(self.headline, self.answered, self.population - self.outside)


def answers_of(long: pd.DataFrame, period: str, qid: str) -> pd.Series:
    """The answers to question `qid` in `period` of those who answered it, indexed by respondent."""
    # Only the rows and two columns needed: a sample survey's long table has millions of rows.
    rows = (long["period"] == period) & (long["question"] == qid) & long["answer"].notna()
    return long.loc[rows, ["respondent", "answer"]].set_index("respondent")["answer"]


def option_sets(answers: pd.Series) -> pd.Series:
    """Multiple-choice cells ('A;B') → frozensets of options, indexed like the input."""
    return answers.map(lambda cell: frozenset(cell.split(";")))


def headline_flags(long: pd.DataFrame, version: Version, question: Question, period: str) -> pd.Series:
    """True where a respondent gave the headline answer; only those in the denominator."""
    return _headline(answers_of(long, period, question.id), version, question)


def _headline(answers: pd.Series, version: Version, question: Question) -> pd.Series:
    answers = answers[~answers.isin(version.scales[question.scale].outside_denominator)]
    labels = version.headline_labels(question)
    if question.type == "multiple":
        # `map` keeps an empty series' text dtype, whose sum is "" rather than 0: nobody answered.
        if question.headline == "all":
            return option_sets(answers).map(lambda s: s >= set(labels)).astype(bool)
        return option_sets(answers).map(lambda s: bool(s & set(labels))).astype(bool)
    return answers.isin(labels)


def asked(population: pd.DataFrame, period: str) -> int:
    """Persons asked in a period: a principal of two units has a population row per unit
    (the unit tables show the answer under both) but is one person in every total."""
    return int(population.loc[population["period"] == period, "respondent"].nunique())


def question_result(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str
) -> QuestionResult:
    answers = answers_of(long, period, question.id)
    labels = version.scales[question.scale].labels
    if question.type == "multiple":
        exploded = answers.str.split(";").explode()
        counts = exploded.value_counts()
    else:
        counts = answers.value_counts()
    flags = _headline(answers, version, question)
    return QuestionResult(
        question=question.id,
        period=period,
        population=asked(population, period),
        answered=int(flags.size),
        counts={lbl: int(counts.get(lbl, 0)) for lbl in labels},
        headline=int(flags.sum()),
        headline_labels=tuple(version.headline_labels(question)),
        outside_labels=tuple(version.scales[question.scale].outside_denominator),
    )


def all_results(long: pd.DataFrame, population: pd.DataFrame, version: Version, period: str) -> list[QuestionResult]:
    return [question_result(long, population, version, q, period) for q in version.closed_questions]


def counts_table(result: QuestionResult) -> pd.DataFrame:
    """Rows per answer plus 'Ej svar', with count and share of the population."""
    rows = [*result.counts.items(), (NOT_ANSWERED, result.not_answered)]
    table = pd.DataFrame(rows, columns=["Svar", "Antal"])
    table["Andel av alla"] = table["Antal"] / result.population if result.population else float("nan")
    outside = {NOT_ANSWERED, *result.outside_labels}
    table["Andel av dem som svarat"] = [
        n / result.answered if result.answered and label not in outside else float("nan") for label, n in rows
    ]
    return table


def trend(
    long: pd.DataFrame, population: pd.DataFrame, versions: dict[str, Version], periods: list[str], question: Question
) -> pd.DataFrame:
    """Headline count and shares of one question in every period that asked it."""
    rows = []
    for period in periods:
        version = versions[period]
        if question.id not in {q.id for q in version.closed_questions}:
            continue
        r = question_result(long, population, version, version.question(question.id), period)
        rows.append(
            {
                "period": period,
                "headline": r.headline,
                "answered": r.answered,
                "population": r.population,
                "share_of_answered": r.share_of_answered,
                "share_of_population": r.share_of_population,
            }
        )
    return pd.DataFrame(rows)


def breakdown(
    long: pd.DataFrame, population: pd.DataFrame, version: Version, question: Question, period: str, by: str
) -> pd.DataFrame:
    """Headline per group (e.g. skolform): group size, answered, headline; unsuppressed."""
    flags = headline_flags(long, version, question, period).rename("headline")
    pop = population[population["period"] == period].drop_duplicates(["respondent", by]).set_index("respondent")
    joined = pop[[by]].join(flags)
    out = joined.groupby(by, sort=True).agg(population=(by, "size"), answered=("headline", "count"), headline=("headline", "sum"))
    return out.astype(int).reset_index()


# --- grouped results for large sample surveys -----------------------------------------------


@dataclass(frozen=True)
class Grouped:
    """Every single-choice question of one version by group, computed in one pass.

    `summary` has the group keys (`question` and `by`) and `respondents` (rows in the long
    table), `answered` (answers in the denominator), `headline` and `outside`; `counts`
    has the keys, `answer` and `n` (observed combinations only).
    """

    summary: pd.DataFrame
    counts: pd.DataFrame
    by: tuple[str, ...]

    def result(self, version: Version, question: Question, period: str, **group: str) -> QuestionResult:
        """The `QuestionResult` of one group (`by` column → value); an empty one if absent."""
        keys = {"question": question.id, **group}
        if set(keys) != {"question", *self.by}:
            raise ValueError(f"ange en grupp för var och en av {self.by}, fick {sorted(group)}")
        row = self.summary.loc[_selected(self.summary, keys)]
        counts = self.counts.loc[_selected(self.counts, keys)].set_index("answer")["n"]
        return QuestionResult(
            question=question.id,
            period=period,
            population=int(row["respondents"].sum()),
            answered=int(row["answered"].sum()),
            counts={lbl: int(counts.get(lbl, 0)) for lbl in version.scales[question.scale].labels},
            headline=int(row["headline"].sum()),
            headline_labels=tuple(version.headline_labels(question)),
            outside_labels=tuple(version.scales[question.scale].outside_denominator),
        )


def _selected(frame: pd.DataFrame, keys: dict[str, str]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in keys.items():
        mask &= frame[col].astype("string").eq(str(value)).fillna(False)
    return mask


def grouped(long: pd.DataFrame, version: Version, by: list[str]) -> Grouped:
    """Counts, headline and denominator per single-choice question and group.

    Vectorised (two groupbys on categorical keys, then work on the small count table), so
    a 50 000-pupil export with every question is a fraction of a second. `long` holds one
    period; `by` are grouping columns in it (unit, year group, gender).
    """
    questions = [q for q in version.closed_questions if q.type == "single"]
    keys = ["question", *by]
    part = long[long["question"].isin([q.id for q in questions])]
    as_text = {"question": "string"}
    respondents = part.groupby(keys, observed=True).size().rename("respondents").reset_index().astype(as_text)
    counts = part.groupby([*keys, "answer"], observed=True).size().rename("n").reset_index()
    counts = counts[counts["n"] > 0].astype({**as_text, "answer": "string"})
    roles = pd.DataFrame(
        [
            (q.id, lbl, lbl in version.headline_labels(q), lbl in version.scales[q.scale].outside_denominator)
            for q in questions
            for lbl in version.scales[q.scale].labels
        ],
        columns=["question", "answer", "is_headline", "is_outside"],
    ).astype({**as_text, "answer": "string"})
    # An answer outside the codebook (only possible without the gate) counts as neither.
    flagged = counts.merge(roles, on=["question", "answer"], how="left").fillna({"is_headline": False, "is_outside": False})
    flagged = flagged.assign(
        answered=flagged["n"].where(~flagged["is_outside"].astype(bool), 0),
        headline=flagged["n"].where(flagged["is_headline"].astype(bool), 0),
        outside=flagged["n"].where(flagged["is_outside"].astype(bool), 0),
    )
    sums = flagged.groupby(keys, observed=True)[["answered", "headline", "outside"]].sum().reset_index()
    summary = respondents.merge(sums, on=keys, how="left").fillna({"answered": 0, "headline": 0, "outside": 0})
    summary = summary.astype({"answered": int, "headline": int, "outside": int})
    return Grouped(summary, flagged[[*keys, "answer", "n"]], tuple(by))
