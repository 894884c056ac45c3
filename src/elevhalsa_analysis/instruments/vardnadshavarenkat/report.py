"""The preschool guardian survey's report, one method per notebook cell, from the processed tables.

One questionnaire per enrolled child; the survey is a sample of each unit's children, so
municipal figures are design-based estimates (strata unit × age group) beside the plain
counts. The two age groups are shown only when neither can be read off the other and the
total (`suppression.suppress_shares`); units only with at least five answers. Guardians'
free text names children: it appears only in the researchers' variant (the notebook tags
that cell), redacted on reading and escaped by the templates. One question's section is in
`questions.py`, the per-unit sections in `units.py`; the markup is in the templates.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from ... import indicators as ind
from ... import plots
from ...codebook import Question
from ...estimates import DesignEstimate, headline_shares
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...instrument import UnitContribution
from ...markup import Html, render, table_html
from ...processed import Processed
from ...suppression import MIN_GROUP, suppress_shares
from ...survey import design_frame, municipal_estimates, survey_units
from ...survey_sections import DASH, TOO_FEW, SampleSurveySections
from ...units import with_names
from . import questions, units
from .loading import age_group_phrase
from .questions import ALL
from .units import GROUP, guardian_contribution

RESPONDENTS = "vårdnadshavare"
ASSUMPTION = (
    "Skattningen och intervallet förutsätter att vårdnadshavare som svarade liknar dem som inte svarade vid samma "
    "förskola och i samma åldersgrupp; bortfallsgränserna visar hur stor osäkerheten är utan det antagandet."
)


class GuardianSurveyReport(SampleSurveySections):
    """The guardian-survey report for one period, read from its processed folder."""

    GROUP = GROUP

    # -- facts -----------------------------------------------------------------------------

    @cached_property
    def age_groups(self) -> list[str]:
        present = set(self.units_of(self.period)[GROUP])
        return [a for a in self.codebook.groups[GROUP].labels if a in present]

    def result(self, question: Question, age: str, period: str | None = None) -> ind.QuestionResult:
        """Counts of one age group, or of all children with `ALL`."""
        period = period or self.period
        version = self.version_of(period)
        by = () if age == ALL else (GROUP,)
        found = self._memo(("grouped", period, by), lambda: ind.grouped(self.long_of(period), version, list(by)))
        return found.result(version, question, period, **({} if age == ALL else {GROUP: age}))

    def estimates(self, question: Question, period: str | None = None, fpc: bool = True) -> dict[str, DesignEstimate]:
        """Age group (and `ALL`) → the design-based headline share."""
        period = period or self.period

        def compute() -> dict[str, dict[str, DesignEstimate]]:
            version = self.version_of(period)
            closed = version.closed_questions
            per_group = municipal_estimates(self.long_of(period), self.units, version, closed, period, fpc, GROUP)
            # All children: the same strata (unit within age group), one domain.
            frame = design_frame(self.long_of(period), self.units, version, closed, period, GROUP).assign(alla=ALL)
            overall = headline_shares(frame, "alla", [q.id for q in closed], fpc=fpc)
            return {q.id: {**per_group.get(q.id, {}), **overall.get(q.id, {})} for q in closed}

        return self._memo(("estimates", period, fpc), compute).get(question.id, {})

    def enrolment(self, age: str, period: str | None = None) -> tuple[int, int]:
        """(questionnaires, enrolled children) of an age group, or of all with `ALL`."""
        part = self.units_of(period or self.period)
        if age != ALL:
            part = part[part[GROUP] == age]
        return int(part["svar"].sum()), int(part["antal"].sum())

    @property
    def children(self) -> str:
        """Who the estimates are for: period.yaml's phrase ("barn i förskolan")."""
        return self.population_phrase if self.population_phrase != "barn" else "barn i förskolan"

    def children_of(self, age: str) -> str:
        return self.children if age == ALL else f"{age_group_phrase(age)} i förskolan"

    def respondents_of(self, age: str) -> str:
        return RESPONDENTS if age == ALL else f"{RESPONDENTS} till {age_group_phrase(age)}"

    def shown_ages(self, question: Question, period: str | None = None) -> dict[str, bool]:
        """Whether each age group may be shown: at least five answers, and not the
        complementary cell of a hidden one (the total is always shown)."""
        results = {a: self.result(question, a, period) for a in self.age_groups}
        total = self.result(question, ALL, period)
        hidden = suppress_shares(
            {a: r.answered for a, r in results.items()},
            {a: r.headline for a, r in results.items()},
            total.answered,
            total.headline,
        )
        return {a: not hidden[a] for a in self.age_groups}

    def columns(self, question: Question) -> list[tuple[str, bool]]:
        """(`ALL` or age group, shown) in table order."""
        shown = self.shown_ages(question)
        return [(ALL, self.result(question, ALL).answered >= MIN_GROUP), *((a, shown[a]) for a in self.age_groups)]

    def response_sentence(self) -> str:
        answered, enrolled = self.enrolment(ALL)
        return (
            f"Enkäten gick till vårdnadshavarna till alla {fmt_int(enrolled)} {self.children}, en enkät per barn; "
            f"{fmt_int(answered)} av {fmt_int(enrolled)} ({fmt_pct(answered / enrolled if enrolled else None)}) enkäter "
            "skickades in. Resultaten för kommunen är skattningar för alla barn, med osäkerhetsintervall."
        )

    def _cell(self, question: Question, age: str, shown: bool) -> str:
        r, est = self.result(question, age), self.estimates(question).get(age)
        answered = f"{fmt_int(r.answered)} av {fmt_int(self.enrolment(age)[1])}"
        if est is None or not shown:
            return f"{DASH}; {answered}" if shown or age == ALL else DASH
        return f"{fmt_pct(est.share)} ({fmt_pct_range(est.low, est.high)}); {answered}"

    def summary_rows(self) -> list[dict]:
        rows = []
        for q in self.questions_closed:
            row = {"Fråga": q.short}
            for age, shown in self.columns(q):
                row[age] = self._cell(q, age, shown)
            rows.append(row)
        return rows

    def summary(self) -> Html:
        frame = pd.DataFrame(self.summary_rows())
        table = table_html(
            frame,
            "Skattad andel som instämmer (4 eller 5 av 5) med 95 % konfidensintervall, alla barn och per åldersgrupp",
            numeric=list(frame.columns[1:]),
            footnote="Efter semikolon: vårdnadshavare som besvarat frågan av alla barn i gruppen; övriga skickade inte "
            f"in enkäten, lämnade frågan obesvarad eller svarade Vet ej, som inte räknas i andelen. {DASH} = {TOO_FEW}, "
            "eller dold så att en liten grupp inte kan räknas fram ur totalen.",
        )
        changes = [(q.short, questions.change(self, q, ALL)) for q in self.questions_closed] if self.previous else []
        return render("summary.html.j2", __file__, table=table, previous=self.previous or None, changes=changes)

    def response_rates(self) -> Html:
        rows = []
        for age in [*self.age_groups, ALL]:
            answered, enrolled = self.enrolment(age)
            rows.append(
                {
                    "Åldersgrupp": age,
                    "Barn": fmt_int(enrolled),
                    "Enkäter": fmt_int(answered),
                    "Svarsfrekvens": fmt_pct(answered / enrolled if enrolled else None),
                }
            )
        count, low = units.low_units(self)
        table = table_html(
            pd.DataFrame(rows),
            f"Inskickade enkäter per åldersgrupp ({fmt_int(count)} förskolor)",
            numeric=["Barn", "Enkäter", "Svarsfrekvens"],
            footnote="En enkät per inskrivet barn; en vårdnadshavare med två barn svarar två gånger.",
        )
        return render("response_rates.html.j2", __file__, table=table, rate=fmt_pct(self.codebook.min_response_rate), low=low)

    def unit_response_rates(self) -> Html:
        return units.unit_response_rates(self)

    def overview_figure(self) -> tuple[bytes, str, str] | None:
        """The answers chart of all children (PNG, alt text, caption), None when too few answered."""
        results = [self.result(q, ALL) for q in self.questions_closed]
        if not results or results[0].population < MIN_GROUP:
            return None
        titles = {q.id: q.short for q in self.questions_closed}
        png, alt = plots.answer_bars(results, titles, xlabel=f"Procent av alla {results[0].population} inskickade enkäter")
        caption = f"Svaren på frågorna i procent av alla {results[0].population} inskickade enkäter (alla åldersgrupper)."
        return png, alt, caption

    def overview(self) -> Html:
        figure = self.overview_figure()
        figures = [(plots.figure_html(*figure) if figure else None, TOO_FEW.capitalize())]
        return render("survey_overview.html.j2", __file__, figures=figures)

    def question_section(self, question: Question) -> Html:
        return questions.question_section(self, question)

    def unit_tables(self) -> Html:
        return units.unit_tables(self)

    def comments(self) -> Html:
        """Free text of units with at least five questionnaires: redacted on reading, shown
        escaped. Never in the leadership report."""
        per_unit = self.units_of(self.period).groupby("skolenhetskod").agg(skolenhet=("skolenhet", "first"), svar=("svar", "sum"))
        long = self.long_of(self.period)
        found = []
        for q in self.version.text_questions:
            part = long[(long["question"] == q.id) & long["answer"].notna()]
            part = part[part["answer"].astype(str).str.strip() != ""]
            if part.empty:
                found.append((q.text, "ingen vårdnadshavare har skrivit något.", None))
                continue
            codes = part["skolenhetskod"].astype(str)
            shown = part[codes.map(per_unit["svar"]).fillna(0).to_numpy() >= MIN_GROUP]
            note = (
                f"{len(part)} kommentarer, varav {len(shown)} visas. "
                f"Kommentarer från förskolor med {TOO_FEW.replace('svar', 'inskickade enkäter')} visas inte."
            )
            items = sorted(zip(shown["skolenhetskod"].astype(str).map(per_unit["skolenhet"]), shown["answer"].astype(str)))
            found.append((q.text, note, [(None, items)] if items else []))
        return render("survey_comments.html.j2", __file__, questions=found)

    def method_text(self) -> str:
        return (
            "Vårdnadshavarna får en enkät per inskrivet barn i förskolan (1–5 år), men alla svarar inte. Kommunens "
            "siffror är därför skattningar: varje förskolas svar i en åldersgrupp väger lika mycket som gruppens barn "
            "(vikt = antal barn / antal enkäter i förskolan och åldersgruppen), förskola × åldersgrupp är strata och "
            "skattningen har ändlighetskorrektion. Konfidensintervallen (95 %) är Korn–Graubards, beräknade med "
            "programpaketet svy. " + ASSUMPTION + " Andelen som instämmer är svaren 4 och 5 på den femgradiga skalan, "
            "bland dem som besvarat frågan; Vet ej räknas och visas men ingår inte i andelen. Förändringar jämfört med "
            "föregående enkät prövas som skillnaden mellan två oberoende urval (MOVER, utan ändlighetskorrektion). "
            "Grupper (åldersgrupp, förskola) med färre än 5 svar visas inte, och där det behövs döljs ytterligare en "
            "grupp så att den dolda uppgiften inte kan räknas fram."
        )

    def method(self, provenance_html: str) -> Html:
        return render("survey_method.html.j2", __file__, text=self.method_text(), provenance=Html(provenance_html))

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: this report's sentences and chart."""
        from ...committee import CommitteeContent, Figure, quality_lines

        rows = self.summary_rows()
        summary = [self.response_sentence()]
        summary += [f"{q.short}. " + " ".join(questions.sentences(self, q, ALL)[:2]) for q in self.questions_closed]
        answered, enrolled = self.enrolment(ALL)
        rate = self.codebook.min_response_rate
        assessment = (
            [
                f"Svarsfrekvensen är {fmt_pct(answered / enrolled)} ({fmt_int(answered)} av {fmt_int(enrolled)}), under "
                f"{fmt_pct(rate)}: resultaten kan vara missvisande om de som inte svarade skiljer sig från dem som svarade."
            ]
            if enrolled and answered / enrolled < rate
            else []
        )
        changes = [f"{q.short}: {questions.change(self, q, ALL)}" for q in self.questions_closed] if self.previous else []
        figure = self.overview_figure()
        return CommitteeContent(
            title=self.codebook.title,
            label=self.meta["label"],
            synthetic=self.synthetic,
            summary=summary,
            highlights=[f"{row['Fråga']}: {row[ALL]}" for row in rows] + changes,
            assessment=assessment + changes,
            figures=[Figure("Vårdnadshavarnas svar", *figure, questions.sentences(self, self.questions_closed[0], ALL)[0])]
            if figure
            else [],
            quality=quality_lines(self.quality),
            method=self.method_text(),
            manifest=self.manifest,
        )


def unit_contribution(processed_dir: Path) -> UnitContribution:
    """The unit profiles' part of one survey period: its own per-unit table (the report's)
    and, for the trend, those of the earlier surveys in the processed folder."""
    report = GuardianSurveyReport.load(processed_dir, Processed(Path(processed_dir)).period)
    periods = report.periods[report.periods["end"] <= report.meta["end"]].sort_values("end")
    frames = []
    for p in periods["period"]:
        table = (
            report.unit_table()
            if p == report.period
            else survey_units(report.long_of(p), report.units, report.version_of(p), p, {}, GROUP)
        )
        frames.append(with_names(table, report.units_of(p)))
    return guardian_contribution(
        pd.concat(frames, ignore_index=True), [{"period": p, "label": report.label_of(p)} for p in periods["period"]]
    )
