"""Shared fixtures: contract-conformant period folders written by the tests themselves
(builders in `contract_files.py`, re-exported here for the tests that import them from conftest)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from contract_files import (  # noqa: F401  (re-exported to the tests that import them from conftest)
    ALL5,
    EN_META,
    SV_META,
    Q,
    answers_2024,
    export_rows,
    principals,
    write_csv,
    write_period,
    write_register,
    write_xlsx,
)
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.config import DATA_DIR

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


def copy_sample(tmp_path: Path, periods=("2023-10", "2024-10", "2025-10")) -> Path:
    """A private copy of the committed sample periods, so runs never touch data/."""
    data = tmp_path / "data"
    for p in periods:
        shutil.copytree(DATA_DIR / "raw" / p, data / "raw" / p)
    return data


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> tuple[Path, Path]:
    """The 2024-10 sample period run once through the CLI: (data dir, reports dir)."""
    tmp = tmp_path_factory.mktemp("sample")
    data = copy_sample(tmp)
    reports = tmp / "reports"
    argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
    assert main(argv) == 0
    return data, reports
