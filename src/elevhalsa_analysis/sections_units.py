"""Funnel sections and the unit profiles, rendered through templates (issue 10).

A unit profile is one school unit's figures beside the municipality's, for its principal
and area manager. Profiles are written with `markup.standalone_page`, not a notebook each:
a period has many units, and a notebook per unit would take minutes. Nothing here ranks
units: tables are ordered by unit code, and a unit is called deviating only outside the
funnel's 99,8 % limits. Hidden cells stay hidden: the profiles read the `dold` flags that
`units.py` set by the same rules as the reports, so a profile shows no more than the
report beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import plots, registry, units
from .codebook import load_codebook
from .fileio import atomic_write_text
from .formatting import fmt_decimal, fmt_int, fmt_pct, fmt_pct_range
from .instrument import UnitContribution
from .markup import UNITS_DIR, Html, links_html, render, standalone_page, table_html
from .markup import UNITS_INDEX as INDEX_PAGE
from .processed import Processed
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
    "slumpen rimligen förklarar; tabellen är ordnad efter {code} och är ingen rangordning."
)
# The leadership report's longest table: per-unit detail beyond it goes to the profiles and
# the researchers' variant.
MAX_TABLE_ROWS = 40
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


def shown_unit_shares(part: pd.DataFrame, names: dict[str, str], group: tuple[str, str], unit_heading: str) -> pd.DataFrame:
    """The shown units' shares of one group (`group` = its column heading and value) as table
    rows: unit name, share with its counts, interval and funnel flag; hidden units left out."""
    shown = part[~part["dold"] & (part["n"] > 0)]
    return pd.DataFrame(
        {
            group[0]: group[1],
            unit_heading: shown["skolenhetskod"].map(names),
            "Andel": [f"{fmt_pct(x / n)} ({x} av {n})" for x, n in zip(shown["events"], shown["n"])],
            "95 % intervall": [fmt_pct_range(lo, hi) for lo, hi in zip(shown["lag"], shown["hog"])],
            "Jämfört med kommunen": [f or WITHIN for f in shown["avvikelse"]],
        }
    )


def funnel_section(
    frame: pd.DataFrame,
    names: dict[str, str],
    title: str,
    xlabel: str,
    ylabel: str,
    value: Format = pct,
    scale: float = 100.0,
    noun: units.UnitNoun = units.SCHOOL,
) -> Html:
    """A funnel plot of one indicator, the deviating units by code, the method, and the
    hidden units named. `frame` has skolenhetskod, n, events, dold and kommun."""
    not_a_ranking = NOT_A_RANKING.format(code=noun.code)
    target = float(frame["kommun"].iloc[0]) if len(frame) else 0.0
    found = units.unit_funnel(frame, target)
    hidden = sorted(names.get(c, c) for c in frame.loc[frame["dold"].astype(bool), "skolenhetskod"])
    figure, directions, table = None, [], None
    if found is not None:
        png, alt = plots.funnel_plot(found, xlabel, ylabel, scale, value, names)
        figure = plots.figure_html(
            png,
            f"{title}. {alt}",
            f"{title}: varje punkt är en {noun.singular}. Kommunens värde "
            f"{value(found.target)}; streckat 95 %, heldraget 99,8 % kontrollgränser.",
        )
        out = found.table[found.table["avvikelse"] != ""]
        if len(out) > MAX_TABLE_ROWS:
            directions = [
                (word.capitalize(), [names.get(c, c) for c in group["unit"]])
                for word, group in out.groupby("avvikelse", sort=True)
            ]
        elif len(out):
            table = table_html(
                pd.DataFrame(
                    {
                        noun.code.capitalize(): out["unit"],
                        noun.singular.capitalize(): [names.get(c, c) for c in out["unit"]],
                        "Värde": [
                            f"{value(s)} ({fmt_int(int(x))} av {fmt_int(int(n))})"
                            for s, x, n in zip(out["share"], out["events"], out["n"])
                        ],
                        "Jämfört med kommunen": out["avvikelse"],
                    }
                ),
                f"{title}: {noun.plural} utanför 99,8 %-gränserna",
                numeric=["Värde"],
                footnote=not_a_ranking,
            )
    return render(
        "funnel_section.html.j2",
        title=title,
        figure=figure,
        directions=directions,
        table=table,
        not_a_ranking=not_a_ranking,
        noun=noun,
        method=found.method if found is not None else "",
        hidden=hidden,
    )


# --- unit profiles ----------------------------------------------------------------------------


def swedish_order(text: str) -> str:
    """A sort key in Swedish alphabetical order: å, ä, ö after z (code points put ä before å)."""
    return text.casefold().translate({ord("å"): "{", ord("ä"): "|", ord("ö"): "}"})


def profile_page(
    code: str,
    name: str,
    sections: list[Html],
    lacking: list[str],
    label: str,
    synthetic: bool,
    run_date: dt.date,
    methods: Sequence[str] = (),
    nouns: tuple[units.UnitNoun, units.UnitNoun] = (units.SCHOOL, units.SCHOOL),
) -> str:
    """One unit's page; `nouns` name the unit itself and the units of the index it links to."""
    return standalone_page(
        f"{name} – {label}",
        render(
            "unit_profile.html.j2",
            noun=nouns[0],
            index_noun=nouns[1],
            code=code,
            sections=sections,
            lacking=lacking,
            label=label,
            synthetic=synthetic,
            run_date=run_date.isoformat(),
            methods=methods,
        ),
    )


