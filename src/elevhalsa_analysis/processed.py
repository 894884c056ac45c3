"""The processed folder of one instrument and period: the seam between preparing and reporting.

`data/processed/<period>/<instrument>/` holds the pseudonymised tables (`<name>.parquet`),
the gate's outcome (`kvalitet.json`) and what it was made from (`manifest.json`). Only
this module knows those names: `write` puts a prepared period there, `Processed` reads it
back for a report, a unit profile or the freshness check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .fileio import atomic_write_text

if TYPE_CHECKING:
    import pandas as pd

    from .instrument import Prepared

MANIFEST = "manifest.json"
QUALITY = "kvalitet.json"
PERIODS = "perioder"  # every instrument keeps its periods (label, start, end, syntetisk) under this name


def write(prepared: Prepared, folder: Path, manifest: dict, verdict: str) -> None:
    """The prepared tables, the checks with their `verdict`, and the manifest, into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in prepared.tables.items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
    checks = [c.to_dict() for c in prepared.checks]
    atomic_write_text(folder / QUALITY, json.dumps({"checks": checks, "verdict": verdict}, ensure_ascii=False, indent=1))
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))


def manifests(period_dir: Path) -> list[Path]:
    """The manifest of every instrument prepared for a period (none if it never ran)."""
    return sorted(Path(period_dir).glob(f"*/{MANIFEST}"))


@dataclass(frozen=True)
class Processed:
    """One processed folder, read on demand."""

    folder: Path

    @classmethod
    def of_period(cls, period_dir: Path) -> list[Processed]:
        """Every instrument's folder of one period, by instrument name."""
        return [cls(path.parent) for path in manifests(period_dir)]

    @property
    def exists(self) -> bool:
        return (self.folder / MANIFEST).is_file()

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))

    @cached_property
    def quality(self) -> dict:
        return json.loads((self.folder / QUALITY).read_text(encoding="utf-8"))

    @property
    def instrument(self) -> str:
        return self.manifest["instrument"]

    @property
    def period(self) -> str:
        return self.manifest["period"]

    @property
    def label(self) -> str:
        return self.manifest["label"]

    def has(self, name: str) -> bool:
        return (self.folder / f"{name}.parquet").is_file()

    def table(self, name: str) -> pd.DataFrame:
        import pandas as pd  # here: the freshness check reads manifests only, and must stay quick

        return pd.read_parquet(self.folder / f"{name}.parquet")

    def tables(self, prefix: str = "", exclude: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
        """The tables whose names start with `prefix`, by name, but those in `exclude`."""
        names = sorted(p.stem for p in self.folder.glob(f"{prefix}*.parquet"))
        return {name: self.table(name) for name in names if name not in exclude}

    @property
    def periods(self) -> pd.DataFrame:
        return self.table(PERIODS)
