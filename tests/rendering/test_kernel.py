"""Executing a notebook in a kernel: a failing cell is a Swedish error and leaves nothing behind."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from elevhalsa_analysis.errors import ElevhalsaError
from elevhalsa_analysis.kernel import execute_notebook

# Runs a notebook: left out of `make test-fast`.
pytestmark = pytest.mark.e2e


def test_failing_cell_raises_swedish_error_and_leaves_no_output(tmp_path):
    nb = new_notebook()
    nb.cells = [
        new_code_cell("period = 'x'", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "from elevhalsa_analysis.errors import DataError\nraise DataError('Kolumnen «Q7» saknas i exporten.', column='Q7')"
        ),
        new_code_cell("print('körs aldrig')"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = tmp_path / "trasig.ipynb"
    nbformat.write(nb, notebook)
    target = tmp_path / "ut" / "trasig.ipynb"

    with pytest.raises(ElevhalsaError) as info:
        execute_notebook(notebook, target, {"period": "2024-10"}, cwd=tmp_path)

    message = str(info.value)
    assert "avbröts" in message and "trasig.ipynb" in message
    assert "DataError" in message and "Kolumnen «Q7» saknas i exporten." in message
    assert "Traceback" not in message and "\n" not in message
    assert not target.exists()
    assert list(target.parent.iterdir()) == []
