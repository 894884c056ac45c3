"""One period from raw files to reports, all or nothing.

Everything is built in staging folders beside the targets and moved into place only
after every instrument of the period has succeeded, so a failed run never touches an
earlier good report or processed file. Raw data is only ever read.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from . import quality as q
from .config import NOTEBOOKS_DIR, processed_period_dir, raw_dir, raw_period_dir, report_period_dir
from .errors import DataError
from .fileio import atomic_write_text, sha256_file, staging_dir
from .instruments import Instrument, Prepared, get, present_in
from .report import (
    execute_notebook,
    export_html,
    provenance_from_manifest,
    provenance_html,
    run_date as resolve_run_date,
    standalone_page,
    update_index,
)


VALIDATION_PAGE = "validering.html"


@dataclass
class Validation:
    """The gate's outcome for one period: every check run, and the error that stopped it."""

    period: str
    checks: list[q.CheckResult]
    error: DataError | None

    @property
    def ok(self) -> bool:
        return self.error is None and not q.blocking_failures(self.checks)

    def page(self) -> str:
        from .sections import esc, quality_html

        stop = f'<p class="varning"><strong>Körningen stoppades:</strong> {esc(self.error)}</p>' if self.error else ""
        body = stop + quality_html([c.to_dict() for c in self.checks], q.verdict(self.checks) if not self.error else
                                   "Underlaget håller inte för analys: en blockerande kontroll misslyckades.")
        return standalone_page(f"Datakontroll för perioden {self.period}", body)


def _period_instruments(period: str, data_dir: Path) -> list[Instrument]:
    period_dir = raw_period_dir(data_dir, period)
    if not (period_dir / "period.yaml").is_file():
        raise DataError(f"Perioden {period} finns inte: mappen saknar period.yaml.", file=period_dir)
    instruments = present_in(period_dir)
    if not instruments:
        raise DataError("Mappen innehåller ingen känd enkätexport eller annan indatafil.", file=period_dir)
    return instruments


def validate_period(period: str, data_dir: Path, reports_dir: Path) -> Validation:
    """Run only the gate, collect every result, and write the researchers' validation page."""
    data_dir = Path(data_dir).resolve()
    checks: list[q.CheckResult] = []
    error = None
    for inst in _period_instruments(period, data_dir):
        try:
            checks += inst.prepare(period, data_dir).checks
        except DataError as exc:
            checks += list(exc.checks)
            error = error or exc
    outcome = Validation(period, checks, error)
    atomic_write_text(report_period_dir(reports_dir, period) / VALIDATION_PAGE, outcome.page())
    return outcome


@dataclass
class PeriodOutcome:
    period: str
    reports: list[Path]
    seconds: float


def manifest(prepared: Prepared, data_dir: Path, instrument: Instrument) -> dict:
    """What the processed folder was made from: inputs, codebook, notebook, package."""
    base = raw_dir(data_dir)
    notebook = NOTEBOOKS_DIR / instrument.notebook
    return {
        "instrument": prepared.instrument,
        "period": prepared.period,
        "label": prepared.meta.label,
        "population": prepared.meta.population,
        "syntetisk": prepared.meta.syntetisk,
        "inputs": {p.relative_to(base).as_posix(): sha256_file(p) for p in sorted(prepared.inputs)},
        "notebook": {"name": instrument.notebook, "sha256": sha256_file(notebook)},
        "config": {p.name: sha256_file(p) for p in instrument.config_files},
        "package_version": __version__,
        **prepared.info,
    }


def write_processed(prepared: Prepared, folder: Path, manifest_data: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in prepared.tables.items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
    checks = [c.to_dict() for c in prepared.checks]
    atomic_write_text(folder / "kvalitet.json", json.dumps({"checks": checks, "verdict": q.verdict(prepared.checks)}, ensure_ascii=False, indent=1))
    atomic_write_text(folder / "manifest.json", json.dumps(manifest_data, ensure_ascii=False, indent=1, sort_keys=True))


def open_report(instrument: str, period: str, data_dir: str | Path, processed_dir: str | Path | None = None, run_date: str | None = None):
    """For the notebook: the report object and the provenance section of one period.

    Without a `processed_dir` (a researcher opening the notebook in JupyterLab), the
    processed folder of the period is used, and prepared first if it does not exist.
    """
    inst = get(instrument)
    data_dir = Path(data_dir)
    folder = Path(processed_dir) if processed_dir else processed_period_dir(data_dir, period) / instrument
    if not (folder / "manifest.json").is_file():
        prepared = inst.prepare(period, data_dir)
        write_processed(prepared, folder, manifest(prepared, data_dir, inst))
    report = inst.load_report(folder, period)
    prov = provenance_from_manifest(report.manifest, {"period": period}, resolve_run_date(run_date))
    return report, provenance_html(prov)


def _replace_dir(staged: Path, target: Path) -> None:
    """Swap a finished staging folder into place; the old one is removed only afterwards."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_period(period: str, data_dir: Path, reports_dir: Path, run_date: str | None = None) -> PeriodOutcome:
    """Prepare, check, execute and export every instrument present in one period folder."""
    started = time.perf_counter()
    data_dir, reports_dir = Path(data_dir).resolve(), Path(reports_dir).resolve()
    instruments = _period_instruments(period, data_dir)
    date = resolve_run_date(run_date)
    processed_target = processed_period_dir(data_dir, period)
    reports_target = report_period_dir(reports_dir, period)
    staged_processed = staging_dir(processed_target.parent, f".{period}.")
    staged_reports = staging_dir(reports_target.parent, f".{period}.")
    entries, reports, checks = [], [], []
    try:
        for inst in instruments:
            prepared = inst.prepare(period, data_dir)
            checks += prepared.checks
            folder = staged_processed / inst.name
            write_processed(prepared, folder, manifest(prepared, data_dir, inst))
            executed = staged_reports / f"{inst.name}.ipynb"
            execute_notebook(
                NOTEBOOKS_DIR / inst.notebook,
                executed,
                {"period": period, "data_dir": str(data_dir), "processed_dir": str(folder), "run_date": date.isoformat()},
                cwd=NOTEBOOKS_DIR,
            )
            title = f"{inst.title} – {prepared.meta.label}"
            # Staging and data paths differ per run; stable names keep reruns byte-identical.
            aliases = {folder: f"data/processed/{period}/{inst.name}", data_dir: "data"}
            for variant in ("ledning", "analys"):
                export_html(executed, staged_reports / f"{inst.name}_{variant}.html", variant, title, path_aliases=aliases)
            reports.append(reports_target / f"{inst.name}_ledning.html")
            entries.append({
                "period": period, "label": prepared.meta.label, "end": prepared.meta.end.isoformat(),
                "instrument": inst.name, "instrument_title": inst.title,
                "ledning": f"{period}/{inst.name}_ledning.html", "analys": f"{period}/{inst.name}_analys.html",
                "run_date": date.isoformat(), "verdict": q.verdict(prepared.checks), "synthetic": prepared.meta.syntetisk,
            })
        atomic_write_text(staged_reports / VALIDATION_PAGE, Validation(period, checks, None).page())
        _replace_dir(staged_processed, processed_target)
        _replace_dir(staged_reports, reports_target)
    finally:
        shutil.rmtree(staged_processed, ignore_errors=True)
        shutil.rmtree(staged_reports, ignore_errors=True)
    update_index(reports_dir, period, entries)
    return PeriodOutcome(period, reports, time.perf_counter() - started)
