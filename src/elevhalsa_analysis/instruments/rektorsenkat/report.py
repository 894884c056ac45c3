"""The report's sections, built from the processed tables of one period.

The notebook calls one method per section; all logic lives here so it is tested and
shared. Each section is a template in `templates/`, which escapes everything a user
supplied (free text, unit names, labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from ... import indicators as ind
from ... import narrative, plots
from ...codebook import Question
from ...formatting import fmt_p, fmt_pct
from ...markup import Html, quality_html, render
from ...stats import compare_periods
from ...survey import CodebookReport
from . import answers, grid


@dataclass
class SurveyReport(CodebookReport):
    """The principal-survey report for one period, read from its processed folder."""

    population: pd.DataFrame
    excluded: pd.DataFrame
    TABLES: ClassVar[dict[str, str]] = {"long": "svar", "population": "population", "excluded": "uteslutna"}

    # -- facts -----------------------------------------------------------------------------

    def results(self, period: str | None = None) -> list[ind.QuestionResult]:
        period = period or self.period
        return ind.all_results(self.long, self.population, self.version_of(period), period)

    def comparison(self, question: Question, current: ind.QuestionResult) -> narrative.Comparison | None:
        prev = self.previous
        if prev is None or not self.codebook.comparable(self.version_of(prev), self.version, question.id):
            return None
        prev_version = self.version_of(prev)
        prev_q = prev_version.question(question.id)
        prev_result = ind.question_result(self.long, self.population, prev_version, prev_q, prev)
        test = None
        if prev_result.answered and current.answered:
            test = compare_periods(
                ind.headline_flags(self.long, prev_version, prev_q, prev),
                ind.headline_flags(self.long, self.version, question, self.period),
            )
        return narrative.Comparison(prev_result, self.label_of(prev), test)

    # -- sections --------------------------------------------------------------------------

    def secured_change(self, question: Question, current: ind.QuestionResult) -> narrative.Comparison | None:
        """The comparison with the previous period when its change is statistically secured."""
        comp = self.comparison(question, current)
        if (
            comp
            and comp.test
            and comp.test.p_value < narrative.ALPHA
            and current.share_of_answered != comp.previous.share_of_answered
        ):
            return comp
        return None

    def response_sentence(self) -> str:
        people = self.population[self.population["period"] == self.period].drop_duplicates("respondent")
        n, responded = len(people), int(people["responded"].sum())
        missing = f"{n - responded} svarade inte." if n - responded else "Alla svarade."
        return (
            f"Enkäten gick till {n} {self.population_phrase}; {responded} av {n} "
            f"({fmt_pct(responded / n if n else None)}) svarade. {missing}"
        )

    def title(self) -> Html:
        return render("title.html.j2", __file__, heading=self.heading(), response=self.response_sentence())

    def findings(self, limit: int = 5) -> list[str]:
        """The most important findings by rule: secured changes first, then the largest
        shares of not-headline among questions where a higher headline is better."""
        scored: list[tuple[int, float, str]] = []
        for q, r in zip(self.version.closed_questions, self.results()):
            comp = self.secured_change(q, r)
            if comp:
                change = abs((r.share_of_answered or 0) - (comp.previous.share_of_answered or 0))
                scored.append((0, -change, narrative.comparison_sentence(r, comp, q)))
            elif q.better == "higher" and r.answered:
                scored.append((1, -(1 - (r.share_of_answered or 0)), narrative.headline_sentence(r, q, self.population_phrase)))
        return [sentence for *_, sentence in sorted(scored, key=lambda s: (s[0], s[1]))][:limit]

    def summary(self) -> Html:
        return render("summary.html.j2", __file__, findings=self.findings())

    def overview_figure(self) -> tuple[bytes, str, str]:
        """The answers to every single-choice question: PNG, alt text and caption."""
        results = [r for r in self.results() if self.version.question(r.question).type == "single"]
        png, alt = plots.answer_bars(results, {q.id: q.short for q in self.version.closed_questions})
        return (
            png,
            alt,
            (
                f"Svaren på frågorna, i procent av alla {ind.asked(self.population, self.period)} "
                "tillfrågade. Grå stapel: har inte svarat."
            ),
        )

    def overview(self) -> Html:
        return render("overview.html.j2", __file__, figure=plots.figure_html(*self.overview_figure()))

    def question_section(self, question: Question) -> Html:
        r = ind.question_result(self.long, self.population, self.version, question, self.period)
        text = [
            narrative.headline_sentence(r, question, self.population_phrase),
            narrative.rest_sentence(r),
            narrative.bounds_sentence(r, self.population_phrase),
        ]
        comp = self.comparison(question, r)
        prev = self.previous
        if comp is not None:
            text.append(narrative.comparison_sentence(r, comp, question))
        elif prev is not None:
            text.append(
                narrative.not_comparable_sentence(
                    self.label_of(prev), self.codebook.incomparability(self.version_of(prev), self.version, question.id)
                )
            )
        if question.type == "multiple":
            detail = grid.competence_detail(
                self.long, self.population, self.version, question, r, self.codebook.respondent_singular
            )
        else:
            detail = answers.answers_detail(self.long, self.population, self.version, question, r)
        test = None
        if comp is not None and comp.test is not None:
            test = pd.DataFrame(
                [
                    {
                        "Jämförelse": f"{comp.previous_label} → {self.meta['label']}",
                        "Test": comp.test.test,
                        "Underlag": comp.test.detail,
                        "p-värde": fmt_p(comp.test.p_value),
                    }
                ]
            )
        return render("question.html.j2", __file__, question=question, sentences=text, detail=detail, test=test)

    def questions(self) -> Html:
        return render("questions.html.j2", __file__, sections=[self.question_section(q) for q in self.version.closed_questions])

    def trend(self) -> Html:
        # Every period in the data folder, later ones too, so a rerun shows the whole series.
        order = list(self.periods["period"])
        rows = []
        for q in self.version.closed_questions:
            for p in order:
                v = self.version_of(p)
                if q.id in {x.id for x in v.closed_questions} and self.codebook.comparable(v, self.version, q.id):
                    r = ind.question_result(self.long, self.population, v, v.question(q.id), p)
                    if r.answered:
                        rows.append(
                            {
                                "question": q.id,
                                "label": self.label_of(p),
                                "share": r.share_of_answered,
                                "count": f"{r.headline} av {r.answered}",
                            }
                        )
        if len(order) < 2 or not rows:
            return render("trend.html.j2", __file__, wide=None, figure=None, numeric=[])
        table = pd.DataFrame(rows)
        titles = {q.id: q.short for q in self.version.closed_questions}
        png, alt = plots.trend_chart(table, titles)
        wide = (
            table.assign(cell=[f"{c} ({fmt_pct(s)})" for c, s in zip(table["count"], table["share"])])
            .pivot(index="question", columns="label", values="cell")
            .reindex(columns=list(dict.fromkeys(table["label"])))
        )
        wide = wide.reindex([q for q in titles if q in wide.index]).fillna("–")
        wide.insert(0, "Fråga", [titles[q] for q in wide.index])
        return render(
            "trend.html.j2",
            __file__,
            wide=wide.reset_index(drop=True),
            figure=plots.figure_html(png, alt, "Andel som gett huvudsvaret, av dem som besvarat frågan, per period."),
            numeric=list(wide.columns[1:]),
        )

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: the sentences of this report, in prose."""
        from ...committee import CommitteeContent, Figure, quality_lines

        summary = [f"Uppföljningen avser {self.meta['label']}. {self.response_sentence()}"]
        assessment, changes = [], []
        for q, r in zip(self.version.closed_questions, self.results()):
            sentences = [narrative.headline_sentence(r, q, self.population_phrase), narrative.rest_sentence(r)]
            if q.type == "multiple":
                gaps = grid.competence_gaps(self.long, self.population, self.version, q, self.period)
                sentences.append(grid.competence_gap_sentence(gaps, self.codebook.respondent_singular))
            comp = self.secured_change(q, r)
            if comp:
                sentences.append(narrative.comparison_sentence(r, comp, q))
                changes.append(narrative.comparison_sentence(r, comp, q))
            summary.append(" ".join(s for s in sentences if s))
            if q.better == "higher" and r.answered and r.headline < r.population:
                assessment.append(f"Inte alla {self.population_phrase} {q.statement} ({narrative.count_phrase(r)}).")
        for q in self.version.text_questions:
            texts = self.long[(self.long["period"] == self.period) & (self.long["question"] == q.id)]["answer"].dropna()
            n = sum(1 for t in texts if t.strip())
            # The count only: free text stays in the report, where it is redacted and shown escaped.
            summary.append(
                f"{n} {self.codebook.respondent_plural if n != 1 else self.codebook.respondent_singular} "
                f"lämnade svar på frågan «{q.text}»; de återges i rapporten, inte här."
            )
        png, alt, caption = self.overview_figure()
        first = self.results()[0]
        return CommitteeContent(
            title=self.codebook.title,
            label=self.meta["label"],
            synthetic=self.synthetic,
            summary=summary,
            highlights=self.findings(),
            assessment=assessment + changes,
            figures=[
                Figure(
                    "Svaren på frågorna",
                    png,
                    alt,
                    caption,
                    narrative.headline_sentence(first, self.version.closed_questions[0], self.population_phrase),
                )
            ],
            quality=quality_lines(self.quality),
            method=self.METHOD,
            manifest=self.manifest,
        )

    def comments(self) -> Html:
        """Free text, already redacted on reading; the template shows it escaped, never as markup."""
        comments = []
        for q in self.version.text_questions:
            texts = self.long[(self.long["period"] == self.period) & (self.long["question"] == q.id)]["answer"].dropna()
            comments.append((q, sorted(t for t in texts if t.strip())))
        return render("comments.html.j2", __file__, comments=comments)

    def quality_section(self) -> Html:
        excluded = None
        if len(self.excluded):
            excluded = pd.DataFrame({"Svars-id": self.excluded["response_id"], "Orsak": self.excluded["orsak"]})
        return render(
            "quality_section.html.j2",
            __file__,
            checks=quality_html(self.quality["checks"], self.quality["verdict"]),
            excluded=excluded,
        )

    METHOD = (
        "Enkäten är en totalundersökning: alla i populationen tillfrågades. "
        "Därför redovisas antal och andelar av populationen, inte stickprovsosäkerhet. När några inte svarat anges "
        "gränserna för andelen om ingen respektive alla av dem hade gett huvudsvaret. Jämförelser med föregående period "
        "prövas med exakt McNemar-test för personer som svarat båda gångerna, annars med Fishers exakta test; en "
        "förändring kallas statistiskt säkerställd när p < 0,05. Grupper med färre än 5 svarande visas inte."
    )

    def method(self, provenance_html: str) -> Html:
        return render("method.html.j2", __file__, method=self.METHOD, provenance=Html(provenance_html))
