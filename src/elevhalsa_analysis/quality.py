"""The data-quality gate, built on great_expectations 1.x.

Suites are generated from the codebook and the contract, never written per question.
Each check declares its severity beside it: a blocking failure stops the run with a
Swedish message naming file, column, value and rows; a warning is shown in the report.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from .cells import AS_WRITTEN, ROW
from .errors import DataError, Severity
from .exports import Export
from .formatting import fmt_decimal, fmt_int
from .population import SKOLFORMER

BLOCKING: Severity = "blockerande"
WARNING: Severity = "varning"
NOTE: Severity = "information"  # what a reader should know about the data; never a failure
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Check:
    """One expectation with what a reader needs to understand its outcome."""

    id: str
    title: str
    severity: Severity
    table: str
    expectation: Any  # a great_expectations Expectation
    file: str
    column: str | None = None
    id_column: str = "response_id"
    id_label: str = "svars-id"
    show_values: bool = True
    # Turns GX's observed value (a mean, a count) into words a reader understands.
    describe: Callable[[Any], str] | None = None
    # A column of the same table holding the checked cells as the file writes them: the
    # values shown are taken from it (the checked column holds them normalised).
    written: str | None = None


@dataclass
class CheckResult:
    id: str
    title: str
    severity: Severity
    passed: bool
    file: str
    column: str | None
    count: int
    total: int | None
    values: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    id_label: str = "svars-id"
    observed: str | None = None

    def summary(self) -> str:
        """Swedish one-liner for the terminal and the report, without personal data."""
        if self.severity == NOTE:
            return f"Notering: {self.title}: {self.observed} ({self.file})"
        if self.passed:
            return f"OK: {self.title}"
        parts = [f"{self.title}"]
        if self.column:
            parts.append(f"fråga/kolumn «{self.column}»")
        if self.values:
            parts.append("värden: " + ", ".join(f"«{v}»" for v in self.values))
        if self.rows:
            parts.append(f"{self.id_label}: " + ", ".join(self.rows))
        if self.count > MAX_EXAMPLES:
            # Only examples are listed; one stray answer and a whole wrong file must not look alike.
            parts.append(f"totalt {fmt_int(self.count)} avvikelser")
        if self.observed:
            parts.append(self.observed)
        return "; ".join(parts) + f" ({self.file})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@cache
def _context():
    # Analytics would try the network on every run; progress bars would litter the terminal.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # jsonschema (imported by GX) builds an IRI grammar at import when the optional
    # rfc3987_syntax is installed: a second of CPU on every run, for a string format that
    # no check here uses. None in sys.modules makes that optional import fail as absent.
    sys.modules.setdefault("rfc3987_syntax", None)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


@cache
def _batch_definition():
    # One definition serves every frame (the frame is a batch parameter); one data source
    # per frame cost GX a configuration round trip each time it was added and deleted.
    source = _context().data_sources.add_or_update_pandas("elevhalsa")
    return source.add_dataframe_asset("tabell").add_batch_definition_whole_dataframe("hela")


def gx():
    """The great_expectations module, imported only when a gate actually runs."""
    _context()
    import great_expectations

    return great_expectations


def run_checks(frames: dict[str, pd.DataFrame], checks: list[Check]) -> list[CheckResult]:
    """Validate each frame against the checks that name it, one GX suite per frame."""
    g = gx()
    results: list[CheckResult] = []
    for table in dict.fromkeys(c.table for c in checks):
        mine = [c for c in checks if c.table == table]
        frame = frames[table]
        suite = g.ExpectationSuite(name=f"{table}-{id(frame)}")
        for check in mine:
            # The severity travels with the expectation, so GX's own results carry it too.
            check.expectation.meta = {"id": check.id, "severity": check.severity}
            suite.add_expectation(check.expectation)
        id_cols = sorted(
            {c.id_column for c in mine if c.id_column in frame.columns} | {c.written for c in mine if c.written in frame.columns}
        )
        outcome = (
            _batch_definition()
            .get_batch(batch_parameters={"dataframe": frame})
            .validate(suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": id_cols})
        )
        by_id = {r.expectation_config.meta["id"]: r for r in outcome.results}
        results.extend(_result(check, by_id[check.id]) for check in mine)
    return results


def _result(check: Check, r: Any) -> CheckResult:
    res = r.result or {}
    raised = bool(r.exception_info and r.exception_info.get("raised_exception"))
    index = res.get("unexpected_index_list") or []
    rows = list(dict.fromkeys(str(i.get(check.id_column)) for i in index if isinstance(i, dict) and check.id_column in i))
    if check.written and index and all(isinstance(i, dict) and check.written in i for i in index):
        shown = [i[check.written] for i in index]
    else:
        shown = res.get("unexpected_list") or []
    values = list(dict.fromkeys(_show(v) for v in shown)) if check.show_values else []
    observed = res.get("observed_value")
    return CheckResult(
        id=check.id,
        title=check.title,
        severity=check.severity,
        passed=bool(r.success) and not raised,
        file=check.file,
        column=check.column,
        count=int(res.get("unexpected_count") or (0 if r.success else 1)),
        total=res.get("element_count"),
        values=values[:MAX_EXAMPLES],
        rows=rows[:MAX_EXAMPLES],
        id_label=check.id_label,
        observed=None if observed is None or r.success else (check.describe or (lambda v: f"observerat: {_show(v)}"))(observed),
    )


def _show(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return fmt_decimal(value, 2)
    return str(value)


def blocking_failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.severity == BLOCKING and not r.passed]


def raise_on_blocking(results: list[CheckResult]) -> None:
    """Stop the run on the first blocking failure, naming everything a user needs."""
    failed = blocking_failures(results)
    if not failed:
        return
    first = failed[0]
    more = f" Ytterligare {len(failed) - 1} blockerande kontroller misslyckades." if len(failed) > 1 else ""
    raise DataError(
        f"Datakontrollen stoppade körningen: {first.title}.{more}",
        file=first.file,
        column=first.column,
        value=", ".join(first.values) if first.values else None,
        rows=first.rows,
        row_label=first.id_label,
        checks=tuple(results),
    )


def verdict(results: list[CheckResult]) -> str:
    """One line for leadership: does the data carry the analysis, and what limits it."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return "Underlaget håller för analys: alla kontroller är godkända."
    if blocking_failures(results):
        return "Underlaget håller inte för analys: " + "; ".join(r.title.lower() for r in blocking_failures(results)) + "."
    return "Underlaget håller för analys med förbehåll: " + "; ".join(r.title[0].lower() + r.title[1:] for r in failed) + "."


# --- suites generated from a survey codebook ----------------------------------------------


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
    pairs = list(dict.fromkeys(f"«{str(w).strip()}» som {_show(r)}" for w, r in zip(written, read)))
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
