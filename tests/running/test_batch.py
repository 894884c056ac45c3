"""`run --all` and `status`: every period in parallel, one broken period, what is fresh.

One `run --all` over the three sample periods (one of them broken) carries the module;
the freshness tests work on copies of its output and run nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from elevhalsa_analysis import batch, freshness
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.config import DATA_DIR

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

PERIODS = ("2023-10", "2024-10", "2025-10")
BROKEN = "2023-10"


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def summary_rows(out: str) -> dict[str, str]:
    """Period → the rest of its row in the summary table."""
    return {line.split()[0]: line for line in out.splitlines() if line.split() and line.split()[0] in PERIODS}


def break_export(data: Path) -> None:
    # An answer outside the scale: the gate stops the period with a Swedish message.
    export = data / "raw" / BROKEN / "rektorsenkat.csv"
    export.write_bytes(export.read_bytes().replace(b';Ja;"Skoll', b';Kanske;"Skoll', 1))


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    data, reports = tmp / "data", tmp / "reports"
    for p in PERIODS:
        shutil.copytree(DATA_DIR / "raw" / p, data / "raw" / p)
    break_export(data)
    argv = ["run", "--all", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
    return data, reports, argv, run_cli(argv)


def copy_of(batch_run, tmp_path: Path) -> tuple[Path, Path]:
    """The module run's data and reports, with their times, to change without spoiling it."""
    data, reports, *_ = batch_run
    shutil.copytree(data, tmp_path / "data")
    shutil.copytree(reports, tmp_path / "reports")
    return tmp_path / "data", tmp_path / "reports"


def states(data: Path, reports: Path) -> dict[str, str]:
    return {s.period: "aktuell" if s.fresh else s.reason for s in freshness.status(data, reports)}


def test_a_broken_period_stops_only_itself(batch_run):
    data, reports, _, (code, out, err) = batch_run
    assert code == 1
    assert "Traceback" not in out + err
    for p in PERIODS:
        assert (reports / p / "rektorsenkat_ledning.html").is_file() == (p != BROKEN), p
        assert (reports / p / "rektorsenkat_analys.html").is_file() == (p != BROKEN), p
    rows = summary_rows(out)
    assert "fel" in rows[BROKEN]
    assert all("klar" in rows[p] and "rektorsenkat_ledning.html" in rows[p] for p in PERIODS if p != BROKEN)
    assert f"Fel i {BROKEN}:" in out and "Kanske" in out and "rektorsenkat.csv" in out
    assert "1 av 3 körda perioder misslyckades" in out
    # The index was written once, by the parent, with every report that was made.
    index = json.loads((reports / "index.json").read_text(encoding="utf-8"))["entries"]
    assert sorted(e["period"] for e in index) == ["2024-10", "2025-10"]
    assert not (data / "processed" / BROKEN).exists()


