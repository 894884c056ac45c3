"""Provenance: the inputs' hashes, the run date, the code and library versions, shown in Swedish."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest

from elevhalsa_analysis.errors import ElevhalsaError
from elevhalsa_analysis.provenance import collect_provenance, git_version, provenance_from_manifest, provenance_html, run_date
from html_page import Page


def test_collect_provenance_hashes_inputs_relative_to_base(tmp_path):
    base = tmp_path / "raw" / "2024-10"
    (base / "bilagor").mkdir(parents=True)
    first = base / "rektorsenkat.csv"
    first.write_bytes("Fråga;Svar\r\nQ1;Ja\r\n".encode("cp1252"))
    second = base / "bilagor" / "register.xlsx"
    second.write_bytes(bytes(range(256)) * 50)

    prov = collect_provenance([second, first], base, "2024.1", {"period": "2024-10"}, dt.date(2024, 11, 5))

    assert prov["inputs"] == {
        "bilagor/register.xlsx": hashlib.sha256(second.read_bytes()).hexdigest(),
        "rektorsenkat.csv": hashlib.sha256(first.read_bytes()).hexdigest(),
    }
    assert list(prov["inputs"]) == sorted(prov["inputs"])
    assert prov["codebook_version"] == "2024.1"
    assert prov["run_date"] == "2024-11-05"
    assert prov["parameters"] == {"period": "2024-10"}
    assert prov["python_version"].startswith("3.")
    assert set(prov["libraries"]) >= {
        "pandas",
        "numpy",
        "scipy",
        "statsmodels",
        "matplotlib",
        "seaborn",
        "great_expectations",
        "papermill",
        "nbconvert",
    }
    assert all(isinstance(v, str) and v for v in prov["libraries"].values())
    assert prov["git_commit"]
    json.dumps(prov)  # stored beside the report as it is


def test_run_date_honours_parameter_then_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    assert run_date(None) == dt.date(2023, 11, 14)
    assert run_date("2024-10-31") == dt.date(2024, 10, 31)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert run_date(None) == dt.date.today()
    with pytest.raises(ElevhalsaError, match="ÅÅÅÅ-MM-DD"):
        run_date("31/10/2024")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "igår")
    with pytest.raises(ElevhalsaError, match="SOURCE_DATE_EPOCH"):
        run_date(None)


def test_git_version_outside_a_repository(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git saknas / git is not installed")
    assert git_version(tmp_path) == "ej versionshanterad"


def test_provenance_html_is_swedish_and_escaped(tmp_path):
    f = tmp_path / "a<b>.csv"
    f.write_text("x", encoding="utf-8")
    prov = collect_provenance([f], tmp_path, "1", {"notering": "<script>alert(1)</script>"}, dt.date(2024, 1, 2))
    out = provenance_html(prov)
    page = Page(out)
    assert "Metod och spårbarhet" in page.text
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "a<b>.csv" in page.text and f'<code class="hash">{hashlib.sha256(b"x").hexdigest()}</code>' in out
    assert "Körningsdatum" in page.text and "2024-01-02" in page.text


def test_provenance_from_manifest_uses_recorded_hashes():
    manifest = {
        "inputs": {"rektorsenkat.csv": "ab" * 32, "bilagor/register.xlsx": "cd" * 32},
        "codebook_version": "2024.1",
        "period": "2024-10",
    }
    prov = provenance_from_manifest(manifest, {"period": "2024-10"}, dt.date(2024, 11, 5))
    assert list(prov["inputs"].items()) == [("bilagor/register.xlsx", "cd" * 32), ("rektorsenkat.csv", "ab" * 32)]
    assert prov["codebook_version"] == "2024.1" and prov["run_date"] == "2024-11-05"
