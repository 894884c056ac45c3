"""Executing a notebook and exporting the two HTML variants, the index and provenance."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from elevhalsa_analysis.errors import ElevhalsaError
from elevhalsa_analysis.export import export_html
from elevhalsa_analysis.fileio import atomic_write_text
from elevhalsa_analysis.kernel import execute_notebook
from elevhalsa_analysis.provenance import collect_provenance, git_version, provenance_from_manifest, provenance_html, run_date
from elevhalsa_analysis.report_index import read_index_entries, update_index, write_index

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

TITLE = "Testrapport – skolor & förskolor"
ALT = "Stapeldiagram: 5 svarade ja och 2 svarade nej."
STDOUT_MARK = "UTSKRIFT_SOM_LEDNINGEN_INTE_SKA_SE"
WARNING_MARK = "VARNING_SOM_LEDNINGEN_INTE_SKA_SE"
RESULT_MARK = "RESULTAT_SOM_TEXT"
ANALYSIS_ONLY_MARK = "ANTECKNING_ENDAST_FOR_ANALYS"

FIGURE_CELL = f"""\
import base64, io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import HTML, display
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["Ja", "Nej"], [antal, 2], color=["#0072B2", "#D55E00"])
buf = io.BytesIO()
fig.savefig(buf, format="png", dpi=80, metadata={{"Software": None}})
plt.close(fig)
data = base64.b64encode(buf.getvalue()).decode("ascii")
display(HTML('<figure><img src="data:image/png;base64,' + data + '" alt="{ALT}">'
             '<figcaption>Figur 1. Svar på frågan.</figcaption></figure>'))
