"""Errors a user can act on.

`DataError` carries where the problem is (file, column, value, rows or response ids) so
that the CLI can print one Swedish sentence and exit 1 instead of a traceback, and tests
can inspect the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["blockerande", "varning", "information"]


class ElevhalsaError(Exception):
    """Base class for every error the package raises on purpose."""


@dataclass
class DataError(ElevhalsaError):
    """Input that cannot carry a report. `message` says what is wrong and what to do."""

    message: str
    file: Path | str | None = None
    column: str | None = None
    value: object | None = None
    rows: Sequence[object] = field(default_factory=tuple)
    row_label: str = "svars-id"
    severity: Severity = "blockerande"
    # The quality gate's results up to the failure, so `validate` can show them all.
    checks: Sequence[object] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"Fil: {Path(self.file).name}")
        if self.column is not None:
            parts.append(f"kolumn/fråga: «{self.column}»")
        if self.value is not None:
            parts.append(f"värde: «{self.value}»")
        if self.rows:
            shown = ", ".join(str(r) for r in list(self.rows)[:10])
            more = f" (och {len(self.rows) - 10} till)" if len(self.rows) > 10 else ""
            parts.append(f"{self.row_label}: {shown}{more}")
        where = "; ".join(parts)
        return f"{self.message}" + (f" [{where}]" if where else "")


class ConfigError(ElevhalsaError):
    """A codebook, plan or period.yaml that does not follow its schema."""
