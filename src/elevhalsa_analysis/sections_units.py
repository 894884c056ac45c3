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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from . import plots, units
from .codebook import load_codebook
from .fileio import atomic_write_text
from .formatting import fmt_decimal, fmt_int, fmt_pct, fmt_pct_range
from .measures import term_sort_key
from .report import standalone_page
from .sections import SYNTHETIC_BANNER, esc, table_html
from .suppression import FOOTNOTE, MIN_GROUP

DASH = "–"
SMALL = "1–4"
SMALL_FOOTNOTE = (
    f"{SMALL} = mellan en och fyra; det exakta antalet visas inte för att skydda enskilda elever. – = dold uppgift, så att "
    "ett litet antal inte kan räknas fram ur totalen. Kommunens totaler visas alltid."
)
UNITS_DIR = "enheter"
INDEX_PAGE = "index.html"
WITHIN = "inom gränserna"
NOT_A_RANKING = (
    "Gränserna är vidare för små enheter, där slumpen betyder mer. Bara en enhet utanför 99,8 %-gränserna avviker mer än "
    "slumpen rimligen förklarar; tabellen är ordnad efter skolenhetskod och är ingen rangordning."
)
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


def funnel_section(frame: pd.DataFrame, names: dict[str, str], title: str, xlabel: str, ylabel: str,
                   value: Format = pct, scale: float = 100.0) -> str:
    """A funnel plot of one indicator, the deviating units by code, the method, and the
    hidden units named. `frame` has skolenhetskod, n, events, dold and kommun."""
    target = float(frame["kommun"].iloc[0]) if len(frame) else 0.0
    found = units.unit_funnel(frame, target)
    hidden = sorted(names.get(c, c) for c in frame.loc[frame["dold"].astype(bool), "skolenhetskod"])
    parts = [f"<h3>{esc(title)}</h3>"]
    if found is None:
        parts.append("<p>Ingen skolenhet kan visas.</p>")
    else:
        png, alt = plots.funnel_plot(found, xlabel, ylabel, scale, value)
        parts.append(plots.figure_html(png, f"{title}. {alt}", f"{title}: varje punkt är en skolenhet. Kommunens värde "
                                       f"{value(found.target)}; streckat 95 %, heldraget 99,8 % kontrollgränser."))
        out = found.table[found.table["avvikelse"] != ""]
        if len(out):
            parts.append(table_html(pd.DataFrame({
                "Skolenhetskod": out["unit"], "Skolenhet": [names.get(c, c) for c in out["unit"]],
                "Värde": [f"{value(s)} ({fmt_int(int(x))} av {fmt_int(int(n))})" for s, x, n in zip(out["share"], out["events"], out["n"])],
                "Jämfört med kommunen": out["avvikelse"]}), f"{title}: skolenheter utanför 99,8 %-gränserna",
                numeric=["Värde"], footnote=NOT_A_RANKING))
        else:
            parts.append(f"<p>Ingen skolenhet ligger utanför 99,8 %-gränserna. {esc(NOT_A_RANKING)}</p>")
        parts.append(f'<p class="fotnot">{esc(found.method)}</p>')
    if hidden:
        parts.append(f'<p class="fotnot">Visas inte (för få för att visas, eller dolda så att ett litet antal inte kan räknas '
                     f"fram): {esc(', '.join(hidden))}.</p>")
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
    def load(cls, folder: Path) -> "UnitData":
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        tables = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("enheter_*.parquet"))}
        path = folder / "elevantal.parquet"
        enrolled = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=["skolenhetskod", "skolenhet", "skolform"])
        listed = enrolled.drop_duplicates("skolenhetskod")[["skolenhetskod", "skolenhet", "skolform"]]
        periods = pd.read_parquet(folder / "perioder.parquet")
        return cls(manifest["period"], manifest["label"], bool(periods["syntetisk"].any()),
                   listed.sort_values("skolenhetskod").reset_index(drop=True), tables, periods,
                   manifest.get("enkatperioder", {}))

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units["skolenhetskod"], self.units["skolenhet"]))

    def period_label(self, period: str) -> str:
        rows = self.periods[self.periods["period"] == period]
        return str(rows["label"].iloc[0]) if len(rows) else period

    def own_survey(self, instrument: str) -> dict | None:
        found = self.surveys.get(instrument, [])
        return found[-1] if found else None


