"""The checks every survey and register gets, generated from the codebook and the contract.

Built here and run by the gate (quality.py): the structure a file must have before its
values can be read, answers within their scales, unit codes and school forms of a register,
and the notes that say where a cell was read as something else than it is written.
"""

from __future__ import annotations

import pandas as pd

from .cells import AS_WRITTEN, ROW
from .exports import Export
from .formatting import fmt_int
from .population import SKOLFORMER
from .quality import BLOCKING, MAX_EXAMPLES, NOTE, WARNING, Check, CheckResult, display_value, gx


def structure_checks(file: str, table: str, columns: dict[str, str], min_rows: int = 1) -> list[Check]:
    """Blocking checks that must pass before values can be read: columns and rows exist.

    `columns` maps the canonical column to the header a user would look for.
    """
    g = gx()
    checks = [
        Check(
            f"{table}:kolumn:{key}",
            f"Kolumnen «{label}» saknas",
            BLOCKING,
            table,
            g.expectations.ExpectColumnToExist(column=key),
            file,
            column=label,
        )
        for key, label in columns.items()
    ]
    # Only a survey export holds answers; a register or a table of figures holds rows.
    checks.append(
        Check(
            f"{table}:rader",
            f"Filen har rubriker men inga {'svar' if table == 'export' else 'rader'}",
            BLOCKING,
            table,
            g.expectations.ExpectTableRowCountToBeBetween(min_value=min_rows),
            file,
        )
    )
    return checks


def required_columns(codebook, version) -> dict[str, str]:
    """Canonical column → the header a user would look for: required metadata and questions."""
    required = {k: codebook.metadata_columns[k][0] for k in codebook.required_metadata}
    required.update({q.id: q.text for q in version.questions})
    return required


def export_checks(
    codebook, version, export: Export, period: tuple[pd.Timestamp, pd.Timestamp] | None
) -> tuple[list[Check], dict[str, pd.DataFrame]]:
    """The content checks every survey export gets, and the small tables they read.

    Unique response ids, answers within their scales and one content per question block
    (a question in two columns that differ); answers completed outside `period` (first and
    last second) and unused columns are warnings; identifying columns dropped on reading
    are reported by header, never by content.
    """
    g = gx().expectations
    file = export.path.name
    checks = [
        Check(
            "export:id",
            "Svars-id förekommer mer än en gång",
            BLOCKING,
            "export",
            g.ExpectColumnValuesToBeUnique(column="response_id"),
            file,
            column=codebook.metadata_columns["response_id"][0],
            # The id is what is in doubt, so the rows say where the duplicates are.
            id_column="rad",
            id_label="rad",
        ),
        *answer_checks(version, file),
    ]
    if period is not None:
        checks.append(
            Check(
                "export:period",
                "Svar utanför periodens start–slut",
                WARNING,
                "export",
                g.ExpectColumnValuesToBeBetween(column="completed", min_value=period[0], max_value=period[1]),
                file,
                column=codebook.metadata_columns["completed"][0],
            )
        )
    checks.append(
        Check(
            "export:extra",
            "Extra kolumner som inte används",
            WARNING,
            "extra",
            g.ExpectColumnValuesToBeInSet(column="kolumn", value_set=[]),
            file,
            id_column="kolumn",
            id_label="kolumn",
            show_values=False,
        )
    )
    frames = {"extra": pd.DataFrame({"kolumn": export.extra + export.duplicated})}
    # Answers to closed questions may be shown; free text, e-mail and names never.
    showable = {qu.id for qu in version.closed_questions} | {"response_id", "completed"}
    for n, conflict in enumerate(export.conflicts):
        checks.append(
            Check(
                f"export:dubbel:{n}",
                "Samma fråga eller kolumn står två gånger med olika innehåll",
                BLOCKING,
                f"dubbel:{n}",
                g.ExpectColumnValuesToBeInSet(column="varde", value_set=[]),
                file,
                column=conflict.header,
                id_column=ROW,
                id_label="rad",
                show_values=conflict.key in showable,
            )
        )
        frames[f"dubbel:{n}"] = conflict.rows
    if codebook.identifying_columns:
        checks.append(
            Check(
                "export:personuppgifter",
                "Kolumner med personuppgifter togs bort vid inläsningen och sparas inte",
                WARNING,
                "borttagna",
                g.ExpectColumnValuesToBeInSet(column="kolumn", value_set=[]),
                file,
                id_column="kolumn",
                id_label="kolumn",
            )
        )
        frames["borttagna"] = pd.DataFrame({"kolumn": export.dropped})
    return checks, frames