def test_reports_from_all_equal_those_from_one_period(batch_run, tmp_path):
    data, reports = copy_of(batch_run, tmp_path)
    single = tmp_path / "one"
    assert (
        main(["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(single), "--run-date", "2024-11-01"])
        == 0
    )
    for name in ("rektorsenkat_ledning.html", "rektorsenkat_analys.html", "validering.html"):
        assert (single / "2024-10" / name).read_bytes() == (reports / "2024-10" / name).read_bytes(), name


def test_second_run_reruns_only_the_broken_period(batch_run):
    data, reports, argv, _ = batch_run
    made = {p: (reports / p / "rektorsenkat_ledning.html").stat().st_mtime_ns for p in PERIODS if p != BROKEN}
    code, out, err = run_cli(argv)
    assert code == 1, out + err
    rows = summary_rows(out)
    assert "fel" in rows[BROKEN]
    for p in made:
        assert "aktuell, hoppades över" in rows[p]
        assert (reports / p / "rektorsenkat_ledning.html").stat().st_mtime_ns == made[p]


def test_status_names_what_changed(batch_run, tmp_path, capsys):
    data, reports = copy_of(batch_run, tmp_path)
    assert states(data, reports) == {"2023-10": "ingen lyckad körning än", "2024-10": "aktuell", "2025-10": "aktuell"}
    assert main(["status", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    out = capsys.readouterr().out
    assert "2024-10  aktuell" in out and "1 av 3 perioder behöver köras om" in out

    register = data / "raw" / "2025-10" / "rektorer.csv"
    os.utime(register, (time.time() + 60, time.time() + 60))  # touched, same content: still fresh
    assert states(data, reports)["2025-10"] == "aktuell"

    register.write_bytes(register.read_bytes() + b"\n")
    assert states(data, reports) == {
        "2023-10": "ingen lyckad körning än",
        "2024-10": "filen 2025-10/rektorer.csv har ändrats",
        "2025-10": "filen 2025-10/rektorer.csv har ändrats",
    }


def test_fixing_the_broken_period_makes_the_others_stale(batch_run, tmp_path):
    # Their reports say the broken period could not be read; fixed, it belongs in their trend.
    data, reports = copy_of(batch_run, tmp_path)
    shutil.copy2(DATA_DIR / "raw" / BROKEN / "rektorsenkat.csv", data / "raw" / BROKEN / "rektorsenkat.csv")
    assert set(states(data, reports).values()) == {"ingen lyckad körning än", f"filen {BROKEN}/rektorsenkat.csv har ändrats"}


def test_new_files_periods_versions_and_code_make_stale(batch_run, tmp_path, monkeypatch):
    data, reports = copy_of(batch_run, tmp_path)
    (data / "raw" / "2025-10" / ".DS_Store").write_bytes(b"")  # hidden: no data
    assert states(data, reports)["2025-10"] == "aktuell"
    assert states(data, tmp_path / "elsewhere")["2025-10"].startswith("rapporten rektorsenkat_ledning.html saknas")

    monkeypatch.setattr(freshness, "__version__", "99.0")
    assert states(data, reports)["2025-10"].startswith("programversionen har ändrats")
    monkeypatch.undo()
    # The same version with other code: a fix between releases still reruns the reports.
    monkeypatch.setattr(freshness, "code_fingerprint", lambda: "the package after an edit")
    assert states(data, reports)["2025-10"] == "programkoden har ändrats sedan förra körningen"
    monkeypatch.undo()

    (data / "raw" / "2025-10" / "rektorsenkat.csv").write_text("ID;Email\n", encoding="utf-8")
    assert states(data, reports)["2025-10"] == "filen 2025-10/rektorsenkat.csv har tillkommit"

    shutil.copytree(data / "raw" / "2025-10", data / "raw" / "2026-10")
    assert states(data, reports)["2025-10"] == "perioden 2026-10 har tillkommit"


def test_nothing_stale_means_no_work(batch_run, tmp_path, monkeypatch):
    data, reports = copy_of(batch_run, tmp_path)
    fresh = [freshness.Freshness(p, True, reports=(reports / p / "rektorsenkat_ledning.html",)) for p in PERIODS]
    monkeypatch.setattr(batch, "status", lambda *_: fresh)
    monkeypatch.setattr(batch, "_run_parallel", lambda *_: pytest.fail("a fresh period was run"))
    index = (reports / "index.json").read_bytes()
    started = time.perf_counter()
    code, out, _ = run_cli(["run", "--all", "--data-dir", str(data), "--reports-dir", str(reports)])
    assert time.perf_counter() - started < 2
    assert code == 0
    assert all("aktuell, hoppades över" in row for row in summary_rows(out).values())
    assert "Alla 3 perioder är aktuella; ingenting behövde köras om." in out
    assert (reports / "index.json").read_bytes() == index


def test_status_is_quick_and_light(batch_run, tmp_path):
    # A fresh interpreter: the check must not import pandas or great_expectations.
    import subprocess
    import sys

    data, reports = copy_of(batch_run, tmp_path)
    code = (
        "import sys, time; t = time.perf_counter(); from elevhalsa_analysis.cli import main; "
        f"rc = main(['status', '--data-dir', {str(data)!r}, '--reports-dir', {str(reports)!r}]); "
        "print(sorted(m for m in ('pandas', 'great_expectations') if m in sys.modules), time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy, seconds = out.strip().splitlines()[-1].rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 2