def index_page(
    listed: pd.DataFrame, chosen: list[UnitContribution], lacking: list[str], label: str, synthetic: bool, run_date: dt.date
) -> str:
    """The units grouped by school form, alphabetical: code, each source's coverage, and
    where a unit lies outside the funnel limits (named, never ranked)."""
    forms = []
    for form, group in listed.groupby("skolform", sort=False):
        codes = list(group["skolenhetskod"])
        noun = units.unit_noun([form])
        columns = {
            noun.singular.capitalize(): [links_html([(f"{code}.html", name)]) for code, name in zip(codes, group["skolenhet"])],
            noun.code.capitalize(): codes,
            **{c.heading: [c.coverage.get(code, "ingår inte") for code in codes] for c in chosen},
            "Avviker från kommunen": ["; ".join(d for c in chosen for d in c.deviates.get(code, [])) or "nej" for code in codes],
        }
        count = f"{fmt_int(len(group))} {noun.singular if len(group) == 1 else noun.plural}"
        forms.append(
            (
                form,
                table_html(
                    # dtype=object: the column of links would otherwise become strings and be escaped.
                    pd.DataFrame(columns, dtype=object),
                    f"{form}: {count}",
                    classes={c.heading: ["tal"] * len(group) for c in chosen},
                    framed=True,
                ),
            )
        )
    noun = units.unit_noun(listed["skolform"])
    body = render(
        "unit_index.html.j2", noun=noun, synthetic=synthetic, lacking=lacking, forms=forms, run_date=run_date.isoformat()
    )
    return standalone_page(f"{noun.plural_genitive.capitalize()} profiler – {label}", body)


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
    everyone = units.unit_noun(listed["skolform"])
    for code, name, form in zip(listed["skolenhetskod"], listed["skolenhet"], listed["skolform"]):
        path = folder / f"{code}.html"
        sections = [Html(c.section(code)) for c in parts]
        nouns = (units.unit_noun([form]), everyone)
        atomic_write_text(
            path, profile_page(code, name, sections, lacking, label, synthetic, run_date, [c.method for c in parts], nouns)
        )
        written.append(path)
    atomic_write_text(folder / INDEX_PAGE, index_page(listed, parts, lacking, label, synthetic, run_date))
    return [folder / INDEX_PAGE, *written]


def write_period_pages(processed_period: Path, out_dir: Path, run_date: dt.date) -> list[Path]:
    """The unit pages of one period again, from its processed folder (one subfolder per instrument)."""
    provided, label, synthetic = [], "", False
    for found in Processed.of_period(Path(processed_period)):
        label, synthetic = found.label, synthetic or bool(found.manifest.get("syntetisk"))
        provided.append((found.instrument, registry.get(found.instrument).unit_data(found.folder)))
    return write_unit_pages(provided, out_dir, label, synthetic, run_date)


# --- a sample survey's part of the profiles (student survey, preschool guardian survey) ----


@dataclass(frozen=True)
class SurveyProfile:
    """The words of one sample survey's profile section; `{label}` is the survey's label.
    The figures come from `survey.survey_units` grouped by `group` (year group, age group)."""

    source: str  # the instrument's name, also the section's anchor
    heading: str  # "Elevenkäten"
    group: str  # "arskurs", "aldersgrupp"
    codebook: str
    none_asked: str  # why a unit has no rows in the profile's own survey
    intro: str
    trend_footnote: str
    rate_intro: str  # "Svarsfrekvens i elevenkäten"
    counted: str  # what `antal` counts: "elever"
    index_heading: str
    method: str