def ignored_columns_note(export: Export) -> list[CheckResult]:
    """A note naming the columns the codebook expects and leaves out (`known_extra_columns`)."""
    if not export.ignored:
        return []
    names = ", ".join(f"«{c}»" for c in export.ignored)
    return [
        CheckResult(
            id="export:kanda_extra",
            title="Kolumner som exporten brukar ha men som inte används",
            severity=NOTE,
            passed=True,
            file=export.path.name,
            column=None,
            count=len(export.ignored),
            total=None,
            observed=f"{names} lämnades utanför",
        )
    ]


def read_as_note(
    cid: str, title: str, file: str, column: str, written: pd.Series, read: pd.Series, ids: pd.Series, id_label: str = "rad"
) -> list[CheckResult]:
    """A note that some cells were read as something else than they are written (a code
    padded, a serial number read as a date), quoting both; nothing if none was."""
    if not len(written):
        return []
    pairs = list(dict.fromkeys(f"«{str(w).strip()}» som {display_value(r)}" for w, r in zip(written, read)))
    more = f" (och {fmt_int(len(pairs) - MAX_EXAMPLES)} till)" if len(pairs) > MAX_EXAMPLES else ""
    return [
        CheckResult(
            id=cid,
            title=title,
            severity=NOTE,
            passed=True,
            file=file,
            column=column,
            count=len(written),
            total=None,
            values=[str(w).strip() for w in written][:MAX_EXAMPLES],
            rows=list(dict.fromkeys(ids.astype(str)))[:MAX_EXAMPLES],
            id_label=id_label,
            observed=f"{', '.join(pairs[:MAX_EXAMPLES])}{more}; {id_label}: {', '.join(list(dict.fromkeys(ids.astype(str)))[:MAX_EXAMPLES])}",
        )
    ]


def padded_codes_note(
    table: str,
    file: str,
    frame: pd.DataFrame,
    column: str = "skolenhetskod",
    header: str = "skolenhetskod",
    id_column: str = ROW,
    id_label: str = "rad",
) -> list[CheckResult]:
    """The unit codes whose leading zeros were put back (`cells.unit_code`), as a note."""
    written = frame[column + AS_WRITTEN].fillna("").astype(str).str.strip()
    padded = written.ne(frame[column].fillna("")) & frame[column].fillna("").str.fullmatch(r"\d{8}")
    return read_as_note(
        f"{table}:kod_utfylld",
        "Skolenhetskoder utan inledande nollor lästes som åtta siffror",
        file,
        header,
        written[padded],
        frame.loc[padded, column],
        frame.loc[padded, id_column],
        id_label,
    )


def answer_checks(version, file: str, table: str = "export") -> list[Check]:
    """Every closed answer within its scale; multiple choice option by option."""
    g = gx()
    checks: list[Check] = []
    for q in version.closed_questions:
        labels = version.scales[q.scale].labels
        if q.type == "single":
            checks.append(
                Check(
                    f"{table}:skala:{q.id}",
                    "Svar utanför frågans svarsalternativ",
                    BLOCKING,
                    table,
                    g.expectations.ExpectColumnValuesToBeInSet(column=q.id, value_set=labels),
                    file,
                    column=q.text,
                )
            )
        else:
            checks.append(
                Check(
                    f"alternativ:{q.id}",
                    "Alternativ som inte finns i kodboken",
                    BLOCKING,
                    f"alternativ:{q.id}",
                    g.expectations.ExpectColumnValuesToBeInSet(column="option", value_set=labels),
                    file,
                    column=q.text,
                )
            )
    return checks


def unit_register_checks(table: str, file: str, what: str) -> list[Check]:
    """Skolenhetskod as Skolverket's eight digits and skolform from the contract's list,
    for any register of units (principals, enrolled students)."""
    g = gx().expectations
    return [
        Check(
            f"{table}:kod",
            "Skolenhetskod är inte åtta siffror",
            BLOCKING,
            table,
            g.ExpectColumnValuesToMatchRegex(column="skolenhetskod", regex=r"^\d{8}$"),
            file,
            column="skolenhetskod",
            id_column=ROW,
            id_label="rad",
            written="skolenhetskod" + AS_WRITTEN,
        ),
        Check(
            f"{table}:skolform",
            f"Okänd skolform i {what}",
            BLOCKING,
            table,
            g.ExpectColumnValuesToBeInSet(column="skolform", value_set=SKOLFORMER),
            file,
            column="skolform",
            id_column=ROW,
            id_label="rad",
        ),
    ]
