"""The operations-plan report, read from one period's processed folder: one method per
notebook cell, each handing the period's facts to the module that renders its section
(scorecard, register_sections, kolada_section)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...instrument import IndicatorValue
from ...markup import Html, heading_html, quality_html, render
from ...processed import PERIODS, Processed
from .kolada_section import kolada_html
from .plan import CANNOT_JUDGE, NO_STATUS, NOT_ACHIEVED, Assessment, Plan, assess
from .register_sections import absence_figure, absence_html, reports_by_unit_html, reports_html
from .registers import input_contract
from .scorecard import insatser_html, scorecard_html, summary_html, summary_parts


def _values(table: pd.DataFrame, which: str) -> dict[str, IndicatorValue]:
    out = {}
    for r in table[table["vilken"] == which].to_dict("records"):
        interval = None if pd.isna(r["lag"]) else (float(r["lag"]), float(r["hog"]))
        out[r["id"]] = IndicatorValue(
            None if pd.isna(r["varde"]) else float(r["varde"]),
            None if pd.isna(r["taljare"]) else int(r["taljare"]),
            None if pd.isna(r["namnare"]) else int(r["namnare"]),
            r["enhet"],
            r["period"],
            interval,
            r["not"],
        )
    return out


@dataclass
class PlanReport:
    """The operations-plan follow-up of one period, read from its processed folder."""

    period: str
    plan: Plan
    current: dict[str, IndicatorValue]
    previous: dict[str, IndicatorValue]
    periods: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    quality: dict
    manifest: dict

    @classmethod
    def load(cls, processed_dir: Path, period: str) -> PlanReport:
        folder = Path(processed_dir)
        found = Processed(folder)
        manifest = found.manifest
        values = found.table("indikatorer")
        tables = found.tables(exclude=("indikatorer", PERIODS))
        return cls(
            period=period,
            plan=Plan.model_validate(manifest["plan"]),
            current=_values(values, "aktuell"),
            previous=_values(values, "foregaende"),
            periods=found.periods,
            tables=tables,
            quality=found.quality,
            manifest=manifest,
        )

    # -- facts -----------------------------------------------------------------------------

    def label(self, which: str = "aktuell") -> str | None:
        rows = self.periods[self.periods["vilken"] == which]
        return str(rows["label"].iloc[0]) if len(rows) else None

    @property
    def synthetic(self) -> bool:
        return bool(self.periods["syntetisk"].any())

    def assessments(self) -> dict[str, Assessment]:
        return {spec.id: assess(spec, self.current[spec.id]) for spec in self.plan.indikatorer}

    def statuses(self) -> pd.DataFrame:
        """Every insats of the plan with its reported status, or "ingen uppgift"."""
        rows = self.tables.get("insatser", pd.DataFrame(columns=["insats", "status", "ansvarig", "kommentar"])).set_index(
            "insats"
        )
        out = []
        for ins in self.plan.insatser:
            found = ins.id in rows.index
            out.append(
                {
                    "id": ins.id,
                    "text": ins.text,
                    "status": rows.at[ins.id, "status"] if found else NO_STATUS,
                    "ansvarig": (rows.at[ins.id, "ansvarig"] if found else None) or "",
                    "kommentar": (rows.at[ins.id, "kommentar"] if found else None) or "",
                }
            )
        return pd.DataFrame(out)

    def _summary_parts(self) -> tuple[str, dict[str, list[str]]]:
        return summary_parts(self.plan, self.current, self.assessments(), self.statuses()["status"].tolist())

    def _previous_rate(self) -> IndicatorValue | None:
        """The previous period's municipal reports per 100 students, if the plan follows it."""
        rate = next(
            (
                s.id
                for s in self.plan.indikatorer
                if s.matt == "per_100_elever" and s.utovare is None and s.typ is None and s.skolform is None
            ),
            "",
        )
        return self.previous.get(rate)

    # -- sections, one per notebook cell -----------------------------------------------------

    def title(self) -> Html:
        return render(
            "title.html.j2",
            __file__,
            heading=heading_html(input_contract().title, self.label(), self.synthetic, self.quality),
            plan=self.plan.namn,
            area=self.plan.omrade.lower(),
            indicators=len(self.plan.indikatorer),
            measures=len(self.plan.insatser),
        )

    def summary(self) -> Html:
        return summary_html(*self._summary_parts())

    def scorecard(self) -> Html:
        return scorecard_html(self.plan, self.current, self.previous, self.assessments(), self.label(), self.label("foregaende"))

    def insatser(self) -> Html:
        return insatser_html(self.plan, self.statuses(), self.assessments())

    def absence(self) -> Html:
        return absence_html(self.tables.get("franvaro"), self.tables.get("elevantal"), self.plan.franvarogranser, self.period)

    def reports(self) -> Html:
        return reports_html(
            self.tables.get("krankningar"),
            self.tables.get("elevantal"),
            self._previous_rate(),
            self.label("foregaende"),
            self.period,
        )

    def reports_by_unit(self) -> Html:
        return reports_by_unit_html(self.tables.get("krankningar"), self.tables.get("elevantal"))

    def kolada(self) -> Html:
        return kolada_html(self.plan, self.tables.get("kolada"), self.period)

    def quality_section(self) -> Html:
        return Html(quality_html(self.quality["checks"], self.quality["verdict"]))

    METHOD = (
        "Frånvaro och anmälningar är registeruppgifter för alla elever: de redovisas som antal "
        "och andelar, utan osäkerhetsintervall. Enkätindikatorer hämtas från respektive enkät; rektorsenkäten är en "
        "totalundersökning, elevenkätens skattningar har osäkerhetsintervall, och en skattning vars intervall innehåller "
        "målvärdet bedöms som inom felmarginalen. En indikator utan uppgift eller utan målvärde bedöms aldrig som uppnådd "
        "eller inte uppnådd. Personnummer och namn i frånvaroexporten ersätts med en pseudonym när filen läses, och "
        "anmälningarnas beskrivningar läses aldrig in."
    )

    def method(self, provenance_html: str) -> Html:
        # The provenance section is markup from the provenance module, shown as it is.
        return render("method.html.j2", __file__, method=self.METHOD, provenance=Html(provenance_html))

    # -- the committee documents ---------------------------------------------------------------

    def committee(self):
        """The tjänsteskrivelse's and the deck's content: the scorecard's sentences and the absence chart."""
        from ...committee import CommitteeContent, Figure, quality_lines

        opening, by_word = self._summary_parts()
        lines = [f"{word}: {' '.join(items)}" for word, items in by_word.items() if items]
        statuses = self.statuses()
        assessment = [f"Inte uppnått: {item}" for item in by_word[NOT_ACHIEVED]]
        assessment += [f"Kan inte bedömas: {item}" for item in by_word[CANNOT_JUDGE]]
        unfinished = statuses[statuses["status"] != "Genomförd"]
        if len(unfinished):
            assessment.append(
                f"{len(unfinished)} av {len(statuses)} insatser är inte genomförda: "
                + "; ".join(f"{t} ({s.lower()})" for t, s in zip(unfinished["text"], unfinished["status"]))
                + "."
            )
        found = absence_figure(self.tables.get("franvaro"), self.plan.franvarogranser)
        figures = [Figure("Elever med hög frånvaro", *found)] if found else []
        return CommitteeContent(
            title=input_contract().title,
            label=self.label(),
            synthetic=self.synthetic,
            summary=[f"{self.plan.namn}: {self.plan.omrade.lower()}. {opening}", *lines],
            highlights=[opening, *lines],
            assessment=assessment,
            figures=figures,
            quality=quality_lines(self.quality),
            method=self.METHOD,
            manifest=self.manifest,
        )
