"""Funnel sections and the unit profiles, as escaped HTML (issue 10).

A unit profile is one school unit's figures beside the municipality's, for its principal
and area manager. Profiles are written with `report.standalone_page`, not a notebook each:
a period has many units, and a notebook per unit would take minutes. Nothing here ranks
units: tables are ordered by unit code, and a unit is called deviating only outside the
funnel's 99,8 % limits. Hidden cells stay hidden: the profiles read the `dold` flags that
`units.py` set by the same rules as the reports, so a profile shows no more than the
report beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import plots, registry, units
from .codebook import load_codebook
from .fileio import atomic_write_text
from .formatting import fmt_decimal, fmt_int, fmt_pct, fmt_pct_range
from .instrument import UnitContribution
from .markup import SYNTHETIC_BANNER, UNITS_DIR, esc, table_html
from .markup import UNITS_INDEX as INDEX_PAGE
from .measures import term_sort_key
from .report import standalone_page
from .suppression import FOOTNOTE, MIN_GROUP

DASH = "–"
SMALL = "1–4"
SMALL_FOOTNOTE = (
    f"{SMALL} = mellan en och fyra; det exakta antalet visas inte för att skydda enskilda elever. – = dold uppgift, så att "
    "ett litet antal inte kan räknas fram ur totalen. Kommunens totaler visas alltid."
)
WITHIN = "inom gränserna"
NOT_A_RANKING = (
    "Gränserna är vidare för små enheter, där slumpen betyder mer. Bara en enhet utanför 99,8 %-gränserna avviker mer än "
    "slumpen rimligen förklarar; tabellen är ordnad efter skolenhetskod och är ingen rangordning."
)
# The leadership report's longest table: per-unit detail beyond it goes to the profiles and
# the researchers' variant.
MAX_TABLE_ROWS = 40
NO_COMPETENCE = "uppgift saknas: ingen rektorsenkät för perioden"
Format = Callable[[float], str]


def pct(share: float) -> str:
    return fmt_pct(share, 1)


def per_100(share: float) -> str:
    return f"{fmt_decimal(100 * share, 1)} per 100 elever"


def count_cell(events: int, hidden: bool) -> str:
    """A census count: "1–4" for a small hidden one, "–" for a complementary cell."""
    if not hidden:
        return fmt_int(int(events))
    return SMALL if 0 < events < MIN_GROUP else DASH


def flag_text(hidden: bool, n: int, flag: str) -> str:
    return DASH if hidden or not n else (flag or WITHIN)


def funnel_section(
    frame: pd.DataFrame, names: dict[str, str], title: str, xlabel: str, ylabel: str, value: Format = pct, scale: float = 100.0
) -> str:
    """A funnel plot of one indicator, the deviating units by code, the method, and the
    hidden units named. `frame` has skolenhetskod, n, events, dold and kommun."""
    target = float(frame["kommun"].iloc[0]) if len(frame) else 0.0
    found = units.unit_funnel(frame, target)
    hidden = sorted(names.get(c, c) for c in frame.loc[frame["dold"].astype(bool), "skolenhetskod"])
    parts = [f"<h3>{esc(title)}</h3>"]
    if found is None:
        parts.append("<p>Ingen skolenhet kan visas.</p>")
    else:
        png, alt = plots.funnel_plot(found, xlabel, ylabel, scale, value, names)
        parts.append(
            plots.figure_html(
                png,
                f"{title}. {alt}",
                f"{title}: varje punkt är en skolenhet. Kommunens värde "
                f"{value(found.target)}; streckat 95 %, heldraget 99,8 % kontrollgränser.",
            )
        )
        out = found.table[found.table["avvikelse"] != ""]
        if len(out) > MAX_TABLE_ROWS:
            parts.append(
                "".join(
                    f"<p>{esc(word.capitalize())} ({fmt_int(len(group))} skolenheter, i skolenhetskodens ordning): "
                    f"{esc(', '.join(names.get(c, c) for c in group['unit']))}.</p>"
                    for word, group in out.groupby("avvikelse", sort=True)
                )
                + f"<p>{esc(NOT_A_RANKING)}</p>"
            )
        elif len(out):
            parts.append(
                table_html(
                    pd.DataFrame(
                        {
                            "Skolenhetskod": out["unit"],
                            "Skolenhet": [names.get(c, c) for c in out["unit"]],
                            "Värde": [
                                f"{value(s)} ({fmt_int(int(x))} av {fmt_int(int(n))})"
                                for s, x, n in zip(out["share"], out["events"], out["n"])
                            ],
                            "Jämfört med kommunen": out["avvikelse"],
                        }
                    ),
                    f"{title}: skolenheter utanför 99,8 %-gränserna",
                    numeric=["Värde"],
                    footnote=NOT_A_RANKING,
                )
            )
        else:
            parts.append(f"<p>Ingen skolenhet ligger utanför 99,8 %-gränserna. {esc(NOT_A_RANKING)}</p>")
        parts.append(f'<p class="fotnot">{esc(found.method)}</p>')
    if hidden:
        parts.append(
            f'<p class="fotnot">Visas inte (för få för att visas, eller dolda så att ett litet antal inte kan räknas '
            f"fram): {esc(', '.join(hidden))}.</p>"
        )
    return "".join(parts)


# --- unit profiles ----------------------------------------------------------------------------


@dataclass
class UnitData:
    """What every profile of a follow-up period reads, loaded once from its processed folder."""

    period: str
    label: str
    synthetic: bool
    units: pd.DataFrame  # skolenhetskod, skolenhet, skolform; ordered by code
    tables: dict[str, pd.DataFrame]
    periods: pd.DataFrame  # the follow-up periods (current and previous) with labels
    surveys: dict[str, list[dict]]  # instrument → its periods read ({period, label, end}), oldest first

    @classmethod
    def load(cls, folder: Path) -> UnitData:
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        tables = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("enheter_*.parquet"))}
        path = folder / "elevantal.parquet"
        enrolled = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=["skolenhetskod", "skolenhet", "skolform"])
        listed = enrolled.drop_duplicates("skolenhetskod")[["skolenhetskod", "skolenhet", "skolform"]]
        periods = pd.read_parquet(folder / "perioder.parquet")
        return cls(
            manifest["period"],
            manifest["label"],
            bool(periods["syntetisk"].any()),
            listed.sort_values("skolenhetskod").reset_index(drop=True),
            tables,
            periods,
            manifest.get("enkatperioder", {}),
        )

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units["skolenhetskod"], self.units["skolenhet"]))

    def period_label(self, period: str) -> str:
        rows = self.periods[self.periods["period"] == period]
        return str(rows["label"].iloc[0]) if len(rows) else period

    def own_survey(self, instrument: str) -> dict | None:
        found = self.surveys.get(instrument, [])
        return found[-1] if found else None


def survey_section(mine: pd.DataFrame, surveys: list[dict]) -> str:
    """The student survey's section of one unit's profile: `mine` is the unit's rows of
    `units.survey_units` of the `surveys` ({period, label}, oldest first; the last is the
    profile's own), so earlier surveys give the trend."""
    head = '<h2 id="elevenkat">Elevenkäten</h2>'
    own = surveys[-1]
    now = mine[mine["enkatperiod"] == own["period"]]
    if now.empty:
        return head + f"<p>Uppgift saknas: enheten har inga årskurser som elevenkäten {esc(own['label'])} frågar.</p>"
    codebook = load_codebook("elevenkat")
    titles = {q.id: q.short for v in codebook.versions for q in v.closed_questions}
    labels = {s["period"]: s["label"] for s in surveys}
    parts = [
        head,
        response_sentence(now, own["label"]),
        f"<p>Elevenkäten {esc(own['label'])}: andel positiva svar (för Blivit kränkt andelen Ja) bland enhetens "
        "elever som besvarat frågan, med 95 % intervall, bredvid kommunens skattning för hela årskursen.</p>",
    ]
    hidden_any = False
    for arskurs, part in now.groupby("arskurs", sort=False):
        rows = []
        for r in part.itertuples():
            hidden_any |= bool(r.dold)
            shown = not r.dold and r.n > 0
            rows.append(
                {
                    "Fråga": titles.get(r.fraga, r.fraga),
                    "Enheten": f"{pct(r.events / r.n)} ({fmt_int(r.events)} av {fmt_int(r.n)})"
                    if shown
                    else (DASH if r.dold else "inga svar"),
                    "95 % intervall": fmt_pct_range(r.lag, r.hog) if shown else DASH,
                    "Kommunen (skattning)": f"{pct(r.kommun)} ({fmt_pct_range(r.kommun_lag, r.kommun_hog)})"
                    if r.skattning
                    else DASH,
                    "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
                }
            )
        parts.append(
            table_html(
                pd.DataFrame(rows), f"{arskurs}, {own['label']}", numeric=["Enheten", "95 % intervall", "Kommunen (skattning)"]
            )
        )
        trend = mine[mine["arskurs"] == arskurs]
        if trend["enkatperiod"].nunique() > 1:
            wide = {}
            for r in trend.itertuples():
                cell = DASH if r.dold or not r.n else f"{pct(r.events / r.n)} ({fmt_int(r.events)} av {fmt_int(r.n)})"
                wide.setdefault(titles.get(r.fraga, r.fraga), {})[labels.get(r.enkatperiod, r.enkatperiod)] = cell
            frame = pd.DataFrame.from_dict(wide, orient="index").fillna(DASH)
            frame.insert(0, "Fråga", frame.index)
            parts.append(
                table_html(
                    frame.reset_index(drop=True),
                    f"{arskurs}: enhetens andel per enkät",
                    numeric=list(frame.columns[1:]),
                    footnote="Elevenkätens frågor jämförs bara när "
                    "formulering och svarsalternativ är desamma; andra årskullar svarar varje år.",
                )
            )
    if hidden_any:
        parts.append(f'<p class="fotnot">{esc(FOOTNOTE)}</p>')
    return "".join(parts)


def _absence(data: UnitData, code: str) -> tuple[str, str]:
    head = '<h2 id="franvaro">Frånvaro</h2>'
    table = data.tables.get("enheter_franvaro")
    if table is None:
        return head + "<p>Uppgift saknas: franvaro.xlsx eller franvaro.csv finns inte för perioden.</p>", ""
    mine = table[table["skolenhetskod"] == code]
    if mine.empty:
        return head + "<p>Frånvaroexporten har inga elever vid enheten.</p>", ""
    rows, trend = [], []
    for r in mine.itertuples():
        limit = f"minst {fmt_decimal(r.grans, 0)} %"
        rows.append(
            {
                "Termin": r.termin,
                "Gräns": limit,
                "Elever med schemalagd tid": fmt_int(r.n),
                "Elever med hög frånvaro": count_cell(r.events, r.dold),
                "Andel": DASH if r.dold else pct(r.events / r.n if r.n else 0.0),
                "Kommunen": pct(r.kommun),
                "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
            }
        )
        trend.append({"question": f"k{r.grans}", "label": r.termin, "share": r.kommun})
        if not r.dold and r.n:
            trend.append({"question": f"e{r.grans}", "label": r.termin, "share": r.events / r.n})
    order = {t: i for i, t in enumerate(sorted(mine["termin"].unique(), key=term_sort_key))}
    frame = pd.DataFrame(rows).sort_values(["Termin", "Gräns"], key=lambda s: s.map(order) if s.name == "Termin" else s)
    html = head + table_html(
        frame.reset_index(drop=True),
        "Elever med hög frånvaro vid enheten per termin",
        numeric=["Elever med schemalagd tid", "Elever med hög frånvaro", "Andel", "Kommunen"],
        footnote="Frånvaro = giltig och ogiltig frånvaro som andel av den schemalagda tiden. " + SMALL_FOOTNOTE,
    )
    chart = ""
    points = pd.DataFrame(trend)
    if points["label"].nunique() > 1:
        points = points.sort_values("label", key=lambda s: s.map(order), kind="stable")
        titles = {
            f"{w}{g}": f"{'Enheten' if w == 'e' else 'Kommunen'}, minst {fmt_decimal(g, 0)} %"
            for w in "ek"
            for g in mine["grans"].unique()
        }
        png, alt = plots.trend_chart(
            points, titles, "Andel med hög frånvaro (%)", "andelen elever med hög frånvaro", pct, ylim=(0, None)
        )
        chart = plots.figure_html(
            png, alt, "Andel elever med hög frånvaro per termin, enheten och kommunen. En dold uppgift saknar punkt."
        )
    return html, chart


def _reports(data: UnitData, code: str) -> str:
    head = '<h2 id="krankningar">Anmälningar om kränkande behandling och trakasserier</h2>'
    table = data.tables.get("enheter_anmalningar")
    if table is None:
        return head + "<p>Uppgift saknas: krankningar.xlsx eller elevantal.csv finns inte för perioden.</p>"
    mine = table[table["skolenhetskod"] == code]
    rows = [
        {
            "Period": data.period_label(r.period),
            "Elever": fmt_int(r.n),
            "Anmälningar": count_cell(r.events, r.dold),
            "Per 100 elever": DASH if r.dold or not r.n else fmt_decimal(100 * r.events / r.n, 1),
            "Kommunen per 100 elever": fmt_decimal(100 * r.kommun, 1),
            "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
        }
        for r in mine.sort_values("period").itertuples()
    ]
    if not rows:
        return head + "<p>Enheten finns inte i elevantal.csv.</p>"
    return (
        head
        + (
            "<p>Fler anmälningar behöver inte betyda fler kränkningar: en skillnad kan också bero på att personalen "
            "anmäler oftare.</p>"
        )
        + table_html(
            pd.DataFrame(rows),
            "Anmälningar vid enheten per period",
            numeric=["Elever", "Anmälningar", "Per 100 elever", "Kommunen per 100 elever"],
            footnote=SMALL_FOOTNOTE,
        )
    )


def competence_section(table: pd.DataFrame | None, own: dict | None, code: str) -> str:
    """Access to the competences by the principal survey `own` ({period, label}): the one
    organisational fact of that survey shown per unit."""
    head = '<h2 id="kompetenser">Tillgång till elevhälsans kompetenser</h2>'
    if table is None or own is None:
        return head + f"<p>{esc(NO_COMPETENCE.capitalize())}.</p>"
    mine = table[(table["skolenhetskod"] == code) & (table["enkatperiod"] == own["period"])]
    if mine.empty:
        return head + f"<p>Uppgift saknas: enheten finns inte med i rektorsenkäten {esc(own['label'])}.</p>"
    words = {1.0: "Ja", 0.0: "Nej"}
    rows = pd.DataFrame({"Kompetens": mine["kompetens"], "Tillgång": [words.get(v, "ej besvarad") for v in mine["tillgang"]]})
    return head + table_html(
        rows,
        f"Enligt rektorsenkäten {own['label']}",
        footnote=(
            "Tillgången är en uppgift om organisationen och visas därför per enhet. Rektorns övriga svar visas aldrig per enhet."
        ),
    )


def swedish_order(text: str) -> str:
    """A sort key in Swedish alphabetical order: å, ä, ö after z (code points put ä before å)."""
    return text.casefold().translate({ord("å"): "{", ord("ä"): "|", ord("ö"): "}"})


def response_sentence(now: pd.DataFrame, label: str) -> str:
    """The unit's response rate per year group, from its `survey_units` rows of one survey."""
    rates = now.drop_duplicates("arskurs")
    return (
        "<p>Svarsfrekvens i elevenkäten "
        + esc(label)
        + ": "
        + esc(
            "; ".join(
                f"{a}: {fmt_int(s)} av {fmt_int(n)} elever ({fmt_pct(s / n if n else None)})"
                for a, s, n in zip(rates["arskurs"], rates["svar"], rates["antal"])
            )
        )
        + ". Övriga svarade inte på enkäten.</p>"
    )


def _units_of(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop_duplicates("skolenhetskod")[["skolenhetskod", "skolenhet", "skolform"]].reset_index(drop=True)


def survey_contribution(table: pd.DataFrame, surveys: list[dict]) -> UnitContribution:
    """The student survey's part of the profiles and the index; `table` as in `survey_section`,
    with the units' skolenhet, skolform and `svar` (questionnaires sent in)."""
    own = surveys[-1]["period"]
    now = table[table["enkatperiod"] == own]
    per_unit = now.drop_duplicates(["skolenhetskod", "arskurs"]).groupby("skolenhetskod")[["svar", "antal"]].sum()
    coverage = {
        c: f"{fmt_pct(s / n if n else None)} ({fmt_int(s)} av {fmt_int(n)})"
        for c, s, n in zip(per_unit.index, per_unit["svar"], per_unit["antal"])
    }
    titles = {q.id: q.short for v in load_codebook("elevenkat").versions for q in v.closed_questions}
    out = now[(now["avvikelse"] != "") & ~now["dold"].astype(bool)]
    deviates: dict[str, list[str]] = {}
    for r in out.itertuples():
        deviates.setdefault(r.skolenhetskod, []).append(f"{titles.get(r.fraga, r.fraga)}, {r.arskurs}: {r.avvikelse}")
    # Split once: filtering the whole table for each of 200 units was most of the pages' time.
    by_unit = dict(tuple(table.groupby("skolenhetskod", sort=False)))
    return UnitContribution(
        "elevenkat",
        "Elevenkäten, svarsfrekvens",
        _units_of(now),
        coverage,
        deviates,
        lambda code: survey_section(by_unit.get(code, table.iloc[:0]), surveys),
    )


def competence_contribution(table: pd.DataFrame, own: dict, units_frame: pd.DataFrame) -> UnitContribution:
    """The principal survey's part: access to the competences (`units.competence_units`)."""
    mine = table[table["enkatperiod"] == own["period"]]
    answered = mine.groupby("skolenhetskod")["tillgang"].apply(lambda s: bool(s.notna().any()))
    coverage = {c: "besvarad" if a else "ej besvarad" for c, a in answered.items()}
    shown = units_frame[units_frame["skolenhetskod"].isin(list(coverage))]
    return UnitContribution(
        "rektorsenkat",
        "Rektorsenkäten, frågan om kompetenser",
        shown.reset_index(drop=True),
        coverage,
        {},
        lambda code: competence_section(table, own, code),
    )


def plan_contributions(folder: Path) -> list[UnitContribution]:
    """An operations-plan period's unit data: its registers, and the surveys it follows."""
    data = UnitData.load(folder)
    out = []
    survey = data.tables.get("enheter_elevenkat")
    if survey is not None and data.own_survey("elevenkat") is not None:
        out.append(survey_contribution(survey, data.surveys["elevenkat"]))
    if len(data.units):
        deviates: dict[str, list[str]] = {}
        absence = data.tables.get("enheter_franvaro")
        if absence is not None:
            for r in absence[(absence["period"] == data.period) & (absence["avvikelse"] != "") & ~absence["dold"]].itertuples():
                deviates.setdefault(r.skolenhetskod, []).append(
                    f"Hög frånvaro (minst {fmt_decimal(r.grans, 0)} %), {r.termin}: {r.avvikelse}"
                )
        reports = data.tables.get("enheter_anmalningar")
        if reports is not None:
            for r in reports[(reports["period"] == data.period) & (reports["avvikelse"] != "") & ~reports["dold"]].itertuples():
                deviates.setdefault(r.skolenhetskod, []).append(f"Anmälningar per 100 elever: {r.avvikelse}")
        listed = set(data.units["skolenhetskod"])

        def registers(code: str) -> str:
            if code not in listed:
                return (
                    '<h2 id="franvaro">Frånvaro och anmälningar</h2><p>Uppgift saknas: enheten finns inte i '
                    f"verksamhetsplanens elevantal.csv för {esc(data.label)}.</p>"
                )
            absence_html, chart = _absence(data, code)
            return absence_html + chart + _reports(data, code)

        out.append(
            UnitContribution(
                "verksamhetsplan", "Register (elevantal.csv)", data.units, dict.fromkeys(listed, "ingår"), deviates, registers
            )
        )
    competences, own = data.tables.get("enheter_kompetenser"), data.own_survey("rektorsenkat")
    if competences is not None and own is not None:
        out.append(competence_contribution(competences, own, data.units))
    return out


def profile_page(
    code: str, name: str, sections: list[str], lacking: list[str], label: str, synthetic: bool, run_date: dt.date
) -> str:
    lacks = (
        (f"<p>Profilen har inga uppgifter för {esc(label)} om {esc(' eller '.join(lacking))}; de följs upp i andra perioder.</p>")
        if lacking
        else ""
    )
    body = [
        SYNTHETIC_BANNER if synthetic else "",
        '<p><a href="index.html">Alla skolenheter</a></p>',
        f"<p>Skolenhetskod {esc(code)}. Profilen är skriven för enhetens rektor och områdeschef: enhetens siffror bredvid "
        "kommunens, utvecklingen över tid och om enheten avviker från kommunen mer än slumpen förklarar (utanför "
        "trattdiagrammets 99,8 %-gränser). Enheter rangordnas inte. Uppgifter om färre än fem elever visas inte.</p>",
        lacks,
        *sections,
        '<h2 id="metod">Metod</h2><p>Jämförelsen med kommunen görs med trattdiagram (Spiegelhalter 2005): exakta '
        "binomialgränser kring kommunens värde, vidgade om enheterna sprider sig mer än slumpen förklarar. Elevenkätens "
        "andelar är skattningar från ett urval med 95 % intervall (Wilson, med ändlighetskorrektion); frånvaro och "
        "anmälningar är totalräkningar utan osäkerhetsintervall.</p>",
        f'<p class="metadata">Körningsdatum {esc(run_date.isoformat())}.</p>',
    ]
    return standalone_page(f"{name} – {label}", "".join(body))


def index_page(
    listed: pd.DataFrame, chosen: list[UnitContribution], lacking: list[str], label: str, synthetic: bool, run_date: dt.date
) -> str:
    """The units grouped by school form, alphabetical: code, each source's coverage, and
    where a unit lies outside the funnel limits (named, never ranked)."""
    parts = [
        SYNTHETIC_BANNER if synthetic else "",
        "<p>En profil per skolenhet, för enhetens rektor och områdeschef. Enheterna står i bokstavsordning per skolform; "
        "de rangordnas inte. En enhet avviker när den ligger utanför trattdiagrammets 99,8 %-gränser kring kommunens "
        "värde.</p>",
    ]
    if lacking:
        parts.append(f"<p>Perioden har inga uppgifter per enhet om {esc(' eller '.join(lacking))}.</p>")
    for form, group in listed.groupby("skolform", sort=False):
        rows = []
        for code, name in zip(group["skolenhetskod"], group["skolenhet"]):
            cells = [c.coverage.get(code, "ingår inte") for c in chosen]
            found = [d for c in chosen for d in c.deviates.get(code, [])]
            rows.append(
                f'<tr><td><a href="{esc(code)}.html">{esc(name)}</a></td><td>{esc(code)}</td>'
                + "".join(f'<td class="tal">{esc(c)}</td>' for c in cells)
                + f"<td>{esc('; '.join(found)) if found else 'nej'}</td></tr>"
            )
        heads = "".join(f'<th scope="col">{esc(c.heading)}</th>' for c in chosen)
        count = f"{fmt_int(len(group))} {'skolenhet' if len(group) == 1 else 'skolenheter'}"
        parts.append(
            f'<h2>{esc(form)}</h2><div class="tabellram"><table><caption>{esc(form)}: {count}'
            f'</caption><thead><tr><th scope="col">Skolenhet</th><th scope="col">Skolenhetskod</th>{heads}'
            f'<th scope="col">Avviker från kommunen</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        )
    parts.append(f'<p class="metadata">Körningsdatum {esc(run_date.isoformat())}.</p>')
    return standalone_page(f"Skolenheternas profiler – {label}", "".join(parts))


def write_unit_pages(
    provided: list[tuple[str, list[UnitContribution]]], out_dir: Path, label: str, synthetic: bool, run_date: dt.date
) -> list[Path]:
    """One profile per unit any instrument of the period has data for, and the index, under
    `out_dir/enheter/`. `provided` pairs each instrument of the period with its unit data;
    where two carry the same source, the source instrument's own is used."""
    chosen: dict[str, tuple[str, UnitContribution]] = {}
    for provider, contributions in provided:
        for c in contributions:
            if c.source not in chosen or (provider == c.source and chosen[c.source][0] != c.source):
                chosen[c.source] = (provider, c)
    parts = [c for _, c in chosen.values()]
    if not parts:
        return []
    lacking = [
        f"{i.unit_topics} ({i.title.lower()})" for i in registry.all_instruments() if i.unit_topics and i.name not in chosen
    ]
    listed = (
        pd.concat([c.units for c in parts], ignore_index=True)
        .fillna({"skolform": "Skolform okänd"})
        .astype(str)
        .drop_duplicates("skolenhetskod")
    )
    listed = listed.sort_values(["skolform", "skolenhet", "skolenhetskod"], key=lambda s: s.map(swedish_order)).reset_index(
        drop=True
    )
    folder = Path(out_dir) / UNITS_DIR
    written = []
    for code, name in zip(listed["skolenhetskod"], listed["skolenhet"]):
        path = folder / f"{code}.html"
        atomic_write_text(path, profile_page(code, name, [c.section(code) for c in parts], lacking, label, synthetic, run_date))
        written.append(path)
    atomic_write_text(folder / INDEX_PAGE, index_page(listed, parts, lacking, label, synthetic, run_date))
    return [folder / INDEX_PAGE, *written]


def write_period_pages(processed_period: Path, out_dir: Path, run_date: dt.date) -> list[Path]:
    """The unit pages of one period again, from its processed folder (one subfolder per instrument)."""
    provided, label, synthetic = [], "", False
    for folder in sorted(p for p in Path(processed_period).iterdir() if (p / "manifest.json").is_file()):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        label, synthetic = manifest["label"], synthetic or bool(manifest.get("syntetisk"))
        provided.append((manifest["instrument"], registry.get(manifest["instrument"]).unit_data(folder)))
    return write_unit_pages(provided, out_dir, label, synthetic, run_date)
