"""The student survey in the unit profiles: each unit's shares with intervals and funnel
flags beside the municipal estimate, its response rate, and the trend over earlier surveys."""

from __future__ import annotations

import pandas as pd

from ...codebook import load_codebook
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...instrument import UnitContribution
from ...markup import esc, table_html
from ...sections_units import DASH, flag_text, pct
from ...suppression import FOOTNOTE


def survey_section(mine: pd.DataFrame, surveys: list[dict]) -> str:
    """The student survey's section of one unit's profile: `mine` is the unit's rows of
    `survey_units` of the `surveys` ({period, label}, oldest first; the last is the
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
        "Elevenkätens andelar är skattningar från ett urval med 95 % intervall (Wilson, med ändlighetskorrektion).",
    )
