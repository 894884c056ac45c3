"""Every period in one command: which periods are stale, and running those in parallel.

A period is fresh when its last good run recorded (in each instrument's manifest) the
same files, by SHA-256, in the raw folders it read from, the same notebook, codebook,
package version and package files as now, and its reports are in the reports folder and the index.
Deciding that must stay quick (`elevhalsa status`, a `run --all` with nothing to do), so
this module reads manifests, hashes and folder listings only: pandas, great_expectations
and the instrument registry are imported in the worker processes, never here.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import __version__
from .config import CODEBOOK_DIR, KOMMUN_FILE, NOTEBOOKS_DIR, kommun_file, processed_period_dir, raw_dir, report_period_dir
from .errors import ElevhalsaError
from .fileio import code_fingerprint, sha256_file
from .formatting import fmt_decimal

DONE = "klar"
SKIPPED = "aktuell, hoppades över"
FAILED = "fel"
BUG = "programfel"
VARIANTS = ("ledning", "analys")
# The committee's documents beside them (committee.py; not imported here, it loads pydantic).
DOCUMENTS = ("_tjansteskrivelse.docx", "_presentation.pptx")


def fewer_gc_passes() -> None:
    """Collect garbage less often in a process that runs reports.

    A run allocates millions of long-lived objects while importing pandas and
    great_expectations; at Python's default thresholds the collector rescans them all
    again and again (a sixth of the time spent importing).
    """
    gc.set_threshold(50_000, 20, 20)


def usable_cores() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
    from .report import read_index_entries

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
        # Every instrument keeps its configuration (codebook, contract) in codebooks/.
        if hashes[CODEBOOK_DIR / name] != digest:
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
    manifests = sorted(processed_period_dir(data_dir, period).glob("*/manifest.json"))
    if not manifests:
        return Freshness(period, False, "ingen lyckad körning än")
    reports = []
    for path in manifests:
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
        for suffix in DOCUMENTS:
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


# --- running ----------------------------------------------------------------------------------


@dataclass
class PeriodResult:
    period: str
    status: str  # DONE, SKIPPED, FAILED or BUG
    seconds: float | None
    reports: list[Path] = field(default_factory=list)
    message: str = ""  # the error or the bug, in Swedish
    entries: list[dict] = field(default_factory=list)


def _run_one(period: str, data_dir: Path, reports_dir: Path, run_date: str | None, queue) -> PeriodResult:
    """One period in a worker process; every error becomes a failed result, never a traceback,
    and a bug (any exception not raised on purpose) a BUG result naming its bug report."""
    started = time.perf_counter()

    def tell(stage: str, done: int, total: int) -> None:
        try:
            queue.put((period, stage, done, total))
        except (OSError, EOFError):  # the progress display is gone; the run is not
            pass

    try:
        from .pipeline import run_period

        outcome = run_period(period, data_dir, reports_dir, run_date, publish_index=False, progress=tell)
    except ElevhalsaError as exc:
        return PeriodResult(period, FAILED, time.perf_counter() - started, message=str(exc))
    except Exception as exc:  # noqa: BLE001  (one period's bug must not hide the others' results)
        from . import bugs

        parameters = {
            "kommando": "run --all",
            "period": period,
            "data_dir": str(data_dir),
            "reports_dir": str(reports_dir),
            "run_date": str(run_date),
        }
        report = bugs.write_report(exc, parameters, reports_dir)
        return PeriodResult(period, BUG, time.perf_counter() - started, message=bugs.message(exc, report))
    return PeriodResult(period, DONE, outcome.seconds, outcome.reports, entries=outcome.entries)


def _show(bar, stage: str, done: int | None = None, total: int | None = None) -> None:
    bar.total = total or bar.total
    bar.n = bar.total if done is None else done
    bar.set_postfix_str(stage, refresh=False)
    bar.refresh()


def _drain(queue, bars: dict) -> None:
    import queue as queue_module

    while True:
        try:
            period, stage, done, total = queue.get_nowait()
        except (queue_module.Empty, OSError, EOFError):
            return
        _show(bars[period], stage, done, total)


def _round(
    context, periods: list[str], workers: int, args: tuple, queue, bars: dict, results: dict[str, PeriodResult]
) -> list[str]:
    """Run `periods` in one pool, results into `results`; those left unfinished if it broke.

    A period is handed to the pool only when a worker is free: after Ctrl-C (which every
    worker receives too) no queued period starts, so the command stops at once.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queued, running = list(periods), {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=fewer_gc_passes) as pool:
        while queued or running:
            while queued and len(running) < workers:
                period = queued.pop(0)
                running[pool.submit(_run_one, period, *args, queue)] = period
            finished, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(queue, bars)
            broken = False
            for future in finished:
                period = running.pop(future)
                try:
                    results[period] = future.result()
                except BrokenProcessPool:
                    broken = True
                else:
                    _show(bars[period], results[period].status)
            if broken:
                return [p for p in periods if p not in results]
    return []


