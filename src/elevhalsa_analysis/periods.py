"""A period folder's `period.yaml`, and the period folders under raw/ in order.

A period is what a report covers: its label (as written), its first and last day, and the
population its sentences name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from pydantic import field_validator

from .config import raw_dir
from .errors import DataError
from .schema import Strict, load_yaml


class PeriodMeta(Strict):
    label: str
    start: dt.date
    end: dt.date
    # The noun phrase of sentences ("12 av 18 rektorer inom grundskolan"). Without it each
    # instrument names its own respondents (`Instrument.population_phrase`): a default
    # here would call principals "elever".
    population: str | None = None
    syntetisk: bool = False

    @field_validator("label", mode="before")
    @classmethod
    def _label_is_text(cls, value: object) -> object:
        # YAML types `label: 2024` as a number and `label: 2024-10-31` as a date; to the
        # person who wrote it, and in every heading, it is the text as written.
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return value


def load_period_meta(period_dir: Path) -> PeriodMeta:
    meta = load_yaml(Path(period_dir) / "period.yaml", PeriodMeta)
    if meta.end < meta.start:
        raise DataError("Perioden slutar innan den börjar.", file=Path(period_dir) / "period.yaml", column="end", value=meta.end)
    return meta


def list_periods(data_dir: Path) -> list[tuple[str, PeriodMeta]]:
    """Every period folder with a `period.yaml`, ordered by `end` (not by folder name)."""
    root = raw_dir(data_dir)
    found = (
        [(p.name, load_period_meta(p)) for p in sorted(root.iterdir()) if (p / "period.yaml").is_file()] if root.is_dir() else []
    )
    return sorted(found, key=lambda item: (item[1].end, item[0]))


def period_bounds(meta: PeriodMeta) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last second of a period, for the check that answers fall inside it."""
    return pd.Timestamp(meta.start), pd.Timestamp(meta.end) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
