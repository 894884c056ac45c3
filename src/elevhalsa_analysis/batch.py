"""Every period in one command: the stale ones (freshness.py) run in parallel.

Pandas, great_expectations and the instrument registry are imported in the worker
processes, never here, so `run --all` with nothing to do stays quick.
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

from .errors import ElevhalsaError
from .formatting import fmt_decimal
from .freshness import Freshness, status

DONE = "klar"
SKIPPED = "aktuell, hoppades över"
FAILED = "fel"
BUG = "programfel"


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
    from .report_index import read_index_entries, write_index

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
