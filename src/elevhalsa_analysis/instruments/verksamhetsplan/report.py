"""The operations-plan report's sections as escaped HTML, from one period's processed folder.

The scorecard (målkort) puts every indicator beside its target and one assessment word;
the word carries a symbol that survives black-and-white printing, and a colour only
accompanies it. Register figures are counts of a census; small counts below a unit are
shown as "1–4" with the complementary cell hidden, municipal totals never.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ... import plots
from ...formatting import fmt_decimal, fmt_int, fmt_pct, fmt_pct_range
from ...instrument import IndicatorValue
from ...markup import Html, esc, heading_html, quality_html, table_html
from ...processed import PERIODS, Processed
from ...sections_units import SMALL, SMALL_FOOTNOTE, funnel_section, per_100
from ...suppression import MIN_GROUP, suppress
from ...units import unit_names
from . import measures as m
from .contract import contract_labels, input_contract
from .plan import (
    ACHIEVED,
    CANNOT_JUDGE,
    NO_STATUS,
    NOT_ACHIEVED,
    WITHIN_MARGIN,
    Assessment,
    IndicatorSpec,
    Plan,
    assess,
    suppressed,
)
from .units import absence_units, report_units

NOT_WORSE = (
    "Fler anmälningar behöver inte betyda fler kränkningar: en förändring kan också bero på att personalen anmäler "
    "oftare. Antalet redovisas därför utan att kallas bättre eller sämre."
)
# Assessment and status words in a sentence, singular and plural.
COUNT_WORDS = {
    ACHIEVED: ("uppnådd", "uppnådda"),
    NOT_ACHIEVED: ("inte uppnådd", "inte uppnådda"),
    WITHIN_MARGIN: ("inom felmarginalen", "inom felmarginalen"),
    CANNOT_JUDGE: ("kan inte bedömas", "kan inte bedömas"),
}
STATUS_WORDS = {
    "Genomförd": ("genomförd", "genomförda"),
    "Påbörjad": ("påbörjad", "påbörjade"),
    "Ej påbörjad": ("ej påbörjad", "ej påbörjade"),
    "Avbruten": ("avbruten", "avbrutna"),
    NO_STATUS: ("utan uppgift", "utan uppgift"),
}


def small_counts(counts: dict[str, int]) -> dict[str, str]:
    """Counts below a municipal total: "1–4" for small ones, "–" for a complementary cell."""
    shown = suppress(counts, sum(counts.values()))
    return {g: fmt_int(n) if shown[g] is not None else (SMALL if 0 < n < MIN_GROUP else "–") for g, n in counts.items()}


def _number(value: float, unit: str) -> str:
    if unit == m.PERCENT:
        return fmt_pct(value / 100, 1)
    return f"{fmt_decimal(value, 1)} {unit}".strip()


def value_text(v: IndicatorValue | None) -> str:
    """The value with its denominator: '11,0 % (954 av 8 690)'."""
    if v is None:
        return "–"
    if v.value is None:
        return "uppgift saknas"
    text = _number(v.value, v.unit)
    if v.unit == m.PER_100 and v.denominator:
        text += f" ({fmt_int(v.numerator)} anmälningar, {fmt_int(v.denominator)} elever)"
    elif v.unit == m.DAYS and v.denominator:
        text += f" (median av {fmt_int(v.denominator)} ärenden)"
    elif v.interval and v.denominator:
        # A weighted estimate: the counts are the answers behind it, not its fraction.
        text += (
            f" (skattning; {fmt_int(v.numerator)} av {fmt_int(v.denominator)} som svarat), "
            f"95 % KI {fmt_pct_range(v.interval[0] / 100, v.interval[1] / 100)}"
        )
    elif v.numerator is not None and v.denominator:
        text += f" ({fmt_int(v.numerator)} av {fmt_int(v.denominator)})"
    return text


def shown_value(spec: IndicatorSpec, v: IndicatorValue | None) -> str:
    if v is not None and suppressed(spec, v):
        return f"{SMALL} anmälningar (visas inte)"
    return value_text(v)


def target_text(spec: IndicatorSpec) -> str:
    if spec.malvarde is None:
        return "inget målvärde" if spec.riktning != "ingen" else "inget mål (ingen önskad riktning)"
    word = "minst" if spec.riktning == "hogre" else "högst"
    return f"{word} {_number(spec.malvarde, m.get(m.key(spec.kalla, spec.matt)).unit)}"


def assessment_text(a: Assessment) -> str:
    return f"{a.symbol} {a.word}" + (f": {a.reason}" if a.reason else "")


def status_sentence(statuses: list[str]) -> str:
    """'6 av 10 insatser är genomförda, 3 påbörjade, 1 ej påbörjad'."""
    total = len(statuses)
    count = {s: statuses.count(s) for s in STATUS_WORDS}
    done = count["Genomförd"]
    parts = [f"{done} av {total} insatser är {STATUS_WORDS['Genomförd'][done != 1]}"]
    parts += [f"{n} {STATUS_WORDS[s][n != 1]}" for s, n in count.items() if s != "Genomförd" and n]
    return ", ".join(parts)


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

    # -- sections --------------------------------------------------------------------------

    def title(self) -> Html:
        parts = [heading_html(input_contract().title, self.label(), self.synthetic, self.quality)]
        parts.append(
            f"<p>{esc(self.plan.namn)}: {esc(self.plan.omrade.lower())}. Rapporten följer upp planens "
            f"{len(self.plan.indikatorer)} indikatorer och {len(self.plan.insatser)} insatser.</p>"
        )
        return Html("".join(parts))

    def _summary_parts(self) -> tuple[str, dict[str, list[str]]]:
        """The opening sentence and, per assessment word, one line per indicator."""
        by_word: dict[str, list[str]] = {ACHIEVED: [], NOT_ACHIEVED: [], WITHIN_MARGIN: [], CANNOT_JUDGE: []}
        for spec, a in zip(self.plan.indikatorer, self.assessments().values()):
            v = self.current[spec.id]
            if a.word == CANNOT_JUDGE:
                by_word[a.word].append(f"{spec.namn}: {a.reason}.")
            else:
                by_word[a.word].append(f"{spec.namn}: {shown_value(spec, v)}, mål {target_text(spec)}.")
        n = len(self.plan.indikatorer)
        counts = [f"{len(items)} {COUNT_WORDS[word][len(items) != 1]}" for word, items in by_word.items() if items]
        return (
            f"Av planens {n} indikatorer: {', '.join(counts)}. {status_sentence(self.statuses()['status'].tolist())}.",
            by_word,
        )

    def summary(self) -> Html:
        """What was reached, what was not and what cannot be judged, and why."""
        opening, by_word = self._summary_parts()
        parts = [f'<h2 id="sammanfattning">Sammanfattning</h2><p>{esc(opening)}</p>']
        headings = {
            ACHIEVED: "Uppnått",
            NOT_ACHIEVED: "Inte uppnått",
            WITHIN_MARGIN: "Inom felmarginalen",
            CANNOT_JUDGE: "Kan inte bedömas – och varför",
        }
        for word, items in by_word.items():
            if items:
                parts.append(
                    f"<h3>{esc(Assessment(word).symbol)} {esc(headings[word])}</h3><ul>"
                    + "".join(f"<li>{esc(t)}</li>" for t in items)
                    + "</ul>"
                )
        return Html("".join(parts))

    def scorecard(self) -> Html:
        assessments = self.assessments()
        prev_label = self.label("foregaende")
        rows = []
        for spec in self.plan.indikatorer:
            base = spec.utgangslage
            rows.append(
                {
                    "Indikator": spec.namn,
                    "Värde": shown_value(spec, self.current[spec.id]),
                    "Föregående period": (
                        f"{shown_value(spec, self.previous[spec.id])} ({prev_label})" if spec.id in self.previous else "–"
                    ),
                    "Utgångsläge": f"{_number(base.varde, m.get(m.key(spec.kalla, spec.matt)).unit)} ({base.ar})"
                    if base
                    else "–",
                    "Målvärde": target_text(spec),
                    "Bedömning": assessment_text(assessments[spec.id]),
                }
            )
        footnote = (
            "Bedömningen: ✔ Uppnått, ✖ Inte uppnått, ≈ Inom felmarginalen (en enkätskattning vars intervall "
            "innehåller målvärdet), ? Kan inte bedömas (med skälet). Registeruppgifter är totalräkningar: antal och "
            "andelar utan osäkerhetsintervall. En förändring från föregående period redovisas som antal; den kallas "
            "inte bättre eller sämre för indikatorer utan önskad riktning."
        )
        if prev_label is None:
            footnote += " Det finns ingen föregående period att jämföra med."
        return Html(
            '<h2 id="malkort">Målkort</h2>'
            + table_html(
                pd.DataFrame(rows),
                f"Planens indikatorer {self.label()}",
                footnote=footnote,
                classes={"Bedömning": [assessments[s.id].css for s in self.plan.indikatorer]},
            )
        )

    def insatser(self) -> Html:
        statuses = self.statuses()
        assessments = self.assessments()
        pointers = {ins.id: ins.indikatorer for ins in self.plan.insatser}
        rows = pd.DataFrame(
            {
                "Insats": statuses["text"],
                "Status": statuses["status"],
                "Ansvarig": statuses["ansvarig"],
                "Kommentar": statuses["kommentar"],
                "Indikatorer och bedömning": [
                    "; ".join(
                        f"{self.plan.indicator(i).namn}: {assessments[i].symbol} {assessments[i].word}" for i in pointers[iid]
                    )
                    or "–"
                    for iid in statuses["id"]
                ],
            }
        )
        commented = any(statuses["kommentar"])
        if not commented:
            rows = rows.drop(columns="Kommentar")
        return Html(
            f'<h2 id="insatser">Insatser</h2><p>{esc(status_sentence(statuses["status"].tolist()))}.'
            + ("" if commented else " Ingen ansvarig har lämnat någon kommentar.")
            + "</p>"
            + table_html(
                rows,
                "Planens insatser, status och de indikatorer de syftar till",
                footnote=(
                    "Ansvarig är en enhet, inte en person."
                    + (
                        " Kommentarerna är skrivna av de ansvariga; namn, "
                        "personnummer, e-postadresser och telefonnummer har ersatts med markeringar."
                        if commented
                        else ""
                    )
                ),
            )
        )

    # -- registers -------------------------------------------------------------------------

    def _missing(self, table: str) -> str:
        return (
            f"<p>Uppgift saknas: {esc(m.SOURCE_FILES[table])} finns inte i mappen {esc(self.period)}, så avsnittet "
            "kan inte visas.</p>"
        )

    def absence(self) -> Html:
        head = '<h2 id="franvaro">Frånvaro</h2>'
        franvaro = self.tables.get("franvaro")
        if franvaro is None:
            return Html(head + self._missing("franvaro"))
        limits = self.plan.franvarogranser
        rows = []
        for term in m.terms(franvaro):
            for limit in limits:
                r = m.high_absence(franvaro, limit, term).iloc[0]
                rows.append(
                    {
                        "Termin": term,
                        "Gräns": f"minst {fmt_decimal(limit, 0)} %",
                        "Elever med hög frånvaro": fmt_int(r["hog"]),
                        "Elever med schemalagd tid": fmt_int(r["elever"]),
                        "Andel": fmt_pct(r["hog"] / r["elever"] if r["elever"] else None, 1),
                    }
                )
        found = m.terms(franvaro)
        sentences = []
        if len(found) >= 2:
            for limit in limits:
                both, present = m.repeated_high_absence(franvaro, limit, *found[-2:])
                sentences.append(
                    f"{fmt_int(both)} av {fmt_int(present)} elever som fanns med både {found[-2]} och {found[-1]} "
                    f"({fmt_pct(both / present if present else None, 1)}) hade minst {fmt_decimal(limit, 0)} % frånvaro båda terminerna."
                )
        unscheduled = m.unscheduled_rows(franvaro)
        if unscheduled:
            sentences.append(f"{fmt_int(unscheduled)} rader utan schemalagd tid är inte medräknade.")
        parts = [
            head,
            "<p>Frånvaro = giltig och ogiltig frånvaro som andel av den schemalagda tiden. En elev som bytt "
            "skolenhet under terminen räknas en gång i kommunens siffror, med minuterna från båda enheterna.</p>",
            table_html(
                pd.DataFrame(rows),
                "Elever med hög frånvaro per termin, hela kommunen",
                numeric=["Elever med hög frånvaro", "Elever med schemalagd tid", "Andel"],
            ),
            "".join(f"<p>{esc(s)}</p>" for s in sentences),
        ]
        elevantal = self.tables.get("elevantal")
        if elevantal is not None:
            parts.append(self._absence_by_skolform(franvaro, elevantal, found[-1], limits))
        parts.append(self._absence_funnels(franvaro, limits))
        return Html("".join(parts))

    def _absence_funnels(self, franvaro: pd.DataFrame, limits: list[float]) -> str:
        names = unit_names(self.tables.get("elevantal"), franvaro)
        return "<h3>Skolenheterna jämförda med kommunen</h3>" + "".join(
            funnel_section(
                absence_units(franvaro, limit, term),
                names,
                f"Minst {fmt_decimal(limit, 0)} % frånvaro, {term}",
                "Elever med schemalagd tid vid enheten",
                "Andel med hög frånvaro (%)",
            )
            for term in m.terms(franvaro)
            for limit in limits
        )

    def _absence_by_skolform(self, franvaro: pd.DataFrame, elevantal: pd.DataFrame, term: str, limits: list[float]) -> str:
        forms = elevantal.drop_duplicates("skolenhetskod").set_index("skolenhetskod")["skolform"]
        with_form = franvaro.assign(skolform=franvaro["skolenhetskod"].map(forms).fillna("Okänd skolenhet"))
        columns: dict[str, dict[str, str]] = {}
        students = None
        for limit in limits:
            table = m.high_absence(with_form, limit, term, by=["skolform"])
            students = dict(zip(table["skolform"], table["elever"]))
            columns[f"Minst {fmt_decimal(limit, 0)} %"] = small_counts(dict(zip(table["skolform"], table["hog"])))
        if not students or len(students) < 2:
            return ""
        frame = pd.DataFrame(
            {
                "Skolform": list(students),
                "Elever med schemalagd tid": [fmt_int(n) for n in students.values()],
                **{k: [v[g] for g in students] for k, v in columns.items()},
            }
        )
        return table_html(
            frame, f"Elever med hög frånvaro per skolform, {term}", numeric=list(frame.columns[1:]), footnote=SMALL_FOOTNOTE
        )

    def reports(self) -> Html:
        head = '<h2 id="krankningar">Anmälningar om kränkande behandling och trakasserier</h2>'
        reports, elevantal = self.tables.get("krankningar"), self.tables.get("elevantal")
        if reports is None:
            return Html(head + self._missing("krankningar"))
        parts = [head, f"<p>{esc(NOT_WORSE)}</p>"]
        total = len(reports)
        staff = reports[reports["utovare"] == "Personal"]
        sentence = f"Under perioden gjordes {fmt_int(total)} anmälningar om kränkande behandling eller trakasserier"
        if elevantal is not None:
            students = m.enrolled(elevantal)
            sentence += f", {fmt_decimal(100 * total / students, 1)} per 100 elever ({fmt_int(students)} inskrivna elever)"
        parts.append(
            f"<p>{esc(sentence)}. Av dem gällde {fmt_int(len(staff))} personal som utövare; de redovisas för sig nedan.</p>"
        )
        prev = self.previous.get(
            next(
                (
                    s.id
                    for s in self.plan.indikatorer
                    if s.matt == "per_100_elever" and s.utovare is None and s.typ is None and s.skolform is None
                ),
                "",
            )
        )
        if prev is not None and prev.value is not None:
            parts.append(f"<p>Föregående period ({esc(self.label('foregaende'))}): {esc(value_text(prev))}.</p>")
        closed = reports[reports["status"] == "Avslutad"]
        days_closed = (closed["avslutad"] - closed["anmald"]).dt.days.dropna()
        days_principal = (reports["till_huvudman"] - reports["anmald"]).dt.days.dropna()
        if not total:
            parts.append("<p>Inga ärenden att följa upp: ingen anmälan gjordes under perioden.</p>")
        else:
            parts.append(
                f"<p>{fmt_int(len(closed))} av {fmt_int(total)} ärenden ({esc(fmt_pct(len(closed) / total, 1))}) "
                "är avslutade. "
                + (
                    f"Median {fmt_decimal(days_closed.median(), 1)} dagar från anmälan till avslut "
                    f"({fmt_int(len(days_closed))} ärenden med avslutsdatum). "
                    if len(days_closed)
                    else ""
                )
                + (
                    f"Median {fmt_decimal(days_principal.median(), 1)} dagar från anmälan till att huvudmannen fick den "
                    f"({fmt_int(len(days_principal))} ärenden med datum)."
                    if len(days_principal)
                    else ""
                )
                + "</p>"
            )
        if elevantal is not None:
            parts.append(self._by_type(reports, elevantal))
            parts.append(self._by_skolform(m.with_skolform(reports, elevantal), elevantal))
            parts.append(self._staff(m.with_skolform(staff, elevantal), elevantal))
            parts.append(
                funnel_section(
                    report_units(reports, elevantal),
                    unit_names(elevantal),
                    "Anmälningar per 100 elever per skolenhet",
                    "Inskrivna elever vid enheten",
                    "Anmälningar per 100 elever",
                    value=per_100,
                )
            )
        else:
            parts.append(self._missing("elevantal"))
        return Html("".join(parts))

    def _by_type(self, reports: pd.DataFrame, elevantal: pd.DataFrame) -> str:
        students = m.enrolled(elevantal)
        rows = [
            {"Typ": typ, "Anmälningar": fmt_int(n), "Per 100 elever": fmt_decimal(100 * n / students, 2)}
            for typ in contract_labels("krankningar", "typ")
            for n in [int((reports["typ"] == typ).sum())]
        ]
        rows.append(
            {
                "Typ": "Alla anmälningar",
                "Anmälningar": fmt_int(len(reports)),
                "Per 100 elever": fmt_decimal(100 * len(reports) / students, 2),
            }
        )
        return table_html(pd.DataFrame(rows), "Anmälningar per typ, hela kommunen", numeric=["Anmälningar", "Per 100 elever"])

    def _by_skolform(self, reports: pd.DataFrame, elevantal: pd.DataFrame) -> str:
        # Types and school forms are shown as margins, never crossed: a cross table with
        # municipal totals would let a hidden small cell be worked out from its row and column.
        forms = [f for f in contract_labels("elevantal", "skolform") if f in set(elevantal["skolform"])]
        raw = {f: int((reports["skolform"] == f).sum()) for f in forms}
        shown = small_counts(raw)
        rows = [
            {
                "Skolform": f,
                "Elever": fmt_int(m.enrolled(elevantal, f)),
                "Anmälningar": shown[f],
                "Per 100 elever": fmt_decimal(100 * raw[f] / m.enrolled(elevantal, f), 2)
                if shown[f] not in (SMALL, "–")
                else "–",
            }
            for f in forms
        ]
        rows.append(
            {
                "Skolform": "Hela kommunen",
                "Elever": fmt_int(m.enrolled(elevantal)),
                "Anmälningar": fmt_int(len(reports)),
                "Per 100 elever": fmt_decimal(100 * len(reports) / m.enrolled(elevantal), 2),
            }
        )
        return table_html(
            pd.DataFrame(rows),
            "Anmälningar per skolform",
            numeric=["Elever", "Anmälningar", "Per 100 elever"],
            footnote=SMALL_FOOTNOTE,
        )

    def _staff(self, staff: pd.DataFrame, elevantal: pd.DataFrame) -> str:
        rows = [
            {"Typ": typ, "Anmälningar": fmt_int(int((staff["typ"] == typ).sum()))}
            for typ in contract_labels("krankningar", "typ")
        ]
        rows.append({"Typ": "Totalt", "Anmälningar": fmt_int(len(staff))})
        return (
            "<h3>Anmälningar där personal är utövare</h3><p>Anmälningar om kränkningar från personal mot elever redovisas "
            f"alltid för sig: {fmt_int(len(staff))} anmälningar, {fmt_decimal(100 * len(staff) / m.enrolled(elevantal), 2)} per "
            "100 elever.</p>"
            + table_html(pd.DataFrame(rows), "Anmälningar där personal är utövare, hela kommunen", numeric=["Anmälningar"])
        )

    def reports_by_unit(self) -> Html:
        """Reports per unit, one row per unit: the researchers' variant only, as the student
        survey's unit tables; leadership sees the funnel plot, every unit its profile."""
        reports, elevantal = self.tables.get("krankningar"), self.tables.get("elevantal")
        if reports is None or elevantal is None:
            return Html("")
        return Html(self._by_unit(reports, elevantal))

    def _by_unit(self, reports: pd.DataFrame, elevantal: pd.DataFrame) -> str:
        units = elevantal.groupby(["skolenhet", "skolenhetskod", "skolform"], sort=True)["antal"].sum().reset_index()
        counts = reports["skolenhetskod"].value_counts()
        raw = {code: int(counts.get(code, 0)) for code in units["skolenhetskod"]}
        shown = small_counts(raw)
        frame = pd.DataFrame(
            {
                "Skolenhet": units["skolenhet"],
                "Skolform": units["skolform"],
                "Elever": units["antal"].astype(int).map(fmt_int),
                "Anmälningar": [shown[c] for c in units["skolenhetskod"]],
                "Per 100 elever": [
                    fmt_decimal(100 * raw[c] / n, 1) if shown[c] not in (SMALL, "–") and n else "–"
                    for c, n in zip(units["skolenhetskod"], units["antal"])
                ],
            }
        )
        outside = len(reports) - sum(raw.values())
        total = {
            "Skolenhet": "Hela kommunen",
            "Skolform": "",
            "Elever": fmt_int(m.enrolled(elevantal)),
            "Anmälningar": fmt_int(len(reports)),
            "Per 100 elever": fmt_decimal(100 * len(reports) / m.enrolled(elevantal), 1),
        }
        note = SMALL_FOOTNOTE + (
            f" {outside} anmälningar gäller skolenheter som saknas i elevantal.csv och ingår bara i totalen." if outside else ""
        )
        return table_html(
            pd.concat([frame, pd.DataFrame([total])], ignore_index=True),
            "Anmälningar per skolenhet",
            numeric=["Elever", "Anmälningar", "Per 100 elever"],
            footnote=note,
        )

    def kolada(self) -> Html:
        head = '<h2 id="kolada">Jämförelser från Kolada</h2>'
        specs = [s for s in self.plan.indikatorer if s.kalla == "kolada"]
        if not specs:
            return Html("")
        kolada = self.tables.get("kolada")
        if kolada is None:
            return Html(head + self._missing("kolada"))
        parts = [head]
        for spec in specs:
            places = [(self.plan.kommunkod, "Kommunen"), *((c.id, c.namn) for c in spec.jamfor_med)]
            years = sorted(kolada.loc[kolada["kpi"] == spec.kpi, "ar"].unique())
            rows, points = [], []
            for code, name in places:
                cells = {str(y): m.kolada_value(kolada, spec.kpi, code, int(y)) for y in years}
                rows.append(
                    {
                        "": f"{name} ({code})",
                        **{y: "uppgift saknas" if v is None else fmt_decimal(v, 1) for y, v in cells.items()},
                    }
                )
                points += [{"question": code, "label": y, "share": v / 100} for y, v in cells.items() if v is not None]
            if points and len(years) > 1:
                # Kolada's values are in the KPI's own unit; share = value / 100 only feeds the chart's scale.
                png, alt = plots.trend_chart(
                    pd.DataFrame(points).sort_values("label", kind="stable"),
                    {code: f"{name} ({code})" for code, name in places},
                    "Värde enligt Kolada",
                    f"{spec.namn.lower()} (Kolada {spec.kpi})",
                    lambda s: fmt_decimal(100 * s, 1),
                    ylim=(0, None),
                )
                parts.append(plots.figure_html(png, alt, f"{spec.namn}: kommunen och jämförelserna per år (Kolada {spec.kpi})."))
            parts.append(
                table_html(
                    pd.DataFrame(rows),
                    f"{spec.namn} (Kolada {spec.kpi})",
                    numeric=[str(y) for y in years],
                    footnote="Källa: Kolada (RKA). «uppgift saknas» = Kolada har inget värde för året.",
                )
            )
        if any(s.kalla == "elevenkat" for s in self.plan.indikatorer):
            parts.append(
                '<p class="fotnot">Kolada redovisar också Skolinspektionens Skolenkät. Planen anger ingen Kolada-KPI '
                "från Skolenkäten som motsvarar en fråga i kommunens elevenkät, så de två visas inte sida vid sida. "
                "Jämförs de ändå: metoderna skiljer sig (Skolenkäten har Skolinspektionens urval, år och svarsfrekvens; "
                "kommunens elevenkät skattas för alla elever i årskursen), så en skillnad mellan dem behöver inte "
                "vara en verklig skillnad.</p>"
            )
        return Html("".join(parts))

    def absence_figure(self) -> tuple[bytes, str, str, str] | None:
        """High absence per term for the whole municipality: PNG, alt text, caption, sentence."""
        franvaro = self.tables.get("franvaro")
        if franvaro is None:
            return None
        rows, students = [], {}
        for term in m.terms(franvaro):
            for limit in self.plan.franvarogranser:
                r = m.high_absence(franvaro, limit, term).iloc[0]
                students[term] = int(r["elever"])
                rows.append(
                    {
                        "question": limit,
                        "label": term,
                        "share": r["hog"] / r["elever"] if r["elever"] else None,
                        "count": (int(r["hog"]), int(r["elever"])),
                    }
                )
        table = pd.DataFrame(rows).dropna(subset=["share"])
        if table.empty:
            return None
        titles = {limit: f"Minst {fmt_decimal(limit, 0)} % frånvaro" for limit in self.plan.franvarogranser}
        png, alt = plots.trend_chart(
            table,
            titles,
            ylabel="Andel av eleverna med schemalagd tid (%)",
            subject="andelen elever med hög frånvaro",
            value_text=lambda v: fmt_pct(v, 1),
            ylim=None,
        )
        last = table[table["label"] == table["label"].iloc[-1]]
        sentence = (
            f"{last['label'].iloc[0]}: "
            + "; ".join(
                f"{fmt_int(h)} av {fmt_int(n)} elever ({fmt_pct(h / n, 1)}) hade minst {fmt_decimal(q, 0)} % frånvaro"
                for q, (h, n) in zip(last["question"], last["count"])
            )
            + "."
        )
        caption = (
            "Andel elever med hög frånvaro per termin, av alla elever med schemalagd tid: "
            + ", ".join(f"{t} {fmt_int(n)} elever" for t, n in students.items())
            + "."
        )
        return png, alt, caption, sentence

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
        found = self.absence_figure()
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
        return Html(f'<h2 id="metod">Metod</h2><p>{esc(self.METHOD)}</p>' + provenance_html)
