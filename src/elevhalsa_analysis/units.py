"""Unit-level figures for comparing school units without ranking them (issue 10).

Pure functions over the tables the loaders produce: per unit and indicator the count
(`events`), the denominator (`n`), whether small-group suppression hides the unit
(`dold`), and its funnel flag (`funnel.py`) against the municipal value. The
operations-plan `prepare` writes them as processed tables; the unit profiles
(`sections_units.py`) and the reports' funnel plots call the same functions, so a profile
and the report beside it cannot disagree.

A hidden unit is never plotted or flagged: its share could be read off the chart or
guessed from the flag. The funnels are therefore drawn from the shown units only.

Only one principal-survey question reaches a unit: access to the competences, an
organisational fact (`unit_level` in the codebook). Every other principal answer is one
identifiable person's opinion and is never read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import indicators as ind
from . import measures as m
from . import registry
from .codebook import Version
from .config import raw_period_dir
from .errors import DataError
from .estimates import DesignEstimate
from .funnel import Funnel, funnel
from .loaders import PeriodMeta
from .stats import wilson_interval
from .suppression import suppress, suppress_shares
from .survey import municipal_estimates

UP, DOWN = "avviker uppåt", "avviker nedåt"


def hidden_units(counts: Mapping[str, int]) -> dict[str, bool]:
    """Counts below a municipal total: hidden when 1–4, or as their complementary cell."""
    shown = suppress(dict(counts), sum(counts.values()))
    return {g: v is None for g, v in shown.items()}


def unit_funnel(frame: pd.DataFrame, target: float) -> Funnel | None:
    """The funnel of the shown units with a denominator (None if there are none)."""
    shown = frame[~frame["dold"].astype(bool) & (frame["n"] > 0)]
    if shown.empty:
        return None
    return funnel(
        pd.DataFrame(
            {"unit": shown["skolenhetskod"].to_numpy(), "n": shown["n"].to_numpy(), "events": shown["events"].to_numpy()}
        ),
        target,
    )


def with_flags(frame: pd.DataFrame, target: float) -> pd.DataFrame:
    """`frame` with the municipal value and each shown unit's funnel flag ("" otherwise)."""
    found = unit_funnel(frame, target)
    flags = {} if found is None else dict(zip(found.table["unit"], found.table["avvikelse"]))
    return frame.assign(kommun=target, avvikelse=[flags.get(c, "") for c in frame["skolenhetskod"]])


def unit_names(elevantal: pd.DataFrame | None, *others: pd.DataFrame | None) -> dict[str, str]:
    """Code → name, from enrolment first; a unit missing there keeps the name it came with."""
    names: dict[str, str] = {}
    for table in (*others, elevantal):
        if table is not None and "skolenhet" in table:
            names.update(dict(zip(table["skolenhetskod"].astype(str), table["skolenhet"].astype(str))))
    return names


