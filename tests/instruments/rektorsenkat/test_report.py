"""The principal survey's report, run through the CLI."""

from __future__ import annotations

import re

import pytest

from contract_files import answers_2024, export_rows, principals, write_register, write_xlsx

PERIOD = "2024-10"


@pytest.mark.e2e
def test_principals_are_never_called_students_in_the_report(tmp_path, capsys):
    """The one full run here: period.yaml without `population`, label a bare year."""
    from elevhalsa_analysis.cli import main

    folder = tmp_path / "data" / "raw" / PERIOD
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text("label: 2024\nstart: 2024-06-01\nend: 2024-10-31\n", encoding="utf-8")
    write_register(folder, principals())
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(principals(), answers_2024()))
    reports = tmp_path / "reports"
    assert (
        main(
            [
                "run",
                "--period",
                PERIOD,
                "--data-dir",
                str(tmp_path / "data"),
                "--reports-dir",
                str(reports),
                "--run-date",
                "2024-11-01",
            ]
        )
        == 0
    ), capsys.readouterr().err
    page = (reports / PERIOD / "rektorsenkat_ledning.html").read_text(encoding="utf-8")
    assert "Enkäten gick till 18 rektorer;" in page
    assert not re.search(r"\d+ (?:av \d+ )?elever\b", page)
    assert "– 2024" in page