"""


def build_notebook(path: Path) -> Path:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(f"# {TITLE}\n\nInledning med å, ä och ö."),
        new_code_cell("antal = 3\ndata_dir = '.'", metadata={"tags": ["parameters"]}),
        new_code_cell(f"print({STDOUT_MARK!r}, antal)"),
        new_code_cell(FIGURE_CELL),
        new_code_cell(f"import warnings\nwarnings.warn({WARNING_MARK!r})"),
        new_markdown_cell(ANALYSIS_ONLY_MARK, metadata={"tags": ["endast-analys"]}),
        new_code_cell(f"{RESULT_MARK!r} + str(antal)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_and_export(workdir: Path) -> dict[str, Path]:
    notebook = build_notebook(workdir / "rapport.ipynb")
    executed = workdir / "ut" / "rapport.ipynb"
    # An absolute parameter, as the pipeline passes, shows in papermill's injected cell.
    execute_notebook(notebook, executed, {"antal": 5, "data_dir": workdir / "data"}, cwd=workdir)
    out = {"executed": executed}
    for variant in ("ledning", "analys"):
        out[variant] = workdir / "ut" / f"rapport_{variant}.html"
        export_html(executed, out[variant], variant, TITLE, path_aliases={workdir: "<arbetsmapp>"})
    return out


class Page(HTMLParser):
    """Just enough of an HTML document to assert on: tags with attributes and the text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same notebook run and exported twice, in differently deep folders."""
    base = tmp_path_factory.mktemp("report")
    first = run_and_export(base / "a" / "djup" / "mapp")
    second = run_and_export(base / "b")
    return base, first, second


def test_leadership_variant_is_clean_and_self_contained(runs):
    base, first, _ = runs
    raw = first["ledning"].read_text(encoding="utf-8")
    page = Page(raw)

    assert raw.startswith("<!DOCTYPE html>")
    assert page.all("html")[0].get("lang") == "sv"
    assert any(m.get("charset", "").lower() == "utf-8" for m in page.all("meta"))
    assert any(m.get("name") == "viewport" for m in page.all("meta"))
    assert page.title == TITLE

    assert "<script" not in raw.lower()
    assert not page.all("link")
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http://", "https://", "//")), (tag, name, value[:80])
    assert "mathjax" not in raw.lower() and "require.js" not in raw.lower()

    for code in ("antal = ", "print(", "warnings.warn", "plt.subplots", "import "):
        assert code not in page.text, code
    for hidden in (STDOUT_MARK, WARNING_MARK, RESULT_MARK, ANALYSIS_ONLY_MARK, "UserWarning", "Traceback"):
        assert hidden not in raw, hidden
    assert "In [" not in page.text and "Out[" not in page.text

    images = page.all("img")
    assert len(images) == 1
    assert images[0]["src"].startswith("data:image/png;base64,")
    assert images[0].get("alt", "").strip() == ALT
    assert "Figur 1. Svar på frågan." in page.text
    assert str(base) not in raw


def test_analysis_variant_shows_code_and_text_output(runs):
    base, first, _ = runs
    raw = first["analys"].read_text(encoding="utf-8")
    page = Page(raw)

    assert page.all("html")[0].get("lang") == "sv"
    assert "<script" not in raw.lower()
    assert f"print({STDOUT_MARK!r}, antal)" in page.text
    assert 'fig.savefig(buf, format="png"' in page.text
    assert "antal = 5" in page.text  # papermill's injected parameters
    assert 'data_dir = "<arbetsmapp>/data"' in page.text
    assert STDOUT_MARK in page.text and WARNING_MARK in page.text
    assert f"'{RESULT_MARK}5'" in page.text
    assert ANALYSIS_ONLY_MARK in page.text
    assert "In [" not in page.text
    assert all(img.get("alt", "").strip() for img in page.all("img"))
    # The warning names the cell's file, which lives under a per-run ipykernel folder.
    assert str(base) not in raw and "ipykernel_" not in raw


@pytest.mark.parametrize("variant", ["ledning", "analys"])
def test_reruns_in_other_folders_give_identical_bytes(runs, variant):
    _, first, second = runs
    assert first[variant].read_bytes() == second[variant].read_bytes()


def test_outputs_are_readable_and_no_temporary_files_remain(runs):
    _, first, _ = runs
    folder = first["executed"].parent
    assert sorted(p.name for p in folder.iterdir()) == ["rapport.ipynb", "rapport_analys.html", "rapport_ledning.html"]
    for p in folder.iterdir():
        assert p.stat().st_mode & stat.S_IRUSR
    executed = nbformat.read(first["executed"], as_version=4)
    assert executed.metadata["papermill"]["output_path"] == str(first["executed"])


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


def test_unknown_variant_is_refused(runs, tmp_path):
    _, first, _ = runs
    with pytest.raises(ValueError):
        export_html(first["executed"], tmp_path / "x.html", "utkast", TITLE)  # type: ignore[arg-type]
    assert not (tmp_path / "x.html").exists()


# --- index ----------------------------------------------------------------------------------


def _entry(period: str, end: str, label: str, synthetic: bool = False) -> dict:
    return {
        "period": period,
        "label": label,
        "end": end,
        "instrument": "rektorsenkat",
        "instrument_title": "Rektorsenkät",
        "ledning": f"{period}/rektorsenkat_ledning.html",
        "analys": f"{period}/rektorsenkat_analys.html",
        "run_date": "2024-11-05",
        "verdict": "Underlaget håller för analys: alla kontroller är godkända.",
        "synthetic": synthetic,
    }


def _links(page: Page) -> list[str]:
    return [a["href"] for a in page.all("a")]


def test_write_index_links_relatively_newest_first(tmp_path):
    reports = tmp_path / "reports"
    entries = [
        _entry("2024-04", "2024-04-30", "Våren 2024"),
        _entry("2024-10", "2024-10-31", "Hösten 2024 <test>", synthetic=True),
    ]
    for e in entries:
        for key in ("ledning", "analys"):
            (reports / e[key]).parent.mkdir(parents=True, exist_ok=True)
            (reports / e[key]).write_text("x", encoding="utf-8")

    index = write_index(reports, entries)

    assert index == reports / "index.html"
    raw = index.read_text(encoding="utf-8")
    page = Page(raw)
    assert page.all("html")[0].get("lang") == "sv"
    assert "<script" not in raw.lower() and not page.all("link")
    assert _links(page) == [
        "2024-10/rektorsenkat_ledning.html",
        "2024-10/rektorsenkat_analys.html",
        "2024-04/rektorsenkat_ledning.html",
        "2024-04/rektorsenkat_analys.html",
    ]
    for href in _links(page):
        assert not Path(href).is_absolute() and "://" not in href
        assert (reports / href).is_file()
    assert "Hösten 2024 <test>" in page.text and "<test>" not in raw  # escaped
    assert "2024-11-05" in page.text and "alla kontroller är godkända" in page.text
    assert "Syntetiska exempeldata" in page.text
    # The stylesheet is the template's, inlined.
    assert ".syntetisk" in raw and "@page" in raw

    again = tmp_path / "again"
    write_index(again, list(reversed(entries)))
    assert (again / "index.html").read_bytes() == index.read_bytes()
    assert (again / "index.json").read_bytes() == (reports / "index.json").read_bytes()


def test_write_index_makes_absolute_paths_relative(tmp_path):
    reports = tmp_path / "reports"
    entry = _entry("2024-10", "2024-10-31", "Hösten 2024")
    entry["ledning"] = reports / "2024-10" / "rektorsenkat_ledning.html"
    entry["run_date"] = dt.date(2024, 11, 5)
    write_index(reports, [entry])
    assert _links(Page((reports / "index.html").read_text(encoding="utf-8")))[0] == "2024-10/rektorsenkat_ledning.html"


def test_update_index_keeps_other_periods(tmp_path):
    reports = tmp_path / "reports"
    update_index(reports, "2024-04", [_entry("2024-04", "2024-04-30", "Våren 2024")])
    update_index(reports, "2024-10", [_entry("2024-10", "2024-10-31", "Hösten 2024")])
    rerun = _entry("2024-10", "2024-10-31", "Hösten 2024")
    rerun["run_date"] = "2024-12-01"
    update_index(reports, "2024-10", [rerun])

    entries = read_index_entries(reports)
    assert [(e["period"], e["run_date"]) for e in entries] == [("2024-10", "2024-12-01"), ("2024-04", "2024-11-05")]
    assert json.loads((reports / "index.json").read_text(encoding="utf-8"))["entries"] == entries
    text = Page((reports / "index.html").read_text(encoding="utf-8")).text
    assert "Våren 2024" in text and "2024-12-01" in text


def test_damaged_index_is_reported_in_swedish(tmp_path):
    (tmp_path / "index.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(ElevhalsaError, match="skadad"):
        read_index_entries(tmp_path)


# --- provenance -----------------------------------------------------------------------------


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
    assert "a<b>.csv" in page.text and hashlib.sha256(b"x").hexdigest() in page.text
    assert "Körningsdatum" in page.text and "2024-01-02" in page.text


def test_atomic_write_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "fil.txt"
    atomic_write_text(target, "första\n")
    os.chmod(target, 0o640)
    atomic_write_text(target, "andra\n")
    assert target.read_text(encoding="utf-8") == "andra\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["fil.txt"]


def test_provenance_from_manifest_uses_recorded_hashes():
    manifest = {
        "inputs": {"rektorsenkat.csv": "ab" * 32, "bilagor/register.xlsx": "cd" * 32},
        "codebook_version": "2024.1",
        "period": "2024-10",
    }
    prov = provenance_from_manifest(manifest, {"period": "2024-10"}, dt.date(2024, 11, 5))
    assert list(prov["inputs"].items()) == [("bilagor/register.xlsx", "cd" * 32), ("rektorsenkat.csv", "ab" * 32)]
    assert prov["codebook_version"] == "2024.1" and prov["run_date"] == "2024-11-05"