def with_names(table: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """`table` with each unit's name and school form, as `listed` (skolenhetskod, skolenhet, skolform) gives them."""
    first = listed.astype({"skolenhetskod": str}).drop_duplicates("skolenhetskod").set_index("skolenhetskod")
    return table.assign(
        skolenhet=table["skolenhetskod"].map(first["skolenhet"]), skolform=table["skolenhetskod"].map(first["skolform"])
    )


# --- registers (census: counts and shares) -------------------------------------------------


def absence_units(franvaro: pd.DataFrame, grans: float, term: str) -> pd.DataFrame:
    """Students with scheduled time (`n`) and at or above `grans` (`events`) per unit in `term`.

    A student in two units counts in each; the municipal value counts them once (measures).
    """
    per = m.high_absence(franvaro, grans, term, by=["skolenhetskod"])
    total = m.high_absence(franvaro, grans, term).iloc[0]
    hidden = hidden_units(dict(zip(per["skolenhetskod"], per["hog"])))
    frame = pd.DataFrame(
        {
            "skolenhetskod": per["skolenhetskod"].astype(str),
            "n": per["elever"].astype(int),
            "events": per["hog"].astype(int),
            "dold": per["skolenhetskod"].map(hidden).astype(bool),
        }
    )
    target = float(total["hog"] / total["elever"]) if total["elever"] else 0.0
    return with_flags(frame, target).assign(termin=term, grans=float(grans))


def report_units(krankningar: pd.DataFrame, elevantal: pd.DataFrame) -> pd.DataFrame:
    """Reports (`events`) and enrolled students (`n`) per unit of elevantal.csv.

    The municipal value counts every report, also those of units missing from enrolment,
    as the report's own table does.
    """
    enrolled = elevantal.groupby("skolenhetskod", sort=True)["antal"].sum()
    counts = krankningar["skolenhetskod"].value_counts()
    raw = {str(c): int(counts.get(c, 0)) for c in enrolled.index}
    hidden = hidden_units(raw)
    frame = pd.DataFrame(
        {
            "skolenhetskod": list(raw),
            "n": enrolled.astype(int).to_numpy(),
            "events": list(raw.values()),
            "dold": [hidden[c] for c in raw],
        }
    )
    students = int(enrolled.sum())
    return with_flags(frame, len(krankningar) / students if students else 0.0)


def register_tables(period: str, tables: Mapping[str, pd.DataFrame], limits: list[float]) -> dict[str, pd.DataFrame]:
    """One follow-up period's per-unit absence (every term and threshold) and reports."""
    out: dict[str, pd.DataFrame] = {}
    franvaro, elevantal, reports = tables.get("franvaro"), tables.get("elevantal"), tables.get("krankningar")
    if franvaro is not None:
        frames = [absence_units(franvaro, limit, term) for term in m.terms(franvaro) for limit in limits]
        if frames:
            out["enheter_franvaro"] = pd.concat(frames, ignore_index=True).assign(period=period)
    if reports is not None and elevantal is not None:
        out["enheter_anmalningar"] = report_units(reports, elevantal).assign(period=period)
    return out


# --- the student survey (a sample: intervals beside the counts) --------------------------------


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


def competence_units(long: pd.DataFrame, population: pd.DataFrame, version: Version, period: str) -> pd.DataFrame:
    """Access per unit and competence (1 = access, 0 = not, NaN = not answered) for the
    codebook's unit-level questions only; nothing else of a principal's answers."""
    frames = []
    for q in (q for q in version.closed_questions if q.unit_level):
        matrix = ind.competence_matrix(long, population, version, q, period)
        codes = population[population["period"] == period].drop_duplicates("skolenhet").set_index("skolenhet")["skolenhetskod"]
        wide = matrix.assign(skolenhetskod=matrix.index.map(codes).astype(str)).reset_index(drop=True)
        frames.append(wide.melt(id_vars="skolenhetskod", var_name="kompetens", value_name="tillgang").assign(fraga=q.id))
    columns = ["skolenhetskod", "kompetens", "tillgang", "fraga"]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return table[columns].astype({"tillgang": float}).assign(enkatperiod=period)


# --- which survey periods a follow-up takes ----------------------------------------------------


def survey_periods(
    periods: list[tuple[str, PeriodMeta]], present: list[str], referenced: list[str], meta: PeriodMeta
) -> list[str]:
    """The survey periods of a follow-up, oldest first, the last one being its own.

    Its own is the latest period the plan references, else the latest that ends within the
    follow-up; the earlier ones make the trend. None without either.
    """
    metas = dict(periods)
    own = [p for p in referenced if p in present and p in metas]
    if not own:
        own = [p for p in present if p in metas and meta.start <= metas[p].end <= meta.end]
    if not own:
        return []
    last = max(own, key=lambda p: metas[p].end)
    return sorted((p for p in present if p in metas and metas[p].end <= metas[last].end), key=lambda p: metas[p].end)


def survey_tables(
    data_dir: Path, periods: list[tuple[str, PeriodMeta]], meta: PeriodMeta, referenced: dict[str, list[str]], salt: bytes
) -> tuple[dict[str, pd.DataFrame], list[Path], dict]:
    """Per-unit student-survey shares (every period up to the follow-up's own) and the
    principal survey's competence access (its own period only), with the files read.

    `referenced` maps an instrument to the survey periods the plan names. A survey that
    cannot be read leaves its table out; the profiles then say "uppgift saknas".
    """
    metas = dict(periods)
    tables: dict[str, pd.DataFrame] = {}
    inputs: list[Path] = []
    info: dict[str, list[dict]] = {}
    for name in ("elevenkat", "rektorsenkat"):
        inst = registry.get(name)
        present = [p for p, _ in periods if inst.present(raw_period_dir(data_dir, p))]
        chosen = survey_periods(periods, present, referenced.get(name, []), meta)
        if name == "rektorsenkat":
            chosen = chosen[-1:]
        frames = []
        for p in chosen:
            try:
                sp = inst.load_period(p, metas[p], data_dir, salt)
            except DataError:
                continue
            inputs += [*sp.inputs, raw_period_dir(data_dir, p) / "period.yaml"]
            if name == "elevenkat":
                questions = [q for q in sp.version.closed_questions if q.type == "single"]
                est = municipal_estimates(sp.long, sp.units, sp.version, questions, p)
                frames.append(with_names(survey_units(sp.long, sp.units, sp.version, p, est), sp.units))
            else:
                frames.append(competence_units(sp.long, sp.population, sp.version, p))
            info.setdefault(name, []).append({"period": p, "label": metas[p].label, "end": metas[p].end.isoformat()})
        if frames:
            tables["enheter_elevenkat" if name == "elevenkat" else "enheter_kompetenser"] = pd.concat(frames, ignore_index=True)
    return tables, inputs, info
