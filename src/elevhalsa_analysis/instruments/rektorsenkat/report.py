"""The report's sections as escaped HTML, built from the processed tables of one period.

The notebook calls one method per section; all logic lives here so it is tested and
shared. Everything a user supplied (free text, unit names, labels) passes `html.escape`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import indicators as ind
from ... import narrative, plots
from ...codebook import Question
from ...formatting import fmt_int, fmt_p, fmt_pct
from ...markup import Html, esc, quality_html, table_html
from ...processed import Processed
from ...stats import compare_periods
from ...suppression import FOOTNOTE, suppress
from ...survey import CodebookReport


@dataclass
class SurveyReport(CodebookReport):
    """The principal-survey report for one period, read from its processed folder."""

    long: pd.DataFrame
    population: pd.DataFrame
    excluded: pd.DataFrame
    population_phrase: str

    @classmethod
    def load(cls, processed_dir: Path, period: str) -> SurveyReport:
        folder = Path(processed_dir)
        common = cls.read_common(folder, period)
        found = Processed(folder)
        return cls(
            **common,
            long=found.table("svar"),
            population=found.table("population"),
            excluded=found.table("uteslutna"),
            population_phrase=common["manifest"]["population"],
        )

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
        return Html(self.heading() + f"<p>{esc(self.response_sentence())}</p>")

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
        items = "".join(f"<li>{esc(s)}</li>" for s in self.findings())
        return Html(
            f'<h2 id="sammanfattning">Sammanfattning</h2><ol class="sammanfattning">{items}</ol>'
            '<p class="fotnot">Urval: först förändringar som är statistiskt säkerställda, sedan de frågor där '
            "störst andel inte gav det önskade svaret.</p>"
        )

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
        return Html('<h2 id="oversikt">Översikt</h2>' + plots.figure_html(*self.overview_figure()))

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
        parts = [
            f'<h3 id="{esc(question.id)}">{esc(question.short)}</h3>',
            f'<p class="fraga">Fråga: «{esc(question.text)}»</p>',
            "".join(f"<p>{esc(t)}</p>" for t in text if t),
        ]
        if question.type == "multiple":
            parts.append(self._competence_detail(question, r))
        else:
            table = ind.counts_table(r)
            shown = pd.DataFrame(
                {
                    "Svar": table["Svar"],
                    "Antal": table["Antal"].map(fmt_int),
                    "Andel av alla": table["Andel av alla"].map(lambda v: fmt_pct(v, 1)),
                    "Andel av dem som svarat": table["Andel av dem som svarat"].map(lambda v: fmt_pct(v, 1) if v == v else "–"),
                }
            )
            parts.append(
                table_html(
                    shown,
                    f"Svar på frågan, {r.population} tillfrågade, {r.answered} svarade",
                    numeric=["Antal", "Andel av alla", "Andel av dem som svarat"],
                )
            )
            png, alt = plots.answer_bars([r], {question.id: question.short})
            parts.append(
                plots.figure_html(png, alt, f"{question.short}: fördelning av svaren bland alla {r.population} tillfrågade.")
            )
            parts.append(self._skolform_table(question))
        if comp is not None and comp.test is not None:
            parts.append(
                table_html(
                    pd.DataFrame(
                        [
                            {
                                "Jämförelse": f"{comp.previous_label} → {self.meta['label']}",
                                "Test": comp.test.test,
                                "Underlag": comp.test.detail,
                                "p-värde": fmt_p(comp.test.p_value),
                            }
                        ]
                    ),
                    "Statistisk prövning av förändringen i huvudsvaret",
                    numeric=["p-värde"],
                )
            )
        return Html("".join(parts))

    def _competence_detail(self, question: Question, r: ind.QuestionResult) -> str:
        if not r.answered:
            return ""  # the headline sentence says that nobody answered; an empty grid would say nothing more
        gaps = ind.competence_gaps(self.long, self.population, self.version, question, self.period)
        sentence = narrative.competence_gap_sentence(
            [(g.skolenhet, g.skolform, list(g.saknas)) for g in gaps.itertuples()], self.codebook.respondent_singular
        )
        per_option = pd.DataFrame(
            {
                "Kompetens": list(r.counts),
                "Har tillgång": [fmt_int(n) for n in r.counts.values()],
                "Andel av dem som svarat": [fmt_pct(n / r.answered if r.answered else None, 1) for n in r.counts.values()],
            }
        )
        matrix = ind.competence_matrix(self.long, self.population, self.version, question, self.period)
        png, alt = plots.competence_heatmap(matrix)
        return (
            (f"<p>{esc(sentence)}</p>" if sentence else "")
            + table_html(
                per_option,
                f"Tillgång per kompetens, {r.answered} som svarat",
                numeric=["Har tillgång", "Andel av dem som svarat"],
            )
            + plots.figure_html(
                png,
                alt,
                "Tillgång till elevhälsans kompetenser per skolenhet. Uppgiften gäller skolenhetens "
                "organisation, inte en persons åsikt, och visas därför för varje enhet.",
            )
        )

    def _skolform_table(self, question: Question) -> str:
        table = ind.breakdown(self.long, self.population, self.version, question, self.period, "skolform")
        if len(table) < 2:
            return ""
        r = ind.question_result(self.long, self.population, self.version, question, self.period)
        # A principal of units in two school forms is in both rows and once in the total.
        total = r.population
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
        rows.append(
            {
                "Skolform": "Totalt",
                "Tillfrågade": fmt_int(total),
                "Svarade": fmt_int(r.answered),
                "Huvudsvar": f"{r.headline} av {r.answered}",
                "Andel": fmt_pct(r.share_of_answered, 1),
            }
        )
        hidden_any = any(v is None for v in shown.values())
        if all(v is None for v in shown.values()):
            return (
                '<p class="fotnot">Uppdelning per skolform visas inte: minst en skolform har färre än 5 svarande, '
                "och med så få grupper skulle den kunna räknas fram ur totalen.</p>"
            )
        return table_html(
            pd.DataFrame(rows),
            "Per skolform",
            numeric=["Tillfrågade", "Svarade", "Andel"],
            footnote=FOOTNOTE if hidden_any else None,
        )

    def questions(self) -> Html:
        return Html(
            '<h2 id="fragor">Resultat per fråga</h2>' + "".join(self.question_section(q) for q in self.version.closed_questions)
        )

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
            return Html('<h2 id="trend">Utveckling över tid</h2><p>Det finns ingen tidigare period att jämföra med.</p>')
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
        return Html(
            '<h2 id="trend">Utveckling över tid</h2>'
            + plots.figure_html(png, alt, "Andel som gett huvudsvaret, av dem som besvarat frågan, per period.")
            + table_html(
                wide.reset_index(drop=True), "Huvudsvar per period (antal av dem som svarat)", numeric=list(wide.columns[1:])
            )
        )

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: the sentences of this report, in prose."""
        from ...committee import CommitteeContent, Figure, quality_lines

        summary = [f"Uppföljningen avser {self.meta['label']}. {self.response_sentence()}"]
        assessment, changes = [], []
        for q, r in zip(self.version.closed_questions, self.results()):
            sentences = [narrative.headline_sentence(r, q, self.population_phrase), narrative.rest_sentence(r)]
            if q.type == "multiple":
                gaps = ind.competence_gaps(self.long, self.population, self.version, q, self.period)
                sentences.append(
                    narrative.competence_gap_sentence(
                        [(g.skolenhet, g.skolform, list(g.saknas)) for g in gaps.itertuples()], self.codebook.respondent_singular
                    )
                )
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
        """Free text, already redacted on reading; shown escaped, never as markup."""
        parts = ['<h2 id="kommentarer">Kommentarer</h2>']
        for q in self.version.text_questions:
            texts = self.long[(self.long["period"] == self.period) & (self.long["question"] == q.id)]["answer"].dropna()
            texts = [t for t in texts if t.strip()]
            if not texts:
                parts.append(f'<p class="fraga">Fråga: «{esc(q.text)}» – ingen har skrivit något svar på frågan.</p>')
                continue
            parts.append(
                f'<p class="fraga">Fråga: «{esc(q.text)}» – {len(texts)} {"kommentar" if len(texts) == 1 else "kommentarer"}. Namn, e-postadresser, '
                "telefonnummer och personnummer har ersatts med markeringar.</p>"
            )
            parts.append('<ul class="kommentarer">' + "".join(f"<li>{esc(t)}</li>" for t in sorted(texts)) + "</ul>")
        return Html("".join(parts))

    def quality_section(self) -> Html:
        excluded = ""
        if len(self.excluded):
            table = pd.DataFrame({"Svars-id": self.excluded["response_id"], "Orsak": self.excluded["orsak"]})
            excluded = table_html(
                table,
                "Svar som inte räknas",
                footnote="Svar utanför registret ingår inte i någon siffra; vid flera svar från samma person räknas det senaste.",
            )
        return Html(quality_html(self.quality["checks"], self.quality["verdict"]) + excluded)

    METHOD = (
        "Enkäten är en totalundersökning: alla i populationen tillfrågades. "
        "Därför redovisas antal och andelar av populationen, inte stickprovsosäkerhet. När några inte svarat anges "
        "gränserna för andelen om ingen respektive alla av dem hade gett huvudsvaret. Jämförelser med föregående period "
        "prövas med exakt McNemar-test för personer som svarat båda gångerna, annars med Fishers exakta test; en "
        "förändring kallas statistiskt säkerställd när p < 0,05. Grupper med färre än 5 svarande visas inte."
    )

    def method(self, provenance_html: str) -> Html:
        return Html(f'<h2 id="metod">Metod</h2><p>{esc(self.METHOD)}</p>' + provenance_html)
