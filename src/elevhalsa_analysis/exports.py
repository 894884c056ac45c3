"""A survey export read by its codebook: headers to question ids, answers to the scale's labels.

Which headers mean which question, which labels a scale has and which metadata columns the
survey tool writes all come from the codebook; free text is redacted before it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cells import ROW, each_distinct
from .codebook import Codebook, Version, normalize_label
from .privacy import Redactor
from .tables import read_table


@dataclass
class Conflict:
    """A header written twice (or an old and a new wording of one question) whose two columns differ."""

    header: str  # the second column's header, which is not used
    key: str  # the metadata key or question id both columns map to
    rows: pd.DataFrame  # `varde` (both cells) and ROW, one row per differing cell


@dataclass
class Export:
    """A survey export with canonical column names (metadata keys and question ids)."""

    path: Path
    frame: pd.DataFrame
    missing: list[str]  # human-readable names of required columns that are absent
    extra: list[str]  # headers that are neither metadata nor a question
    duplicated: list[str] = field(default_factory=list)  # same content as the column used
    dropped: list[str] = field(default_factory=list)  # identifying columns removed unread
    ignored: list[str] = field(default_factory=list)  # columns the codebook knows and leaves out
    conflicts: list[Conflict] = field(default_factory=list)


def header_map(codebook: Codebook, version: Version) -> dict[str, str]:
    """Normalised header → canonical column (metadata key or question id)."""
    table = {normalize_label(h): key for key, headers in codebook.metadata_columns.items() for h in headers}
    for q in version.questions:
        table.update({normalize_label(h): q.id for h in q.headers})
    return table


def read_export(path: Path, codebook: Codebook, version: Version) -> Export:
    mapping = header_map(codebook, version)
    identifying = {normalize_label(h) for h in codebook.identifying_columns}
    frame = read_table(path, [*mapping, *identifying])
    # By position: a header written twice must not select two columns under one name.
    renamed: dict[int, str] = {}
    extra, duplicated, dropped, conflicts = [], [], [], []
    for i, col in enumerate(frame.columns):
        if col == ROW:
            continue
        key = mapping.get(normalize_label(col))
        if normalize_label(col) in identifying:
            dropped.append(col)
        elif key is None:
            extra.append(col)
        elif key in renamed.values():
            # Which of two different columns holds the answers cannot be known: never guess.
            first = frame.iloc[:, next(j for j, k in renamed.items() if k == key)].fillna("")
            second = frame.iloc[:, i].fillna("")
            differs = each_distinct(first, normalize_label) != each_distinct(second, normalize_label)
            if differs.any():
                shown = "«" + second[differs].astype(str) + "» mot «" + first[differs].astype(str) + "» i den första kolumnen"
                conflicts.append(Conflict(col, key, pd.DataFrame({"varde": shown, ROW: frame.loc[differs, ROW]})))
            else:
                duplicated.append(col)
        else:
            renamed[i] = key
    frame = frame.iloc[:, [*renamed, frame.columns.get_loc(ROW)]].set_axis([*renamed.values(), ROW], axis=1)
    # Names are never needed: drop them before anything else sees the frame.
    frame = frame.drop(columns=["name"], errors="ignore")
    required = {k: codebook.metadata_columns[k][0] for k in codebook.required_metadata}
    required.update({q.id: q.text for q in version.questions})
    missing = [text for key, text in required.items() if key not in frame.columns]
    known_extra = {normalize_label(c) for c in codebook.known_extra_columns}
    return Export(
        path,
        frame,
        missing,
        [c for c in extra if normalize_label(c) not in known_extra],
        duplicated,
        dropped,
        [c for c in extra if normalize_label(c) in known_extra],
        conflicts,
    )


def canonical_answers(frame: pd.DataFrame, version: Version, redact: Redactor) -> pd.DataFrame:
    """Answers mapped to the scale's labels; unknown values are kept (trimmed) for the gate.

    Multiple choice becomes the chosen options in scale order joined by ';'. Free text is
    redacted here, before it is stored anywhere.
    """
    out = frame.copy()
    for q in version.questions:
        if q.id not in out:
            continue
        raw = out[q.id].fillna("").astype(str)
        if q.type == "text":
            cleaned = raw.str.strip()
            out[q.id] = each_distinct(cleaned.where(cleaned.ne(""), None), redact)
            continue
        lookup = version.scales[q.scale].lookup()
        if q.type == "single":
            norm = each_distinct(raw, normalize_label)
            out[q.id] = norm.map(lookup).fillna(raw.str.replace("\u00a0", " ").str.strip()).where(norm.ne(""), None)
        else:
            order = {lbl: i for i, lbl in enumerate(version.scales[q.scale].labels)}

            def options(cell: str, lookup: dict = lookup, order: dict = order) -> str | None:
                parts = [p for p in (normalize_label(s) for s in cell.split(";")) if p]
                if not parts:
                    return None
                known = sorted({lookup[p] for p in parts if p in lookup}, key=order.get)
                unknown = [s.strip() for s in cell.split(";") if normalize_label(s) and normalize_label(s) not in lookup]
                return ";".join(known + unknown)

            out[q.id] = each_distinct(raw, options)
    return out


def explode_options(frame: pd.DataFrame, qid: str) -> pd.DataFrame:
    """One row per chosen option of a multiple-choice question (for option-by-option checks)."""
    part = frame[["response_id", ROW, qid]].dropna(subset=[qid])
    part = part.assign(option=part[qid].str.split(";")).explode("option")
    return part[["response_id", ROW, "option"]].reset_index(drop=True)


def to_long(responses: pd.DataFrame, version: Version, period: str, groups: tuple[str, ...] = ()) -> pd.DataFrame:
    """The spine: one row per respondent × question, `answer` missing when not answered.

    `groups` (unit, year group, gender of an anonymous survey) are carried on every row
    as categoricals, so that indicators group the long table without a join.
    """
    qids = [q.id for q in version.questions]
    long = responses.melt(
        id_vars=["respondent", "response_id", *groups], value_vars=qids, var_name="question", value_name="answer"
    )
    long.insert(0, "period", period)
    return long.astype(
        {
            "period": "string",
            "respondent": "string",
            "response_id": "string",
            "question": "string",
            "answer": "string",
            **{g: "category" for g in groups},
        }
    )
