"""Whether a period's reports are fresh: what its last good run read, against what is there now.

A period is fresh when its last good run recorded (in each instrument's manifest) the
same files, by SHA-256, in the raw folders it read from, the same notebook, codebook,
package version and package files as now, and its reports are in the reports folder and the index.
Deciding that must stay quick (`elevhalsa status`, a `run --all` with nothing to do), so
this module reads manifests, hashes and folder listings only: pandas, great_expectations
and the instrument registry are never imported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .config import (
    COMMITTEE_SUFFIXES,
    KOMMUN_FILE,
    NOTEBOOKS_DIR,
    PACKAGE_DIR,
    kommun_file,
    processed_period_dir,
    raw_dir,
    report_period_dir,
)
from .errors import ElevhalsaError
from .fileio import code_fingerprint, sha256_file
from .processed import manifests

VARIANTS = ("ledning", "analys")


# --- what a run read --------------------------------------------------------------------------


def period_folders(data_dir: Path) -> list[str]:
    """The folders under raw/ that are periods (hold a period.yaml), by name."""
    root = raw_dir(data_dir)
    return sorted(p.name for p in root.iterdir() if (p / "period.yaml").is_file()) if root.is_dir() else []


class _Hashes(dict):
    """SHA-256 per path, each file read once: every survey period lists the others' files."""

    def __missing__(self, path: Path) -> str | None:
        self[path] = sha256_file(path) if path.is_file() else None
        return self[path]


def raw_state(data_dir: Path, folders: Iterable[str], hashes: _Hashes | None = None) -> dict:
    """The period folders under raw/, and every file in `folders` with its SHA-256.

    A manifest records this for the folders a run read from: a new period, a new export
    beside the inputs, or a fix to a period that could not be read then can all change a
    report without any file it read changing. Hidden files (.DS_Store, locks) are no data.
    """
    hashes = _Hashes() if hashes is None else hashes
    files = {}
    for name in sorted(set(folders)):
        folder = raw_dir(data_dir) / name
        found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
        files[name] = {p.name: hashes[p] for p in found}
    return {"periods": period_folders(data_dir), "files": files}


def ordered_periods(data_dir: Path) -> list[str]:
    """Period folders ordered by their `end`, as reports and the index order them."""
    import yaml

    def end(period: str) -> str:
        try:
            meta = yaml.safe_load((raw_dir(data_dir) / period / "period.yaml").read_text(encoding="utf-8"))
            return str(meta.get("end", "")) if isinstance(meta, dict) else ""
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return ""  # the run itself says what is wrong with the file

    return sorted(period_folders(data_dir), key=lambda p: (end(p), p))


# --- freshness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    period: str
    fresh: bool
    reason: str = ""  # why the period must run again, in Swedish
    reports: tuple[Path, ...] = ()  # the leadership reports of its last good run


def _load_json(path: Path) -> dict | None:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _index_keys(reports_dir: Path) -> set[tuple[str, str]] | None:
    """(period, instrument) of every report in reports/index.json; None if it is damaged."""
    from .report_index import read_index_entries

    try:
        return {(str(e.get("period")), str(e.get("instrument"))) for e in read_index_entries(reports_dir)}
    except ElevhalsaError:
        return None


def _stale_reason(man: dict, instrument: str, data_dir: Path, hashes: _Hashes) -> str:
    """Why one instrument's manifest no longer describes what a run would read; "" if it does."""
    if man.get("package_version") != __version__:
        return f"programversionen har ändrats ({man.get('package_version')} → {__version__})"
    notebook = man.get("notebook") or {}
    if hashes[NOTEBOOKS_DIR / str(notebook.get("name"))] != notebook.get("sha256"):
        return f"notebooken {notebook.get('name')} har ändrats"
    for name, digest in sorted((man.get("config") or {}).items()):
        # Keyed by the path in the package (config.package_key) of the instrument's codebook or contract.
        if hashes[PACKAGE_DIR / name] != digest:
            return f"kodboken {name} har ändrats"
    if man.get("code") != code_fingerprint():
        return "programkoden har ändrats sedan förra körningen"
    if man.get("kommun", False) != hashes[kommun_file(data_dir)]:
        return f"{KOMMUN_FILE} har ändrats"
    then = man.get("raw_files")
    if not isinstance(then, dict) or not isinstance(then.get("files"), dict):
        return f"manifestet för {instrument} är från en äldre programversion"
    now = raw_state(data_dir, then["files"], hashes)
    before, after = set(then.get("periods") or []), set(now["periods"])
    if after - before:
        return f"perioden {min(after - before)} har tillkommit"
    if before - after:
        return f"perioden {min(before - after)} har tagits bort"
    for folder, files in sorted(then["files"].items()):
        for name in sorted({*files, *now["files"][folder]}):
            if name not in files:
                return f"filen {folder}/{name} har tillkommit"
            if name not in now["files"][folder]:
                return f"filen {folder}/{name} har tagits bort"
            if files[name] != now["files"][folder][name]:
                return f"filen {folder}/{name} har ändrats"
    return ""


def _freshness(period: str, data_dir: Path, reports_dir: Path, hashes: _Hashes, index: set[tuple[str, str]] | None) -> Freshness:
    """Whether `period` would give the same reports as its last good run, and if not why."""
    found = manifests(processed_period_dir(data_dir, period))
    if not found:
        return Freshness(period, False, "ingen lyckad körning än")
    reports = []
    for path in found:
        instrument = path.parent.name
        man = _load_json(path)
        if man is None:
            return Freshness(period, False, f"manifestet för {instrument} kan inte läsas")
        reason = _stale_reason(man, instrument, data_dir, hashes)
        if reason:
            return Freshness(period, False, reason)
        made = path.stat().st_mtime
        for variant in VARIANTS:
            report = report_period_dir(reports_dir, period) / f"{instrument}_{variant}.html"
            # Older than the processed data: from another run, e.g. into another reports folder.
            if not report.is_file() or report.stat().st_mtime < made:
                return Freshness(period, False, f"rapporten {report.name} saknas eller är från en annan körning")
            if variant == "ledning":
                reports.append(report)
        for suffix in COMMITTEE_SUFFIXES:
            document = report_period_dir(reports_dir, period) / f"{instrument}{suffix}"
            if not document.is_file() or document.stat().st_mtime < made:
                return Freshness(period, False, f"dokumentet {document.name} saknas eller är från en annan körning")
        if index is None:
            return Freshness(period, False, "rapportförteckningen index.json är skadad")
        if (period, instrument) not in index:
            return Freshness(period, False, "rapporten saknas i rapportförteckningen")
    return Freshness(period, True, reports=tuple(reports))


def status(data_dir: Path, reports_dir: Path) -> list[Freshness]:
    """Freshness of every period under raw/, in period order."""
    periods = ordered_periods(data_dir)
    if not periods:
        raise ElevhalsaError(f"Hittar inga perioder: {raw_dir(data_dir)} har inga mappar med period.yaml.")
    hashes, index = _Hashes(), _index_keys(reports_dir)
    return [_freshness(p, data_dir, reports_dir, hashes, index) for p in periods]
