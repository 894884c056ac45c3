"""The plan follow-up's report, run through the CLI: no personal data anywhere, and a run that
lacks some inputs says what is missing."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from elevhalsa_analysis.cli import main
from plan_files import SECRET, forms, students, write_data


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.mark.e2e
def test_run_leaves_no_personal_data_anywhere(tmp_path, capsys):
    data = write_data(tmp_path)
    reports = tmp_path / "reports"
    assert main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    log = capsys.readouterr()
    text = text_of(reports / "2024" / "verksamhetsplan_ledning.html")
    assert "6 av 10 insatser är genomförda, 3 påbörjade, 1 ej påbörjad" in text
    assert "Målkort" in text and "? Kan inte bedömas: uppgift saknas: elevenkat.xlsx/.csv/.sav i mappen 2024-04 behövs" in text
    scorecard = text[text.index("Målkort") : text.index("Insatser", text.index("Målkort"))]
    for row in ("Anmälningar per 100 elever", "Anmälningar från personal per 100 elever"):
        cells = scorecard[scorecard.index(row) :][:260]
        assert "Uppnått" not in cells and "bättre" not in cells and "sämre" not in cells
    # One row per unit is the researchers' detail; leadership gets the funnel plot at any size.
    assert "Anmälningar per skolenhet" not in text
    assert "Anmälningar per skolenhet" in text_of(reports / "2024" / "verksamhetsplan_analys.html")
    outputs = [p for root in (reports, data / "processed") for p in root.rglob("*") if p.is_file()]
    assert outputs
    blobs = [(str(p), p.read_bytes().decode("utf-8", "replace")) for p in outputs]
    blobs += [(str(p), pd.read_parquet(p).to_csv()) for p in outputs if p.suffix == ".parquet"]
    blobs += [("stdout", log.out), ("stderr", log.err)]
    secrets = [SECRET] + [s["name"] for s in students()] + [f for s in students() for f in forms(s["pnr"])]
    for where, blob in blobs:
        for secret in secrets:
            assert secret not in blob, (secret, where)


@pytest.mark.e2e
def test_run_without_some_inputs_says_what_is_missing(tmp_path):
    data = write_data(tmp_path, franvaro=False, elevantal=False)
    reports = tmp_path / "reports"
    assert main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    text = text_of(reports / "2024" / "verksamhetsplan_ledning.html")
    assert "uppgift saknas: franvaro.xlsx eller franvaro.csv i mappen 2024 behövs" in text
    assert "uppgift saknas: elevantal.csv i mappen 2024 behövs" in text
    scorecard = text[text.index("Målkort") : text.index("Insatser", text.index("Målkort"))]
    row = scorecard[scorecard.index("Minst 20 % frånvaro HT") :][:200]
    assert "Kan inte bedömas" in row and "Uppnått" not in row
