"""The student survey in the unit profiles: each unit's shares with intervals and funnel
flags beside the municipal estimate, its response rate, and the trend over earlier surveys."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ... import indicators as ind
from ...codebook import Version, load_codebook
from ...estimates import DesignEstimate
from ...formatting import fmt_int, fmt_pct, fmt_pct_range
from ...instrument import UnitContribution
from ...markup import esc, table_html
from ...sections_units import DASH, flag_text, pct
from ...stats import wilson_interval
from ...suppression import FOOTNOTE, suppress_shares
from ...units import with_flags


def survey_units(
    long: pd.DataFrame, units: pd.DataFrame, version: Version, period: str, estimates: Mapping[str, Mapping[str, DesignEstimate]]
) -> pd.DataFrame:
    """Per single-choice question, year group and enrolled unit: headline (`events`) of those
    who answered (`n`), respondents to the question and questionnaires sent in (`svar`), hidden or not (`suppress_shares`, as in the survey
    report), a Wilson interval with finite-population correction, the municipal estimate
    and the funnel flag around it."""
    enrolled = units[units["period"] == period].astype({"skolenhetskod": str, "arskurs": str})
    summary = ind.grouped(long[long["period"] == period], version, ["arskurs", "skolenhetskod"]).summary
    summary = summary.astype({"skolenhetskod": str, "arskurs": str})
    frames = []
    for q in (q for q in version.closed_questions if q.type == "single"):
        for arskurs, pop in enrolled.groupby("arskurs", sort=False):
            got = summary[(summary["question"] == q.id) & (summary["arskurs"] == arskurs)].set_index("skolenhetskod")
            frame = pd.DataFrame(
                {
                    "skolenhetskod": pop["skolenhetskod"].to_numpy(),
                    "antal": pop["antal"].astype(int).to_numpy(),
                    "svar": pop["svar"].astype(int).to_numpy(),
                }
            )
            frame["n"] = frame["skolenhetskod"].map(got["answered"]).fillna(0).astype(int)
            frame["events"] = frame["skolenhetskod"].map(got["headline"]).fillna(0).astype(int)
            frame["svarande"] = frame["skolenhetskod"].map(got["respondents"]).fillna(0).astype(int)
            hidden = suppress_shares(
                dict(zip(frame["skolenhetskod"], frame["n"])),
                dict(zip(frame["skolenhetskod"], frame["events"])),
                int(frame["n"].sum()),
                int(frame["events"].sum()),
            )
            frame["dold"] = frame["skolenhetskod"].map(hidden).astype(bool)
            intervals = [
                wilson_interval(x, n, population=max(N, n)) if n and not d else (float("nan"), float("nan"))
                for x, n, N, d in zip(frame["events"], frame["n"], frame["antal"], frame["dold"])
            ]
            frame["lag"], frame["hog"] = [i[0] for i in intervals], [i[1] for i in intervals]
            est = estimates.get(q.id, {}).get(arskurs)
            pooled = frame["events"].sum() / frame["n"].sum() if frame["n"].sum() else 0.0
            frame = with_flags(frame, est.share if est else pooled)
            frames.append(
                frame.assign(
                    fraga=q.id,
                    arskurs=arskurs,
                    kommun_lag=est.low if est else float("nan"),
                    kommun_hog=est.high if est else float("nan"),
                    skattning=est is not None,
                )
            )
    columns = [
        "fraga",
        "arskurs",
        "skolenhetskod",
        "antal",
        "svar",
        "svarande",
        "n",
        "events",
        "dold",
        "lag",
        "hog",
        "kommun",
        "kommun_lag",
        "kommun_hog",
        "skattning",
        "avvikelse",
    ]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return table.assign(enkatperiod=period)


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