def survey_rates(now: pd.DataFrame, profile: SurveyProfile) -> list[str]:
    """The unit's response rate per group, from its `survey_units` rows of one survey."""
    rates = now.drop_duplicates(profile.group)
    return [
        f"{a}: {fmt_int(s)} av {fmt_int(n)} {profile.counted} ({fmt_pct(s / n if n else None)})"
        for a, s, n in zip(rates[profile.group], rates["svar"], rates["antal"])
    ]


def survey_section(mine: pd.DataFrame, surveys: list[dict], profile: SurveyProfile) -> Html:
    """A sample survey's section of one unit's profile: `mine` is the unit's rows of
    `survey_units` of the `surveys` ({period, label}, oldest first; the last is the
    profile's own), so earlier surveys give the trend."""
    own = surveys[-1]
    now = mine[mine["enkatperiod"] == own["period"]]
    words = {"source": profile.source, "heading": profile.heading}
    if now.empty:
        return render("survey_unit.html.j2", **words, missing=profile.none_asked.format(label=own["label"]))
    codebook = load_codebook(profile.codebook)
    titles = {q.id: q.short for v in codebook.versions for q in v.closed_questions}
    labels = {s["period"]: s["label"] for s in surveys}
    tables = []
    hidden_any = False
    for value, part in now.groupby(profile.group, sort=False):
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
        tables.append(
            table_html(
                pd.DataFrame(rows), f"{value}, {own['label']}", numeric=["Enheten", "95 % intervall", "Kommunen (skattning)"]
            )
        )
        trend = mine[mine[profile.group] == value]
        if trend["enkatperiod"].nunique() > 1:
            wide = {}
            for r in trend.itertuples():
                cell = DASH if r.dold or not r.n else f"{pct(r.events / r.n)} ({fmt_int(r.events)} av {fmt_int(r.n)})"
                wide.setdefault(titles.get(r.fraga, r.fraga), {})[labels.get(r.enkatperiod, r.enkatperiod)] = cell
            frame = pd.DataFrame.from_dict(wide, orient="index").fillna(DASH)
            frame.insert(0, "Fråga", frame.index)
            tables.append(
                table_html(
                    frame.reset_index(drop=True),
                    f"{value}: enhetens andel per enkät",
                    numeric=list(frame.columns[1:]),
                    footnote=profile.trend_footnote,
                )
            )
    return render(
        "survey_unit.html.j2",
        **words,
        missing="",
        rate_intro=profile.rate_intro,
        label=own["label"],
        rates=survey_rates(now, profile),
        intro=profile.intro.format(label=own["label"]),
        tables=tables,
        hidden=hidden_any,
        footnote=FOOTNOTE,
    )


def survey_contribution(table: pd.DataFrame, surveys: list[dict], profile: SurveyProfile) -> UnitContribution:
    """A sample survey's part of the profiles and the index; `table` as in `survey_section`,
    with the units' skolenhet, skolform and `svar` (questionnaires sent in)."""
    own = surveys[-1]["period"]
    now = table[table["enkatperiod"] == own]
    per_unit = now.drop_duplicates(["skolenhetskod", profile.group]).groupby("skolenhetskod")[["svar", "antal"]].sum()
    coverage = {
        c: f"{fmt_pct(s / n if n else None)} ({fmt_int(s)} av {fmt_int(n)})"
        for c, s, n in zip(per_unit.index, per_unit["svar"], per_unit["antal"])
    }
    titles = {q.id: q.short for v in load_codebook(profile.codebook).versions for q in v.closed_questions}
    out = now[(now["avvikelse"] != "") & ~now["dold"].astype(bool)]
    deviates: dict[str, list[str]] = {}
    for r in out.itertuples():
        deviates.setdefault(r.skolenhetskod, []).append(
            f"{titles.get(r.fraga, r.fraga)}, {getattr(r, profile.group)}: {r.avvikelse}"
        )
    # Split once: filtering the whole table for each of 200 units was most of the pages' time.
    by_unit = dict(tuple(table.groupby("skolenhetskod", sort=False)))
    return UnitContribution(
        profile.source,
        profile.index_heading,
        now.drop_duplicates("skolenhetskod")[["skolenhetskod", "skolenhet", "skolform"]].reset_index(drop=True),
        coverage,
        deviates,
        lambda code: survey_section(by_unit.get(code, table.iloc[:0]), surveys, profile),
        profile.method,
    )
