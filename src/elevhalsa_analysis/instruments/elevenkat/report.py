"""The student-survey report, one method per notebook cell, from the processed tables.

The survey is a sample of each unit's pupils, so municipal figures are design-based
estimates with intervals (`estimates.py`), shown beside the plain counts; groups and
units are shown only with at least five answers (`suppression.suppress_shares`). Free
text appears only in the researchers' variant (the notebook tags that cell). One
question's section is in `questions.py`, the comparisons in `comparison.py`, the
per-unit sections in `units.py`; the markup is in the templates.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from ... import indicators as ind
from ... import plots
from ...codebook import Question
from ...estimates import ASSUMPTION, DesignEstimate
from ...formatting import fmt_int, fmt_pct
from ...instrument import UnitContribution
from ...markup import Html, render, table_html
from ...processed import Processed
from ...suppression import MIN_GROUP
from ...survey import municipal_estimates, survey_units
from ...survey_sections import DASH, TOO_FEW, SampleSurveySections
from ...units import with_names
from . import questions, units
from .comparison import not_compared, summary_rows
from .loading import year_group_phrase
from .units import survey_contribution


class StudentSurveyReport(SampleSurveySections):
    """The student-survey report for one period, read from its processed folder."""

    GROUP = "arskurs"

    # -- facts -----------------------------------------------------------------------------

    def grouped(self, period: str, *by: str) -> ind.Grouped:
        return self._memo(("grouped", period, by), lambda: ind.grouped(self.long_of(period), self.version_of(period), list(by)))

    def result(self, question: Question, arskurs: str, period: str | None = None) -> ind.QuestionResult:
        period = period or self.period
        return self.grouped(period, "arskurs").result(self.version_of(period), question, period, arskurs=arskurs)

    def estimates(self, question: Question, period: str | None = None, fpc: bool = True) -> dict[str, DesignEstimate]:
        period = period or self.period
        return self._memo(
            ("estimates", period, fpc),
            lambda: municipal_estimates(
                self.long_of(period),
                self.units,
                self.version_of(period),
                self.version_of(period).closed_questions,
                period,
                fpc=fpc,
            ),
        ).get(question.id, {})

    @cached_property
    def year_groups(self) -> list[str]:
        present = set(self.units_of(self.period)["arskurs"])
        return [a for a in self.codebook.groups["arskurs"].labels if a in present]

    def phrase(self, arskurs: str) -> str:
        return f"{self.population_phrase} i {year_group_phrase(arskurs)}"

    def enrolment(self, arskurs: str, period: str | None = None) -> tuple[int, int]:
        """(responses, enrolled) of a year group."""
        part = self.units_of(period or self.period)
        part = part[part["arskurs"] == arskurs]
        return int(part["svar"].sum()), int(part["antal"].sum())

    # -- sections --------------------------------------------------------------------------

    def response_sentence(self) -> str:
        responses = [self.enrolment(a) for a in self.year_groups]
        answered, enrolled = sum(r for r, _ in responses), sum(n for _, n in responses)
        names = [year_group_phrase(a) for a in self.year_groups]
        groups = " och ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return (
            f"Enkäten gick till alla {fmt_int(enrolled)} {self.population_phrase} i {groups}; "
            f"{fmt_int(answered)} av {fmt_int(enrolled)} ({fmt_pct(answered / enrolled if enrolled else None)}) svarade. "
            "Resultaten för kommunen är skattningar för alla elever i årskursen, med osäkerhetsintervall."
        )

    def summary(self) -> Html:
        rows, secured, not_comparable, outside = summary_rows(self)
        table = table_html(
            pd.DataFrame(rows),
            "Skattad andel per årskurs med 95 % konfidensintervall: positiva svar, för Blivit kränkt andelen Ja",
            numeric=self.year_groups,
            footnote="Efter semikolon: elever som besvarade frågan av alla elever i årskursen; övriga svarade "
            "inte på enkäten eller frågan"
            + (f", eller svarade {' eller '.join(outside)}, som inte räknas i andelen" if outside else "")
            + f". För Blivit kränkt är lägre bättre. {DASH} = {TOO_FEW}.",
        )
        prev = self.previous
        return render(
            "summary.html.j2",
            __file__,
            table=table,
            previous=None if prev is None else self.label_of(prev),
            secured=secured,
            not_comparable=", ".join(dict.fromkeys(not_comparable)),
        )

    def response_rates(self) -> Html:
        years = []
        for a in self.year_groups:
            answered, enrolled = self.enrolment(a)
            years.append(
                {
                    "Årskurs": a,
                    "Elever": fmt_int(enrolled),
                    "Svar": fmt_int(answered),
                    "Svarsfrekvens": fmt_pct(answered / enrolled if enrolled else None),
                }
            )
        bands, low = units.rate_bands(self)
        return render(
            "response_rates.html.j2",
            __file__,
            table=table_html(pd.DataFrame(years), "Svar per årskurs", numeric=["Elever", "Svar", "Svarsfrekvens"]),
            rate=fmt_pct(self.codebook.min_response_rate),
            bands=bands,
            low=low,
        )

    def unit_response_rates(self) -> Html:
        return units.unit_response_rates(self)

    def overview_figures(self) -> dict[str, tuple[bytes, str, str] | None]:
        """Per year group the answers chart (PNG, alt text, caption), None when too few answered."""
        # The statements only: a question where the headline is the worse answer (blivit
        # kränkt) would put a bad outcome on the "good" side of the chart.
        statements = [q for q in self.questions_closed if q.better == "higher"]
        titles = {q.id: q.short for q in statements}
        out = {}
        for a in self.year_groups:
            results = [self.result(q, a) for q in statements]
            if results[0].population < MIN_GROUP:
                out[a] = None
                continue
            png, alt = plots.answer_bars(results, titles, xlabel=f"Procent av alla {results[0].population} som svarat på enkäten")
            out[a] = (
                png,
                f"{a}. {alt}",
                f"{a}: svaren på frågorna i procent av alla {results[0].population} {self.phrase(a)} som svarat på enkäten.",
            )
        return out

    def overview(self) -> Html:
        figures = [
            (plots.figure_html(*figure) if figure else None, f"{a}: {TOO_FEW}") for a, figure in self.overview_figures().items()
        ]
        return render("survey_overview.html.j2", __file__, figures=figures)

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: this report's sentences and charts."""
        from ...committee import CommitteeContent, Figure, quality_lines

        rows, secured, not_comparable, _ = summary_rows(self)
        prev = self.previous
        changes = secured or ([f"Ingen förändring sedan {self.label_of(prev)} är statistiskt säkerställd."] if prev else [])
        if not_comparable:
            changes.append(
                f"{', '.join(dict.fromkeys(not_comparable))}: jämförs inte med {self.label_of(prev)}, "
                "eftersom svarsalternativen eller formuleringen har ändrats."
            )
        summary = [self.response_sentence()]
        summary += [
            f"{q.short}. " + " ".join(questions.year_text(self, q, a)[0] for a in self.year_groups) for q in self.questions_closed
        ]
        summary.append(" ".join(changes))
        rate = self.codebook.min_response_rate
        assessment = []
        for a in self.year_groups:
            answered, enrolled = self.enrolment(a)
            if enrolled and answered / enrolled < rate:
                assessment.append(
                    f"Svarsfrekvensen i {year_group_phrase(a)} är {fmt_pct(answered / enrolled)} "
                    f"({fmt_int(answered)} av {fmt_int(enrolled)}), under {fmt_pct(rate)}: resultaten kan vara "
                    "missvisande om de som inte svarade skiljer sig från dem som svarade."
                )
        figures = [
            Figure(f"Svaren i {year_group_phrase(a)}", *figure, questions.year_text(self, self.questions_closed[0], a)[0])
            for a, figure in self.overview_figures().items()
            if figure
        ]
        highlights = [f"{row['Fråga']}: " + "; ".join(f"{a} {row[a]}" for a in self.year_groups) for row in rows]
        return CommitteeContent(
            title=self.codebook.title,
            label=self.meta["label"],
            synthetic=self.synthetic,
            summary=summary,
            highlights=highlights + changes,
            assessment=assessment + changes,
            figures=figures,
            quality=quality_lines(self.quality),
            method=self.method_text(),
            manifest=self.manifest,
        )

    def question_section(self, question: Question) -> Html:
        return questions.question_section(self, question)

    def unit_tables(self) -> Html:
        return units.unit_tables(self)

    def comments(self) -> Html:
        """Free text of groups (unit and year group) with at least five respondents: already
        redacted on reading, shown escaped. Never in the leadership report."""
        per_group = self.units_of(self.period).set_index(["skolenhetskod", "arskurs"])
        long = self.long_of(self.period)
        found = []
        for q in self.version.text_questions:
            part = long[(long["question"] == q.id) & long["answer"].notna()]
            part = part[part["answer"].astype(str).str.strip() != ""]
            keys = zip(part["skolenhetskod"].astype(str), part["arskurs"].astype(str))
            # A mask, not a list: an empty list would select no columns instead of no rows.
            shown = part[pd.Series([per_group.at[k, "svar"] >= MIN_GROUP for k in keys], index=part.index, dtype=bool)]
            if part.empty:
                found.append((q.text, "ingen elev har skrivit något svar på frågan.", None))
                continue
            note = (
                f"{len(part)} kommentarer, varav {len(shown)} visas. "
                f"Kommentarer från skolenheter och årskurser med {TOO_FEW.replace('svar', 'svarande')} visas inte."
            )
            names = per_group["skolenhet"].droplevel("arskurs").groupby(level=0).first()
            groups = []
            for a in self.year_groups:
                mine = shown[shown["arskurs"].astype(str) == a]
                if not mine.empty:
                    groups.append((a, sorted(zip(mine["skolenhetskod"].astype(str).map(names), mine["answer"].astype(str)))))
            found.append((q.text, note, groups))
        return render("survey_comments.html.j2", __file__, questions=found)

    def method(self, provenance_html: str) -> Html:
        prev = self.previous
        return render(
            "method.html.j2",
            __file__,
            text=self.method_text(),
            previous=None if prev is None else self.label_of(prev),
            reasons=not_compared(self),
            provenance=Html(provenance_html),
        )

    def method_text(self) -> str:
        return (
            "Enkäten går till alla elever i de årskurser som Skolinspektionens Skolenkät frågar (åk 5, åk 8 och år 2 på "
            "gymnasiet), men alla svarar inte. Kommunens siffror är därför skattningar: varje skolenhets svar väger lika "
            "mycket som enhetens elever (vikt = antal elever / antal svar i enheten och årskursen), skolenheterna är "
            "strata och skattningen har ändlighetskorrektion eftersom en stor del av eleverna svarat. Konfidensintervallen "
            "(95 %) är Korn–Graubards, beräknade med programpaketet svy. " + ASSUMPTION + " Bortfallsgränserna visar "
            "andelen om ingen respektive alla som inte besvarat frågan hade svarat så. Andelen räknas bland dem som "
            "besvarat frågan; Vet ej, Vet inte och Vill inte svara räknas och visas men ingår inte i andelen. "
            "Förändringar jämfört med föregående enkät prövas som skillnaden mellan två oberoende urval, med ett "
            "intervall byggt av de två skattningarnas intervall (MOVER). De intervallen har ingen ändlighetskorrektion: "
            "en ny årskull är andra elever, och frågan är om skillnaden är större än den som skiljer årskullar åt av "
            "en slump. En förändring kallas statistiskt säkerställd bara när intervallet inte innehåller noll. Skillnaden mellan flickor och pojkar är oviktad, med Newcombes "
            "intervall. Grupper (skolenhet, kön) med färre än 5 svar visas inte, och där det behövs döljs ytterligare en "
            "grupp så att den dolda uppgiften inte kan räknas fram; Annat alternativ och Vill inte svara visas aldrig "
            "som egna grupper men räknas i alla totaler."
        )


def unit_contribution(processed_dir: Path) -> UnitContribution:
    """The unit profiles' part of one survey period: its own per-unit table (the report's) and,
    for the trend, those of the earlier surveys in the processed folder."""
    report = StudentSurveyReport.load(processed_dir, Processed(Path(processed_dir)).period)
    periods = report.periods[report.periods["end"] <= report.meta["end"]].sort_values("end")
    frames = []
    for p in periods["period"]:
        table = (
            report.unit_table()
            if p == report.period
            else survey_units(report.long_of(p), report.units, report.version_of(p), p, {})
        )
        frames.append(with_names(table, report.units_of(p)))
    return survey_contribution(
        pd.concat(frames, ignore_index=True), [{"period": p, "label": report.label_of(p)} for p in periods["period"]]
    )
