"""The student-survey report's sections as escaped HTML, from the processed tables.

The survey is a sample of each unit's pupils, so municipal figures are design-based
estimates with intervals (`estimates.py`), shown beside the plain counts; groups and
units are shown only with at least five answers (`suppression.suppress_shares`). Free
text appears only in the researchers' variant (the notebook tags that cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from ... import indicators as ind
from ... import narrative, plots
from ...codebook import Question
from ...estimates import ASSUMPTION, DesignEstimate
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...instrument import UnitContribution
from ...markup import Html, esc, quality_html, table_html
from ...processed import Processed
from ...sections_units import funnel_section, shown_unit_shares
from ...stats import diff_interval_independent, mover_difference
from ...suppression import FOOTNOTE, MIN_GROUP, suppress_shares
from ...survey import SampleSurveyReport, municipal_estimates, survey_units
from ...units import unit_names, with_names
from .loading import year_group_phrase
from .units import survey_contribution

DASH = "–"
GIRLS, BOYS = "Flicka", "Pojke"
TOO_FEW = f"färre än {MIN_GROUP} svar"


@dataclass(frozen=True)
class Change:
    """What a report says about the previous survey for one question and year group."""

    sentence: str
    secured: bool = False
    comparable: bool = True


class StudentSurveyReport(SampleSurveyReport):
    """The student-survey report for one period, read from its processed folder."""

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

    @property
    def questions_closed(self) -> list[Question]:
        return self.version.closed_questions

    def change(self, question: Question, arskurs: str) -> Change:
        """The comparison with the previous survey, or why there is none."""
        prev = self.previous
        if prev is None:
            return Change("")
        label = self.label_of(prev)
        reason = self.codebook.incomparability(self.version_of(prev), self.version, question.id)
        if reason:
            return Change(narrative.not_comparable_sentence(label, reason), comparable=False)
        # Without the finite-population correction: two cohorts, not the same pupils (estimates.py).
        now, before = self.estimates(question, fpc=False).get(arskurs), self.estimates(question, prev, fpc=False).get(arskurs)
        r_now, r_before = self.result(question, arskurs), self.result(question, arskurs, prev)
        if now is None or before is None or min(r_now.answered, r_before.answered) < MIN_GROUP:
            return Change(f"Ingen jämförelse med {label}: för få svar i {year_group_phrase(arskurs)} ett av åren.")
        diff, low, high = mover_difference(before.share, (before.low, before.high), now.share, (now.low, now.high))
        return Change(narrative.change_sentence(label, before.share, diff, (low, high)), secured=low > 0 or high < 0)

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

    def title(self) -> Html:
        return Html(self.heading() + f"<p>{esc(self.response_sentence())}</p>")

    def _summary_rows(self) -> tuple[list[dict], list[str], list[str], dict]:
        """The summary table's rows, the secured changes, the questions not compared, and
        the answers outside the denominators."""
        rows, secured, not_comparable, outside = [], [], [], {}
        enrolled = {a: self.enrolment(a)[1] for a in self.year_groups}
        for q in self.questions_closed:
            row = {"Fråga": q.short}
            for a in self.year_groups:
                est, r = self.estimates(q).get(a), self.result(q, a)
                outside.update(dict.fromkeys(r.outside_labels))
                # Every figure with its denominator: who answered this question, of all pupils asked.
                answered = f"{fmt_int(r.answered)} av {fmt_int(enrolled[a])}"
                row[a] = (
                    f"{DASH}; {answered}"
                    if est is None or r.answered < MIN_GROUP
                    else f"{fmt_pct(est.share)} ({fmt_pct_range(est.low, est.high)}); {answered}"
                )
                change = self.change(q, a)
                if change.secured:
                    secured.append(f"{q.short}, {year_group_phrase(a)}: {change.sentence}")
                elif not change.comparable:
                    not_comparable.append(q.short)
            rows.append(row)
        return rows, secured, not_comparable, outside

    def summary(self) -> Html:
        rows, secured, not_comparable, outside = self._summary_rows()
        parts = [
            '<h2 id="sammanfattning">Sammanfattning</h2>',
            table_html(
                pd.DataFrame(rows),
                "Skattad andel per årskurs med 95 % konfidensintervall: positiva svar, för Blivit kränkt andelen Ja",
                numeric=self.year_groups,
                footnote="Efter semikolon: elever som besvarade frågan av alla elever i årskursen; övriga svarade "
                "inte på enkäten eller frågan"
                + (f", eller svarade {' eller '.join(outside)}, som inte räknas i andelen" if outside else "")
                + f". För Blivit kränkt är lägre bättre. {DASH} = {TOO_FEW}.",
            ),
        ]
        prev = self.previous
        if prev is not None:
            if secured:
                parts.append('<ol class="sammanfattning">' + "".join(f"<li>{esc(s)}</li>" for s in secured) + "</ol>")
            else:
                parts.append(f"<p>Ingen förändring sedan {esc(self.label_of(prev))} är statistiskt säkerställd.</p>")
            if not_comparable:
                parts.append(
                    f'<p class="varning">{esc(", ".join(dict.fromkeys(not_comparable)))}: jämförs inte med '
                    f"{esc(self.label_of(prev))}, eftersom svarsalternativen eller formuleringen har ändrats. "
                    "Se varje fråga.</p>"
                )
        else:
            parts.append("<p>Det finns ingen tidigare enkät att jämföra med.</p>")
        return Html("".join(parts))

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
        rate = self.codebook.min_response_rate
        return Html(
            '<h2 id="svarsfrekvens">Svarsfrekvens</h2>'
            + table_html(pd.DataFrame(years), "Svar per årskurs", numeric=["Elever", "Svar", "Svarsfrekvens"])
            + f"<p>Under {fmt_pct(rate)} svarsfrekvens kan resultaten bli missvisande om de som inte svarade "
            "skiljer sig från dem som svarade.</p>" + self._unit_rates_summary()
        )

    def _unit_rates_summary(self) -> str:
        """How the units' response rates spread, and the units below half: the leadership's
        view, of any length. Each unit's figure is in its profile and the researchers' variant."""
        units = self.units_of(self.period)
        per_unit = units.groupby("skolenhetskod").agg(
            skolenhet=("skolenhet", "first"), svar=("svar", "sum"), antal=("antal", "sum")
        )
        share = per_unit["svar"] / per_unit["antal"].where(per_unit["antal"] > 0)
        bands = [
            ("under 50 %", share < 0.5),
            ("50–69 %", (share >= 0.5) & (share < 0.7)),
            ("70–84 %", (share >= 0.7) & (share < 0.85)),
            ("85 % eller mer", share >= 0.85),
        ]
        rows = [{"Svarsfrekvens": b, "Skolenheter": fmt_int(int(m.sum()))} for b, m in bands]
        if share.isna().any():
            rows.append({"Svarsfrekvens": "inga elever i elevantal.csv", "Skolenheter": fmt_int(int(share.isna().sum()))})
        low = per_unit[share < 0.5].sort_values("skolenhet")
        named = (
            "<p>Skolenheter där färre än hälften svarade (i bokstavsordning): "
            + esc(
                ", ".join(
                    f"{n} ({fmt_pct(s / a)}, {fmt_int(s)} av {fmt_int(a)})"
                    for n, s, a in zip(low["skolenhet"], low["svar"], low["antal"])
                )
            )
            + ".</p>"
            if len(low)
            else "<p>Vid alla skolenheter svarade minst hälften av eleverna.</p>"
        )
        return (
            table_html(
                pd.DataFrame(rows),
                f"Skolenheternas svarsfrekvens, alla årskurser ({fmt_int(len(per_unit))} skolenheter)",
                numeric=["Skolenheter"],
                footnote="Svarsfrekvens = inskickade enkäter av enhetens elever i de "
                "tillfrågade årskurserna. Varje enhets siffror finns i dess profil och i analysversionen.",
            )
            + named
        )

    def unit_response_rates(self) -> Html:
        """Every unit and year group's response rate: the researchers' variant only."""
        units = self.units_of(self.period)
        per_unit = pd.DataFrame(
            {
                "Årskurs": units["arskurs"],
                "Skolenhet": units["skolenhet"],
                "Elever": units["antal"].map(fmt_int),
                "Svar": units["svar"].map(fmt_int),
                "Svarsfrekvens": [fmt_pct(s / n if n else None) for s, n in zip(units["svar"], units["antal"])],
            }
        )
        return Html(
            table_html(
                per_unit,
                "Svar per skolenhet och årskurs (antal inskickade enkäter, inte svar på en viss fråga)",
                numeric=["Elever", "Svar", "Svarsfrekvens"],
            )
        )

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
        parts = ['<h2 id="oversikt">Översikt</h2>']
        for a, figure in self.overview_figures().items():
            parts.append(plots.figure_html(*figure) if figure else f"<p>{esc(a)}: {esc(TOO_FEW)}; diagrammet visas inte.</p>")
        return Html("".join(parts))

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: this report's sentences and charts."""
        from ...committee import CommitteeContent, Figure, quality_lines

        rows, secured, not_comparable, _ = self._summary_rows()
        prev = self.previous
        changes = secured or ([f"Ingen förändring sedan {self.label_of(prev)} är statistiskt säkerställd."] if prev else [])
        if not_comparable:
            changes.append(
                f"{', '.join(dict.fromkeys(not_comparable))}: jämförs inte med {self.label_of(prev)}, "
                "eftersom svarsalternativen eller formuleringen har ändrats."
            )
        summary = [self.response_sentence()]
        summary += [f"{q.short}. " + " ".join(self._year_text(q, a)[0] for a in self.year_groups) for q in self.questions_closed]
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
            Figure(f"Svaren i {year_group_phrase(a)}", *figure, self._year_text(self.questions_closed[0], a)[0])
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
        parts = [f'<h3 id="{esc(question.id)}">{esc(question.short)}</h3>', f'<p class="fraga">Fråga: «{esc(question.text)}»</p>']
        for a in self.year_groups:
            parts.append(f"<h4>{esc(a)}</h4>" + "".join(f"<p>{esc(t)}</p>" for t in self._year_text(question, a) if t))
        parts += [self._counts_table(question), self._estimates_table(question), self._unit_section(question)]
        return Html("".join(parts))

    def _year_text(self, question: Question, arskurs: str) -> list[str]:
        r = self.result(question, arskurs)
        if r.answered < MIN_GROUP:
            return [narrative.sample_too_few_sentence(r, self.phrase(arskurs), MIN_GROUP)]
        est = self.estimates(question)[arskurs]
        responses, enrolled = self.enrolment(arskurs)
        return [
            narrative.sample_headline_sentence(r, question, self.phrase(arskurs)),
            narrative.estimate_sentence(self.phrase(arskurs), est.share, (est.low, est.high), responses, enrolled),
            narrative.sample_bounds_sentence(self._bounds_result(r, enrolled), self.phrase(arskurs)),
            self.change(question, arskurs).sentence,
            self._gender_gap(question, arskurs),
        ]

    @staticmethod
    def _bounds_result(r: ind.QuestionResult, enrolled: int) -> ind.QuestionResult:
        # Bounds count everyone enrolled, also those who never opened the survey.
        return ind.QuestionResult(
            r.question, r.period, enrolled, r.answered, r.counts, r.headline, r.headline_labels, r.outside_labels
        )

    def _gender_gap(self, question: Question, arskurs: str) -> str:
        shown, rows = self._gender(question, arskurs)
        if not any(n for _, n in rows.values()):
            # Kön may not be asked in a year group at all (åk 5): then there is nothing to split.
            return (
                f"Flickor och pojkar jämförs inte: ingen som besvarat frågan i {year_group_phrase(arskurs)} "
                "har angett kön som flicka eller pojke."
            )
        if not all(shown.get(g) and rows[g][1] for g in (GIRLS, BOYS)):
            return f"Flickor och pojkar jämförs inte: en av grupperna har {TOO_FEW} eller måste döljas."
        (xa, na), (xb, nb) = rows[GIRLS], rows[BOYS]
        _, low, high = diff_interval_independent(xb, nb, xa, na)
        return narrative.gap_sentence(("flickor", xa, na), ("pojkar", xb, nb), (low, high))

    def _gender(self, question: Question, arskurs: str) -> tuple[dict[str, bool], dict[str, tuple[int, int]]]:
        """Girls and boys (headline, answered) and whether each may be shown."""
        table = self.grouped(self.period, "arskurs", "kon").summary
        part = table[(table["question"] == question.id) & (table["arskurs"].astype(str) == arskurs)]
        rows = {
            g: (
                int(part.loc[part["kon"].astype(str) == g, "headline"].sum()),
                int(part.loc[part["kon"].astype(str) == g, "answered"].sum()),
            )
            for g in self.codebook.groups["kon"].shown_labels
        }
        total = self.result(question, arskurs)
        hidden = suppress_shares(
            {g: n for g, (_, n) in rows.items()}, {g: x for g, (x, _) in rows.items()}, total.answered, total.headline
        )
        return {g: not h for g, h in hidden.items()}, rows

    def _counts_table(self, question: Question) -> str:
        columns, hidden_any = {}, False
        for a in self.year_groups:
            r = self.result(question, a)
            table = ind.counts_table(r)
            if "Svar" not in columns:
                columns["Svar"] = list(table["Svar"])
            if r.answered < MIN_GROUP:
                hidden_any = True
                columns[f"{a} antal"] = columns[f"{a} andel"] = [DASH] * len(table)
                continue
            columns[f"{a} antal"] = [fmt_int(int(n)) for n in table["Antal"]]
            columns[f"{a} andel"] = [fmt_pct(v, 1) if v == v else DASH for v in table["Andel av dem som svarat"]]
        numeric = [c for c in columns if c != "Svar"]
        outside = ", ".join(self.version.scales[question.scale].outside_denominator)
        note = (
            f"Andel = andel av dem som besvarat frågan med ett svar som räknas; {outside} och ej svar räknas och visas "
            "men ingår inte i andelen." + (f" {FOOTNOTE}" if hidden_any else "")
        )
        return table_html(pd.DataFrame(columns), "Svar per årskurs (antal elever)", numeric=numeric, footnote=note)

    def _estimates_table(self, question: Question) -> str:
        rows = []
        for a in self.year_groups:
            r, est = self.result(question, a), self.estimates(question).get(a)
            responses, enrolled = self.enrolment(a)
            if est is None or r.answered < MIN_GROUP:
                rows.append(
                    {
                        "Årskurs": a,
                        "Skattad andel": DASH,
                        "95 % konfidensintervall": DASH,
                        "Oviktad andel": DASH,
                        "Bortfallsgränser": DASH,
                        "Svarsfrekvens": fmt_pct(responses / enrolled if enrolled else None),
                    }
                )
                continue
            b = self._bounds_result(r, enrolled).bounds
            rows.append(
                {
                    "Årskurs": a,
                    "Skattad andel": fmt_pct(est.share),
                    "95 % konfidensintervall": fmt_pct_range(est.low, est.high),
                    "Oviktad andel": f"{fmt_pct(r.share_of_answered)} ({fmt_int(r.headline)} av {fmt_int(r.answered)})",
                    "Bortfallsgränser": fmt_pct_range(b.low, b.high),
                    "Svarsfrekvens": fmt_pct(responses / enrolled if enrolled else None),
                }
            )
        return table_html(
            pd.DataFrame(rows),
            "Skattning för alla elever i årskursen, viktad per skolenhet",
            numeric=[c for c in rows[0] if c != "Årskurs"] if rows else (),
            footnote=ASSUMPTION + " Oviktad andel: bland dem som svarat, utan vikter. Bortfallsgränser: "
            "andelen om ingen respektive alla som inte besvarat frågan hade svarat så.",
        )

    def unit_table(self) -> pd.DataFrame:
        """Every question, year group and unit of this period: counts, suppression, Wilson
        interval and funnel flag (`survey_units`, which the unit profiles also use)."""
        return self._memo(
            ("units", self.period),
            lambda: survey_units(
                self.long_of(self.period),
                self.units,
                self.version,
                self.period,
                {q.id: self.estimates(q) for q in self.questions_closed},
            ),
        )

    def _answered_units(self, question: Question, arskurs: str) -> pd.DataFrame:
        table = self.unit_table()
        part = table[(table["fraga"] == question.id) & (table["arskurs"] == arskurs)]
        # Units whose pupils all skipped the question have nothing to show or hide.
        return part[part["svarande"] > 0]

    def _unit_section(self, question: Question) -> str:
        names = unit_names(self.units_of(self.period))
        return (
            "<h4>Skolenheterna jämförda med årskursens skattning</h4>"
            + "".join(
                funnel_section(
                    self._answered_units(question, a),
                    names,
                    f"{question.short}, {a}",
                    "Elever som besvarat frågan vid enheten",
                    "Andel (%)",
                )
                for a in self.year_groups
            )
            + "<p>Varje skolenhets andelar står i dess profil och i analysversionen.</p>"
        )

    def unit_tables(self) -> Html:
        """Every question's shares per unit: the researchers' variant only (one row per unit)."""
        names = unit_names(self.units_of(self.period))
        parts = ['<h2 id="per-skolenhet">Andelar per skolenhet</h2>']
        for question in self.questions_closed:
            tables = [
                shown_unit_shares(self._answered_units(question, a), names, ("Årskurs", a), "Skolenhet") for a in self.year_groups
            ]
            rows = pd.concat(tables, ignore_index=True)
            if len(rows):
                parts.append(
                    table_html(
                        rows,
                        f"{question.short} per skolenhet, i skolenhetskodens ordning",
                        numeric=["Andel", "95 % intervall"],
                        footnote="95 % intervall: Wilson, med ändlighetskorrektion.",
                    )
                )
        return Html("".join(parts))

    def questions(self) -> Html:
        return Html('<h2 id="fragor">Resultat per fråga</h2>' + "".join(self.question_section(q) for q in self.questions_closed))

    def comments(self) -> Html:
        """Free text of groups (unit and year group) with at least five respondents: already
        redacted on reading, shown escaped. Never in the leadership report."""
        parts = ['<h2 id="kommentarer">Kommentarer</h2>']
        units = self.units_of(self.period).set_index(["skolenhetskod", "arskurs"])
        long = self.long_of(self.period)
        for q in self.version.text_questions:
            part = long[(long["question"] == q.id) & long["answer"].notna()]
            part = part[part["answer"].astype(str).str.strip() != ""]
            keys = zip(part["skolenhetskod"].astype(str), part["arskurs"].astype(str))
            # A mask, not a list: an empty list would select no columns instead of no rows.
            shown = part[pd.Series([units.at[k, "svar"] >= MIN_GROUP for k in keys], index=part.index, dtype=bool)]
            if part.empty:
                parts.append(f'<p class="fraga">Fråga: «{esc(q.text)}» – ingen elev har skrivit något svar på frågan.</p>')
                continue
            parts.append(
                f'<p class="fraga">Fråga: «{esc(q.text)}» – {len(part)} kommentarer, varav {len(shown)} visas. '
                f"Kommentarer från skolenheter och årskurser med {TOO_FEW.replace('svar', 'svarande')} visas inte. "
                "Namn, e-postadresser, telefonnummer och personnummer har ersatts med markeringar.</p>"
            )
            names = units["skolenhet"].droplevel("arskurs").groupby(level=0).first()
            for a in self.year_groups:
                mine = shown[shown["arskurs"].astype(str) == a]
                if mine.empty:
                    continue
                items = sorted(zip(mine["skolenhetskod"].astype(str).map(names), mine["answer"].astype(str)))
                parts.append(
                    f'<h3>{esc(a)}</h3><ul class="kommentarer">'
                    + "".join(f"<li><strong>{esc(unit)}:</strong> {esc(text)}</li>" for unit, text in items)
                    + "</ul>"
                )
        return Html("".join(parts))

    def quality_section(self) -> Html:
        return Html(quality_html(self.quality["checks"], self.quality["verdict"]))

    def method(self, provenance_html: str) -> Html:
        prev = self.previous
        changed = ""
        if prev is not None:
            reasons = {
                q.short: self.codebook.incomparability(self.version_of(prev), self.version, q.id) for q in self.questions_closed
            }
            if any(reasons.values()):
                changed = (
                    f"<p>Jämförelser med {esc(self.label_of(prev))} görs inte för: "
                    + esc("; ".join(f"{k} ({v})" for k, v in reasons.items() if v))
                    + ". Liksom Skolinspektionen när Skolenkätens frågor och svarsalternativ ändrades 2022 "
                    "jämför vi inte resultat över en sådan ändring.</p>"
                )
        return Html(f'<h2 id="metod">Metod</h2><p>{esc(self.method_text())}</p>' + changed + provenance_html)

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
