"""Benchmark row: all unit profiles of the 2024 sample follow-up against one period's report.

`bench_unit_profiles(tmpdir)` copies the sample data, runs `elevhalsa run --period 2024`
in this process (which writes the profiles too), then writes every profile again from the
processed folder and times that alone. The period's report is the run's time less the
profiles'. The goal (issue 10): all profiles at most 3 × one period's report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import statistics
import sys
import time
from pathlib import Path

from elevhalsa_analysis.cli import main
from elevhalsa_analysis.sections_units import write_period_pages

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw"
PERIOD = "2024"
LIMIT_RATIO = 3.0
REPEATS = 3


def bench_unit_profiles(tmpdir: Path | str) -> dict:
    """Seconds for all unit profiles and for the period's report, and their ratio."""
    tmpdir = Path(tmpdir)
    data, reports = tmpdir / "enheter" / "data", tmpdir / "enheter" / "reports"
    shutil.rmtree(tmpdir / "enheter", ignore_errors=True)
    shutil.copytree(SAMPLE, data / "raw")
    date = dt.date(2025, 1, 15)
    started = time.perf_counter()
    # The run's own messages to stderr: stdout is the benchmark table.
    with contextlib.redirect_stdout(sys.stderr):
        code = main(
            ["run", "--period", PERIOD, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", date.isoformat()]
        )
    if code != 0:
        raise RuntimeError(f"elevhalsa run --period {PERIOD} misslyckades")
    run_seconds = time.perf_counter() - started
    processed = data / "processed" / PERIOD
    timings, pages = [], []
    for i in range(REPEATS):
        out = tmpdir / "enheter" / f"profiler-{i}"
        started = time.perf_counter()
        pages = write_period_pages(processed, out, date)
        timings.append(time.perf_counter() - started)
    units_seconds = statistics.median(timings)
    report_seconds = run_seconds - units_seconds
    ratio = units_seconds / report_seconds
    return {
        "rad": f"Alla enhetsprofiler för {PERIOD} ({len(pages) - 1} enheter) mot periodens rapport",
        "enheter": len(pages) - 1,
        "profiler_sekunder": units_seconds,
        "rapport_sekunder": report_seconds,
        "kvot": ratio,
        "grans": LIMIT_RATIO,
        "ok": ratio <= LIMIT_RATIO,
    }


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = bench_unit_profiles(tmp)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    sys.exit(0 if result["ok"] else 1)
