"""The data-quality gate, built on great_expectations 1.x: checks run, results and the verdict.

The checks are generated from the codebook and the contract (suites.py), never written per
question. Each check declares its severity beside it: a blocking failure stops the run with a
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

from .errors import DataError, Severity
from .formatting import fmt_decimal, fmt_int

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
    values = list(dict.fromkeys(display_value(v) for v in shown)) if check.show_values else []
    observed = res.get("observed_value")
    describe = check.describe or (lambda v: f"observerat: {display_value(v)}")
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
        observed=None if observed is None or r.success else describe(observed),
    )


def display_value(value: Any) -> str:
    """A value as a message quotes it: times to the minute, decimals Swedish."""
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
