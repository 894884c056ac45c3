"""Exporting an executed notebook as the two HTML variants, leadership and analysis."""

from __future__ import annotations

import stat
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from elevhalsa_analysis.export import export_html
from elevhalsa_analysis.kernel import execute_notebook
from elevhalsa_analysis.markup import CSP
from html_page import Page

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
    # The one policy of every page, the standalone ones' too.
    assert [m["content"] for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"] == [CSP]
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


def test_unknown_variant_is_refused(runs, tmp_path):
    _, first, _ = runs
    with pytest.raises(ValueError):
        export_html(first["executed"], tmp_path / "x.html", "utkast", TITLE)  # type: ignore[arg-type]
    assert not (tmp_path / "x.html").exists()
