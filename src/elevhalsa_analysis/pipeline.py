"""One period from raw files to reports, all or nothing.

Everything is built in staging folders beside the targets and moved into place only
after every instrument of the period has succeeded, so a failed run never touches an
earlier good report or processed file. Raw data is only ever read.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, cache, processed
from . import quality as q
from .committee import DOCX_SUFFIX, PPTX_SUFFIX, load_kommun
from .committee_files import write_documents
from .config import NOTEBOOKS_DIR, kommun_file, package_key, processed_period_dir, raw_dir, raw_period_dir, report_period_dir
from .errors import DataError
from .export import export_html, warm_export
from .fileio import atomic_write_text, code_fingerprint, sha256_file, staging_dir
from .freshness import period_folders, raw_state
from .instrument import Instrument, Prepared
from .kernel import execute_notebook, started_kernel, warm_up
from .markup import quality_html, render, standalone_page
from .privacy import audit
from .provenance import provenance_from_manifest, provenance_html
from .provenance import run_date as resolve_run_date
from .registry import get, present_in
from .report_index import update_index

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
        quality = quality_html(
            [c.to_dict() for c in self.checks],
            q.verdict(self.checks)
            if not self.error
            else "Underlaget håller inte för analys: en blockerande kontroll misslyckades.",
        )
        body = render("validation.html.j2", error=str(self.error) if self.error else "", quality=quality)
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
    instruments = _period_instruments(period, data_dir)
    for inst in instruments:
        try:
            checks += inst.prepare(period, data_dir).checks
        except DataError as exc:
            checks += list(exc.checks)
            error = error or exc
    outcome = Validation(period, checks, error)
    # Only periods that passed are worth keeping; a failed check leaves the cache as it was.
    if outcome.ok:
        cache.commit()
    else:
        cache.discard()
    # The page quotes cells of the inputs: it passes the same audit as a report before it is written.
    page = outcome.page()
    with tempfile.TemporaryDirectory(prefix="elevhalsa-validering-") as staged:
        (Path(staged) / VALIDATION_PAGE).write_text(page, encoding="utf-8")
        audit([Path(staged)], _readable_names(instruments, period, data_dir))
    atomic_write_text(report_period_dir(reports_dir, period) / VALIDATION_PAGE, page)
    return outcome


def _readable_names(instruments: list[Instrument], period: str, data_dir: Path) -> list[str]:
    """The persons' names of the period's registers that can be read (a broken register is
    what the validation page is about, not a reason to skip the audit of the others)."""
    names: list[str] = []
    for inst in instruments:
        try:
            names += inst.personal_names(period, data_dir)
        except DataError:
            continue
    return names


@dataclass
class PeriodOutcome:
    period: str
    reports: list[Path]
    seconds: float
    entries: list[dict] = field(default_factory=list)  # this period's rows of reports/index.json


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
        # For `elevhalsa status`: every folder this run read from or could have read from.
        "raw_files": raw_state(
            data_dir,
            {
                prepared.period,
                *(p.relative_to(base).parts[0] for p in prepared.inputs),
                *(f for f in period_folders(data_dir) if instrument.present(raw_period_dir(data_dir, f))),
            },
        ),
        "notebook": {"name": instrument.notebook, "sha256": sha256_file(notebook)},
        "config": {package_key(p): sha256_file(p) for p in instrument.config_files},
        "package_version": __version__,
        "code": code_fingerprint(),
        # The committee's documents take names and colours from it.
        "kommun": sha256_file(kommun_file(data_dir)) if kommun_file(data_dir).is_file() else None,
        **prepared.info,
    }


def open_report(
    instrument: str, period: str, data_dir: str | Path, processed_dir: str | Path | None = None, run_date: str | None = None
):
    """For the notebook: the report object and the provenance section of one period.

    Without a `processed_dir` (a researcher opening the notebook in JupyterLab), the
    processed folder of the period is used, and prepared first if it does not exist.
    """
    inst = get(instrument)
    data_dir = Path(data_dir)
    folder = Path(processed_dir) if processed_dir else processed_period_dir(data_dir, period) / instrument
    if not processed.Processed(folder).exists:
        prepared = inst.prepare(period, data_dir)
        processed.write(prepared, folder, manifest(prepared, data_dir, inst), q.verdict(prepared.checks))
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


def _warm_up_modules(inst: Instrument) -> list[str]:
    """What a kernel can import before the data are ready: the notebook's imports and the report's modules."""
    nb = json.loads((NOTEBOOKS_DIR / inst.notebook).read_text(encoding="utf-8"))
    found = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:  # IPython magics: the notebook run itself reports real errors
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append(node.module)
    return list(dict.fromkeys([*found, *inst.report_modules]))


Progress = Callable[[str, int, int], None]  # (what is happening, steps done, steps in all)


def run_period(
    period: str,
    data_dir: Path,
    reports_dir: Path,
    run_date: str | None = None,
    *,
    publish_index: bool = True,
    progress: Progress | None = None,
) -> PeriodOutcome:
    """Prepare, check, execute and export every instrument present in one period folder.

    The periods loaded on the way reach the cache on disk only when every output is in
    place: a failed run leaves the cache as it was, like every other output.
    """
    try:
        outcome = _run_period(period, data_dir, reports_dir, run_date, publish_index=publish_index, progress=progress)
    except BaseException:
        cache.discard()
        raise
    cache.commit()
    return outcome


def _run_period(
    period: str,
    data_dir: Path,
    reports_dir: Path,
    run_date: str | None,
    *,
    publish_index: bool,
    progress: Progress | None,
) -> PeriodOutcome:
    """Each instrument's kernel is started first, so that it boots and imports while the
    gate runs. With `publish_index=False` the caller writes the index from the outcome's
    `entries`: runs in parallel would race on reports/index.json.
    """
    started = time.perf_counter()
    data_dir, reports_dir = Path(data_dir).resolve(), Path(reports_dir).resolve()
    date = resolve_run_date(run_date)
    tell = progress or (lambda *_: None)
    processed_target = processed_period_dir(data_dir, period)
    reports_target = report_period_dir(reports_dir, period)
    entries, reports, checks = [], [], []
    kommun = load_kommun(data_dir)  # a faulty file stops the run before any work
    with ExitStack() as cleanup:
        # One kernel before the instrument registry is imported, which takes as long.
        kernels = [cleanup.enter_context(ExitStack())]
        running = [kernels[0].enter_context(started_kernel(NOTEBOOKS_DIR))]
        instruments = _period_instruments(period, data_dir)
        for _ in instruments[1:]:
            kernels.append(cleanup.enter_context(ExitStack()))
            running.append(kernels[-1].enter_context(started_kernel(NOTEBOOKS_DIR)))
        for km, inst in zip(running, instruments):
            warm_up(km, _warm_up_modules(inst))
        steps = 3 * len(instruments)
        staged_processed = staging_dir(processed_target.parent, f".{period}.")
        cleanup.callback(shutil.rmtree, staged_processed, ignore_errors=True)
        staged_reports = staging_dir(reports_target.parent, f".{period}.")
        cleanup.callback(shutil.rmtree, staged_reports, ignore_errors=True)
        side = cleanup.enter_context(ThreadPoolExecutor(1))
        unit_data = []  # (instrument, future of its unit data), read while the notebooks run
        for n, (inst, km) in enumerate(zip(instruments, running)):
            tell(f"{inst.name}: läser och kontrollerar data", 3 * n, steps)
            prepared = inst.prepare(period, data_dir)
            checks += prepared.checks
            # Done while the kernel runs a notebook: this process only waits then.
            if n == 0:
                side.submit(warm_export)
            if n == len(instruments) - 1:
                page = side.submit(Validation(period, checks, None).page)
            folder = staged_processed / inst.name
            processed.write(prepared, folder, manifest(prepared, data_dir, inst), q.verdict(prepared.checks))
            # Beside the kernel, from the same processed folder and report object as the notebook.
            documents = side.submit(
                lambda inst=inst, folder=folder: write_documents(
                    inst.committee_content(folder, period), kommun, staged_reports, inst.name, period, date
                )
            )
            unit_data.append((inst.name, side.submit(inst.unit_data, folder)))
            if n == len(instruments) - 1:
                # One profile per unit from every instrument of the period, also written while
                # the last notebook runs, into the staged folder so that the pages are swapped
                # into place with the reports.
                from .sections_units import INDEX_PAGE, UNITS_DIR, write_unit_pages

                pages = side.submit(
                    lambda meta=prepared.meta: write_unit_pages(
                        [(name, found.result()) for name, found in unit_data], staged_reports, meta.label, meta.syntetisk, date
                    )
                )
            executed = staged_reports / f"{inst.name}.ipynb"
            tell(f"{inst.name}: kör notebooken", 3 * n + 1, steps)
            execute_notebook(
                NOTEBOOKS_DIR / inst.notebook,
                executed,
                {"period": period, "data_dir": str(data_dir), "processed_dir": str(folder), "run_date": date.isoformat()},
                cwd=NOTEBOOKS_DIR,
                kernel=km,
            )
            kernels[n].close()
            tell(f"{inst.name}: skapar HTML", 3 * n + 2, steps)
            title = f"{inst.title} – {prepared.meta.label}"
            # Staging and data paths differ per run; stable names keep reruns byte-identical.
            aliases = {folder: f"data/processed/{period}/{inst.name}", data_dir: "data"}
            for variant in ("ledning", "analys"):
                export_html(executed, staged_reports / f"{inst.name}_{variant}.html", variant, title, path_aliases=aliases)
            documents.result()
            reports.append(reports_target / f"{inst.name}_ledning.html")
            entries.append(
                {
                    "period": period,
                    "label": prepared.meta.label,
                    "end": prepared.meta.end.isoformat(),
                    "instrument": inst.name,
                    "instrument_title": inst.title,
                    "ledning": f"{period}/{inst.name}_ledning.html",
                    "analys": f"{period}/{inst.name}_analys.html",
                    "tjansteskrivelse": f"{period}/{inst.name}{DOCX_SUFFIX}",
                    "presentation": f"{period}/{inst.name}{PPTX_SUFFIX}",
                    "run_date": date.isoformat(),
                    "verdict": q.verdict(prepared.checks),
                    "synthetic": prepared.meta.syntetisk,
                }
            )
        tell("skriver enheternas profiler", steps, steps)
        if pages.result():
            for e in entries:
                e["enheter"] = f"{period}/{UNITS_DIR}/{INDEX_PAGE}"
        atomic_write_text(staged_reports / VALIDATION_PAGE, page.result())
        tell("granskar utdata efter personuppgifter", steps, steps)
        audit([staged_processed, staged_reports], [n for inst in instruments for n in inst.personal_names(period, data_dir)])
        _replace_dir(staged_processed, processed_target)
        _replace_dir(staged_reports, reports_target)
    if publish_index:
        update_index(reports_dir, period, entries)
    tell("klar", steps, steps)
    return PeriodOutcome(period, reports, time.perf_counter() - started, entries)
