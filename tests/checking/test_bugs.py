"""Bugs told as bugs: a failure inside the notebook or a period's run becomes a bug report that
never repeats the error's message, and `run --all` exits 2."""

from __future__ import annotations

import nbformat
import pytest

from elevhalsa_analysis import batch, bugs
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.kernel import execute_notebook

COLLEAGUE = "Sven Planterad"  # a name in an error's message, which the bug report must not repeat


# Runs a notebook: left out of `make test-fast`.
@pytest.mark.e2e
def test_a_bug_inside_the_notebook_is_told_as_one_without_its_message(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(f"raise ValueError('saknar {COLLEAGUE}\\nrad två')"),
    ]
    notebook = tmp_path / "bugg.ipynb"
    nbformat.write(nb, notebook)
    with pytest.raises(bugs.NotebookBug) as found:
        execute_notebook(notebook, tmp_path / "ut.ipynb", {}, cwd=tmp_path)
    exc = found.value
    assert (exc.ename, exc.cell, bugs.where(exc)) == ("ValueError", "kodcell 2", "notebooken bugg.ipynb, kodcell 2")
    report = bugs.write_report(exc, {"kommando": "run"}, tmp_path).read_text(encoding="utf-8")
    assert "I kärnan (ValueError):" in report and "ValueError: " + bugs.OMITTED in report
    assert "Planterad" not in report and "rad två" not in report


def test_run_all_carries_a_bug_per_period_and_exits_2(tmp_path, monkeypatch, capsys):
    import elevhalsa_analysis.pipeline as pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "run_period", broken)
    result = batch._run_one("2024-10", tmp_path, tmp_path / "reports", None, queue=None)
    assert result.status == batch.BUG and "ZeroDivisionError" in result.message
    assert len(list((tmp_path / "reports").glob("felrapport-*.txt"))) == 1
    assert "Programfel i 2024-10: Ett fel i programmet" in batch.summary([result])

    monkeypatch.setattr(batch, "run_all", lambda *a, **k: [result, batch.PeriodResult("2023-10", batch.FAILED, 1.0, message="x")])
    assert main(["run", "--all", "--data-dir", str(tmp_path), "--reports-dir", str(tmp_path / "reports")]) == bugs.EXIT_CODE
    assert "programfel: se nedan" in capsys.readouterr().out