def _survey(data: UnitData, code: str) -> str:
    head = '<h2 id="elevenkat">Elevenkäten</h2>'
    table = data.tables.get("enheter_elevenkat")
    own = data.own_survey("elevenkat")
    if table is None or own is None:
        return head + "<p>Uppgift saknas: ingen elevenkät hör till perioden.</p>"
    mine = table[table["skolenhetskod"] == code]
    now = mine[mine["enkatperiod"] == own["period"]]
    if now.empty:
        return head + f"<p>Enheten har inga årskurser som elevenkäten {esc(own['label'])} frågar.</p>"
    codebook = load_codebook("elevenkat")
    titles = {q.id: q.short for v in codebook.versions for q in v.closed_questions}
    labels = {s["period"]: s["label"] for s in data.surveys["elevenkat"]}
    parts = [head, f"<p>Elevenkäten {esc(own['label'])}: andel positiva svar (för Blivit kränkt andelen Ja) bland enhetens "
             "elever som besvarat frågan, med 95 % intervall, bredvid kommunens skattning för hela årskursen.</p>"]
    hidden_any = False
    for arskurs, part in now.groupby("arskurs", sort=False):
        rows = []
        for r in part.itertuples():
            hidden_any |= bool(r.dold)
            shown = not r.dold and r.n > 0
            rows.append({
                "Fråga": titles.get(r.fraga, r.fraga),
                "Enheten": f"{pct(r.events / r.n)} ({fmt_int(r.events)} av {fmt_int(r.n)})" if shown else (DASH if r.dold else "inga svar"),
                "95 % intervall": fmt_pct_range(r.lag, r.hog) if shown else DASH,
                "Kommunen (skattning)": f"{pct(r.kommun)} ({fmt_pct_range(r.kommun_lag, r.kommun_hog)})" if r.skattning else DASH,
                "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse),
            })
        parts.append(table_html(pd.DataFrame(rows), f"{arskurs}, {own['label']}", numeric=["Enheten", "95 % intervall",
                                                                                          "Kommunen (skattning)"]))
        trend = mine[mine["arskurs"] == arskurs]
        if trend["enkatperiod"].nunique() > 1:
            wide = {}
            for r in trend.itertuples():
                cell = DASH if r.dold or not r.n else f"{pct(r.events / r.n)} ({fmt_int(r.events)} av {fmt_int(r.n)})"
                wide.setdefault(titles.get(r.fraga, r.fraga), {})[labels.get(r.enkatperiod, r.enkatperiod)] = cell
            frame = pd.DataFrame.from_dict(wide, orient="index").fillna(DASH)
            frame.insert(0, "Fråga", frame.index)
            parts.append(table_html(frame.reset_index(drop=True), f"{arskurs}: enhetens andel per enkät",
                                    numeric=list(frame.columns[1:]), footnote="Elevenkätens frågor jämförs bara när "
                                    "formulering och svarsalternativ är desamma; andra årskullar svarar varje år."))
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
        rows.append({"Termin": r.termin, "Gräns": limit, "Elever med schemalagd tid": fmt_int(r.n),
                     "Elever med hög frånvaro": count_cell(r.events, r.dold),
                     "Andel": DASH if r.dold else pct(r.events / r.n if r.n else 0.0),
                     "Kommunen": pct(r.kommun), "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse)})
        trend.append({"question": f"k{r.grans}", "label": r.termin, "share": r.kommun})
        if not r.dold and r.n:
            trend.append({"question": f"e{r.grans}", "label": r.termin, "share": r.events / r.n})
    order = {t: i for i, t in enumerate(sorted(mine["termin"].unique(), key=term_sort_key))}
    frame = pd.DataFrame(rows).sort_values(["Termin", "Gräns"], key=lambda s: s.map(order) if s.name == "Termin" else s)
    html = head + table_html(frame.reset_index(drop=True), "Elever med hög frånvaro vid enheten per termin",
                             numeric=["Elever med schemalagd tid", "Elever med hög frånvaro", "Andel", "Kommunen"],
                             footnote="Frånvaro = giltig och ogiltig frånvaro som andel av den schemalagda tiden. " + SMALL_FOOTNOTE)
    chart = ""
    points = pd.DataFrame(trend)
    if points["label"].nunique() > 1:
        points = points.sort_values("label", key=lambda s: s.map(order), kind="stable")
        titles = {f"{w}{g}": f"{'Enheten' if w == 'e' else 'Kommunen'}, minst {fmt_decimal(g, 0)} %"
                  for w in "ek" for g in mine["grans"].unique()}
        png, alt = plots.trend_chart(points, titles, "Andel med hög frånvaro (%)", "andelen elever med hög frånvaro", pct,
                                     ylim=(0, None))
        chart = plots.figure_html(png, alt,
                                  "Andel elever med hög frånvaro per termin, enheten och kommunen. En dold uppgift saknar punkt.")
    return html, chart


def _reports(data: UnitData, code: str) -> str:
    head = '<h2 id="krankningar">Anmälningar om kränkande behandling och trakasserier</h2>'
    table = data.tables.get("enheter_anmalningar")
    if table is None:
        return head + "<p>Uppgift saknas: krankningar.xlsx eller elevantal.csv finns inte för perioden.</p>"
    mine = table[table["skolenhetskod"] == code]
    rows = [{"Period": data.period_label(r.period), "Elever": fmt_int(r.n), "Anmälningar": count_cell(r.events, r.dold),
             "Per 100 elever": DASH if r.dold or not r.n else fmt_decimal(100 * r.events / r.n, 1),
             "Kommunen per 100 elever": fmt_decimal(100 * r.kommun, 1), "Jämfört med kommunen": flag_text(r.dold, r.n, r.avvikelse)}
            for r in mine.sort_values("period").itertuples()]
    if not rows:
        return head + "<p>Enheten finns inte i elevantal.csv.</p>"
    return head + ("<p>Fler anmälningar behöver inte betyda fler kränkningar: en skillnad kan också bero på att personalen "
                   "anmäler oftare.</p>") + table_html(pd.DataFrame(rows), "Anmälningar vid enheten per period",
                                                       numeric=["Elever", "Anmälningar", "Per 100 elever", "Kommunen per 100 elever"],
                                                       footnote=SMALL_FOOTNOTE)


def _competences(data: UnitData, code: str) -> str:
    head = '<h2 id="kompetenser">Tillgång till elevhälsans kompetenser</h2>'
    table, own = data.tables.get("enheter_kompetenser"), data.own_survey("rektorsenkat")
    if table is None or own is None:
        return head + f"<p>{esc(NO_COMPETENCE.capitalize())}.</p>"
    mine = table[(table["skolenhetskod"] == code) & (table["enkatperiod"] == own["period"])]
    if mine.empty:
        return head + f"<p>Uppgift saknas: enheten finns inte med i rektorsenkäten {esc(own['label'])}.</p>"
    words = {1.0: "Ja", 0.0: "Nej"}
    rows = pd.DataFrame({"Kompetens": mine["kompetens"], "Tillgång": [words.get(v, "ej besvarad") for v in mine["tillgang"]]})
    return head + table_html(rows, f"Enligt rektorsenkäten {own['label']}", footnote=(
        "Tillgången är en uppgift om organisationen och visas därför per enhet. Rektorns övriga svar visas aldrig per enhet."))


def profile_page(data: UnitData, code: str, run_date: dt.date) -> str:
    name = data.names.get(code, code)
    absence, chart = _absence(data, code)
    body = [
        SYNTHETIC_BANNER if data.synthetic else "",
        '<p><a href="index.html">Alla skolenheter</a></p>',
        f"<p>Skolenhetskod {esc(code)}. Profilen är skriven för enhetens rektor och områdeschef: enhetens siffror bredvid "
        "kommunens, utvecklingen över tid och om enheten avviker från kommunen mer än slumpen förklarar (utanför "
        "trattdiagrammets 99,8 %-gränser). Enheter rangordnas inte. Uppgifter om färre än fem elever visas inte.</p>",
        _survey(data, code), absence, chart, _reports(data, code), _competences(data, code),
        '<h2 id="metod">Metod</h2><p>Jämförelsen med kommunen görs med trattdiagram (Spiegelhalter 2005): exakta '
        "binomialgränser kring kommunens värde, vidgade om enheterna sprider sig mer än slumpen förklarar. Elevenkätens "
        "andelar är skattningar från ett urval med 95 % intervall (Wilson, med ändlighetskorrektion); frånvaro och "
        "anmälningar är totalräkningar utan osäkerhetsintervall.</p>",
        f'<p class="metadata">Körningsdatum {esc(run_date.isoformat())}.</p>',
    ]
    return standalone_page(f"{name} – {data.label}", "".join(body))


def index_page(data: UnitData, run_date: dt.date) -> str:
    rows = "".join(f'<tr><td>{esc(c)}</td><td><a href="{esc(c)}.html">{esc(n)}</a></td><td>{esc(f)}</td></tr>'
                   for c, n, f in data.units.itertuples(index=False))
    body = ((SYNTHETIC_BANNER if data.synthetic else "")
            + "<p>En profil per skolenhet, för enhetens rektor och områdeschef. Enheterna står i skolenhetskodens ordning; "
            "de rangordnas inte.</p>"
            + ('<div class="tabellram"><table><caption>Skolenheter</caption><thead><tr><th scope="col">Skolenhetskod</th>'
               f'<th scope="col">Skolenhet</th><th scope="col">Skolform</th></tr></thead><tbody>{rows}</tbody></table></div>'
               if rows else "<p>Uppgift saknas: elevantal.csv finns inte för perioden, så inga profiler kan göras.</p>")
            + f'<p class="metadata">Körningsdatum {esc(run_date.isoformat())}.</p>')
    return standalone_page(f"Skolenheternas profiler – {data.label}", body)


def write_unit_pages(processed_dir: Path, out_dir: Path, run_date: dt.date) -> list[Path]:
    """Every unit's profile and the index under `out_dir/enheter/`, in unit-code order."""
    data = UnitData.load(processed_dir)
    folder = Path(out_dir) / UNITS_DIR
    written = []
    for code in data.units["skolenhetskod"]:
        path = folder / f"{code}.html"
        atomic_write_text(path, profile_page(data, code, run_date))
        written.append(path)
    atomic_write_text(folder / INDEX_PAGE, index_page(data, run_date))
    return [folder / INDEX_PAGE, *written]
