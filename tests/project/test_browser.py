"""A leadership report in a real, offline browser: nothing fetched, no errors, sane layout.

Uses Debian's Chromium through Playwright (no browser download); a full-page screenshot
of every case goes to `reports/screenshots/` for a human look.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from elevhalsa_analysis.export import export_html
from elevhalsa_analysis.kernel import execute_notebook

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "reports" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}

TITLE = "Uppföljning av elevhälsan – testkommun"
FIGURE_CELL = """\
import base64, io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import HTML, display
fig, ax = plt.subplots(figsize=(8, 3.2))
ax.barh(["Skola A", "Skola B", "Skola C"], [12, 7, 9], color="#0072B2")
ax.set_xlabel("Antal svar")
buf = io.BytesIO()
fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
plt.close(fig)
data = base64.b64encode(buf.getvalue()).decode("ascii")
display(HTML('<p class="syntetisk"><strong>Syntetiska exempeldata.</strong> Inga verkliga svar.</p>'
             '<figure><img src="data:image/png;base64,' + data + '" alt="Liggande staplar: Skola A 12 svar, '
             'Skola B 7 svar och Skola C 9 svar."><figcaption>Figur 1. Antal svar per skola.</figcaption></figure>'
             '<table><caption>Svar per skola</caption><thead><tr><th scope="col">Skola</th>'
             '<th scope="col" class="num">Antal</th></tr></thead><tbody>'
             '<tr><td>Skola A</td><td class="num">12</td></tr><tr><td>Skola B</td><td class="num">7</td></tr>'
             '<tr><td>Skola C</td><td class="num">9</td></tr></tbody></table>'
             '<p class="ok">Underlaget håller för analys: alla kontroller är godkända.</p>'
             '<p class="fotnot">Grupper med färre än 5 svarande visas inte.</p>'))
"""


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, which `make browser` installs (`make test` and CI call it first)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} saknas: kör `make browser` (apt-get install chromium, som root) / "
            f"{CHROMIUM} is missing: run `make browser`"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api", reason="python-paketet playwright saknas / playwright missing")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def generated_report(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("webbläsare")
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(
            f"# {TITLE}\n\nRapporten visar hur många som svarat per skola. "
            "Siffrorna är påhittade och används bara för att pröva rapportmallen."
        ),
        new_code_cell("skolor = 3", metadata={"tags": ["parameters"]}),
        new_code_cell("print('syns bara i analysversionen')"),
        new_code_cell(FIGURE_CELL),
        new_markdown_cell("## Metod\n\nAlla tillfrågades; andelar avser alla i populationen."),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = work / "test.ipynb"
    nbformat.write(nb, notebook)
    executed = work / "test_exekverad.ipynb"
    execute_notebook(notebook, executed, {"skolor": 3}, cwd=work)
    out = work / "test_ledning.html"
    export_html(executed, out, "ledning", TITLE)
    return out


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("case", ["genererad", "exempelrapport"])
def test_leadership_report_renders_offline(case, request, browser):
    if case == "exempelrapport":
        _, reports = request.getfixturevalue("sample_run")
        report, name, expected_title = reports / "2024-10" / "rektorsenkat_ledning.html", "rektorsenkat_2024-10_ledning", None
    else:
        report, name, expected_title = request.getfixturevalue("generated_report"), "genererad_ledning", TITLE

    url = report.resolve().as_uri()
    blocked: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []

    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE", java_script_enabled=True)
    try:
        page = context.new_page()

        def guard(route):
            # Only the report itself and its embedded data: URIs; anything else would mean
            # the file is not self-contained.
            if route.request.url == url or route.request.url.startswith("data:"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: page_errors.append(str(err)))
        page.goto(url, wait_until="load")

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

        assert blocked == [], f"externa anrop / external requests: {blocked}"
        assert console_errors == [], console_errors
        assert page_errors == [], page_errors
        assert page.evaluate("document.documentElement.lang") == "sv"

        title = page.locator("h1").first
        assert title.is_visible()
        heading = title.inner_text().strip()
        assert heading
        if expected_title is not None:
            assert heading == expected_title and page.title() == expected_title
        else:
            assert page.title().strip()

        figure = page.locator("figure").first
        assert figure.count() == 1, "rapporten saknar figur / no <figure> in the report"
        figure_box, title_box = figure.bounding_box(), title.bounding_box()
        assert figure_box and title_box
        assert not _overlap(figure_box, title_box), (figure_box, title_box)
        assert figure_box["y"] >= title_box["y"] + title_box["height"]
        if case == "exempelrapport":
            # Title, then the summary, then the first chart: stacked, none covering another.
            summary = page.locator("#sammanfattning + ol").first
            assert summary.is_visible()
            summary_box = summary.bounding_box()
            assert title_box["y"] + title_box["height"] <= summary_box["y"]
            assert summary_box["y"] + summary_box["height"] <= figure_box["y"]
            assert figure.locator("img").first.bounding_box()["height"] > 150
        else:
            assert figure_box["y"] < VIEWPORT["height"], (
                f"första figuren börjar {figure_box['y']:.0f} px ner, under första skärmbilden / first figure below the fold"
            )

        img = figure.locator("img").first
        assert (img.get_attribute("alt") or "").strip()
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
        assert img.bounding_box()["width"] <= VIEWPORT["width"]

        # Readable at this width without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    finally:
        context.close()
