"""Shared fixtures: contract-conformant period folders written by the tests themselves
(builders in `contract_files.py`) and one CLI run of the committed 2024-10 sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contract_files import answers_2024, copy_sample, export_rows, principals, write_period, write_register, write_xlsx
from elevhalsa_analysis.cli import main

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ELEVHALSA_SALT", "test-salt")


@pytest.fixture
def period_2024(tmp_path: Path) -> Path:
    """A data dir with one period 2024-10 reproducing the seed (xlsx, Swedish headers)."""
    folder = tmp_path / "data" / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people, answers_2024()))
    return tmp_path / "data"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> tuple[Path, Path]:
    """The 2024-10 sample period run once through the CLI: (data dir, reports dir)."""
    tmp = tmp_path_factory.mktemp("sample")
    data = copy_sample(tmp)
    reports = tmp / "reports"
    argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
    assert main(argv) == 0
    return data, reports