def _run_parallel(
    periods: list[str], data_dir: Path, reports_dir: Path, run_date: str | None, stream: TextIO
) -> dict[str, PeriodResult]:
    """Each period in a process pool capped at the cores, with a progress bar per period."""
    import multiprocessing

    from tqdm import tqdm

    # Workers forked from a clean server process, not from this one: a fork copies only
    # the forking thread, and the caller may have others (a notebook, a test runner).
    context = multiprocessing.get_context("forkserver")
    results: dict[str, PeriodResult] = {}
    with context.Manager() as manager:
        queue = manager.Queue()
        # disable=None: no bars (and no control characters) when the output is not a terminal;
        # they are gone at the end, when the summary table says the same.
        width = max(map(len, periods))
        bars = {
            p: tqdm(
                total=1,
                desc=p.ljust(width),
                position=i,
                file=stream,
                disable=None,
                leave=False,
                bar_format="{desc} {bar:20}{postfix}",
            )
            for i, p in enumerate(periods)
        }
        try:
            pending, workers = list(periods), min(usable_cores(), len(periods))
            while pending:
                pending = _round(context, pending, workers, (data_dir, reports_dir, run_date), queue, bars, results)
                # A worker died (killed, out of memory) and took the pool with it. What it
                # left unfinished runs again one period at a time, so that another death
                # names its period (the first unfinished) and spares the rest.
                if pending and workers == 1:
                    dead = pending.pop(0)
                    results[dead] = PeriodResult(dead, FAILED, None, message="processen som körde perioden avbröts oväntat")
                    _show(bars[dead], FAILED)
                workers = 1
        finally:
            for bar in bars.values():
                bar.close()
    return results


def _publish_index(reports_dir: Path, done: list[PeriodResult]) -> None:
    """Write reports/index.html once, for every worker: they would race on it."""
    from .report import read_index_entries, write_index

    try:
        current = read_index_entries(reports_dir)
    except ElevhalsaError:
        current = []  # damaged: every period was stale (see `_freshness`) and has just run
    rerun = {r.period for r in done}
    kept = [e for e in current if str(e.get("period")) not in rerun]
    write_index(reports_dir, kept + [e for r in done for e in r.entries])


def run_all(
    data_dir: Path, reports_dir: Path, run_date: str | None = None, force: bool = False, stream: TextIO | None = None
) -> list[PeriodResult]:
    """Run every stale period (every period with `force`) in parallel; never stop at a failure."""
    data_dir, reports_dir = Path(data_dir).resolve(), Path(reports_dir).resolve()
    states = status(data_dir, reports_dir)
    stale = [s.period for s in states if force or not s.fresh]
    results = _run_parallel(stale, data_dir, reports_dir, run_date, stream or sys.stderr) if stale else {}
    done = [r for r in results.values() if r.status == DONE]
    if done:
        _publish_index(reports_dir, done)
    return [results.get(s.period) or PeriodResult(s.period, SKIPPED, None, list(s.reports)) for s in states]


# --- what the user reads ----------------------------------------------------------------------


def _decimal(seconds: float | None) -> str:
    return "–" if seconds is None else fmt_decimal(seconds, 1)


def _table(header: list[str], rows: list[list[str]], right: Iterable[int] = ()) -> str:
    right = set(right)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def cell(i: int, value: str) -> str:
        return value.rjust(widths[i]) if i in right else value.ljust(widths[i])

    return "\n".join("  ".join(cell(i, v) for i, v in enumerate(row)).rstrip() for row in [header, *rows])


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def summary(results: list[PeriodResult]) -> str:
    """The table `run --all` ends with, then each error in full and one line on the whole."""
    rows = [
        [
            r.period,
            f"{r.status}: se nedan" if r.status in (FAILED, BUG) else r.status,
            _decimal(r.seconds),
            ", ".join(_shown(p) for p in r.reports) or "–",
        ]
        for r in results
    ]
    lines = [_table(["Period", "Status", "Sekunder", "Rapport"], rows, right=[2]), ""]
    lines += [
        f"{'Fel' if r.status == FAILED else 'Programfel'} i {r.period}: {r.message}" for r in results if r.status in (FAILED, BUG)
    ]
    ran = [r for r in results if r.status != SKIPPED]
    failed = [r for r in results if r.status in (FAILED, BUG)]
    if not ran:
        lines.append(f"Alla {len(results)} perioder är aktuella; ingenting behövde köras om.")
    elif failed:
        lines.append(f"{len(failed)} av {len(ran)} körda perioder misslyckades; de andras rapporter är klara.")
    else:
        lines.append(f"{len(ran)} av {len(results)} perioder kördes om; alla lyckades.")
    return "\n".join(lines)


def status_table(states: list[Freshness]) -> str:
    rows = [[s.period, "aktuell" if s.fresh else f"inaktuell: {s.reason}"] for s in states]
    stale = sum(not s.fresh for s in states)
    end = (
        f"{stale} av {len(states)} perioder behöver köras om (elevhalsa run --all)."
        if stale
        else f"Alla {len(states)} perioder är aktuella."
    )
    return _table(["Period", "Status"], rows) + "\n\n" + end
