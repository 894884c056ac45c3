"""Shared fixtures: one CLI run of the committed 2024-10 sample. The tests write their own
contract-conformant period folders with the builders in `contract_files.py`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contract_files import copy_sample
from elevhalsa_analysis.cli import main

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ELEVHALSA_SALT", "test-salt")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> tuple[Path, Path]:
    """The 2024-10 sample period run once through the CLI: (data dir, reports dir)."""
    tmp = tmp_path_factory.mktemp("sample")
    data = copy_sample(tmp)
    reports = tmp / "reports"
    argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
    assert main(argv) == 0
    return data, reports
