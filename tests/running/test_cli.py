"""The installed command: its exit code says success or failure."""

from __future__ import annotations

from pathlib import Path

import pytest

# Runs the sample through the command (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e


def test_the_installed_command_reports_success_and_failure_by_exit_code(sample_run, tmp_path):
    # `elevhalsa` is the console script (cli.entry), not main() called in this process.
    import subprocess
    import sys

    data, _ = sample_run
    command = Path(sys.executable).with_name("elevhalsa")
    ok = subprocess.run(
        [command, "run", "--period", "2024-10", "--data-dir", data, "--reports-dir", tmp_path / "ok"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Perioden 2024-10 klar" in ok.stdout
    missing = subprocess.run(
        [command, "run", "--period", "2031-10", "--data-dir", data, "--reports-dir", tmp_path / "fel"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert "Perioden 2031-10 finns inte" in missing.stderr and "Traceback" not in missing.stderr
    # A mistyped command is the user's to fix (1), in Swedish; 2 is kept for bugs in the program.
    typo = subprocess.run([command, "status", "--data-dir", data, "--perod", "2024-10"], capture_output=True, text=True)
    assert typo.returncode == 1
    assert "användning: elevhalsa" in typo.stderr and "fel i kommandot: okända argument: --perod 2024-10" in typo.stderr
