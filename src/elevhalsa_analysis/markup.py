"""The rendering layer: every page and report section is a Jinja template, rendered here.

Shared templates live in `templates/sections/`; an instrument keeps its own beside its code
in `instruments/<name>/templates/` and gets them through `templates_beside(__file__)`.
Autoescaping is on, so every value a template shows is escaped (free text, unit names,
labels) unless it is already `Html`, i.e. the output of another template. Python modules
outside this one hand templates values and never write tags themselves.

A line break in a template, with the indentation after it, is layout of the template and
not of the page: it is removed when the template is read, so templates can be indented
freely while the pages stay the compact, byte-stable HTML the reports are compared by.
End a line with a space where words run on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup, escape

if TYPE_CHECKING:
    import pandas as pd

from .config import CSS_FILE, TEMPLATE_DIR
from .formatting import fmt_int

SECTIONS_DIR = TEMPLATE_DIR / "sections"
UNITS_DIR, UNITS_INDEX = "enheter", "index.html"  # reports/<period>/enheter/index.html
# The reports' Content-Security-Policy: the browser itself refuses anything external or
# scripted, should an output ever carry it; defence in depth behind the escaping.
CSP = Markup("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")


class Html(str):
    """Markup: Jupyter displays it as HTML (so notebooks need no IPython import), and a
    template shows it as it is (`__html__`), where any other value is escaped."""

    def __html__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return str(self)


def esc(value: object) -> Html:
    """The one escaper; the same function the templates' autoescaping uses."""
    return Html(escape(value))


_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)


class _TemplateLayout(Extension):
    """Drops line breaks and the indentation after them outside Jinja tags, and folds
    whitespace inside tags, so a tag may span lines."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "".join(
            re.sub(r"\s+", " ", part) if i % 2 else re.sub(r"\n[ \t]*", "", part) for i, part in enumerate(_TAG.split(source))
        )


@cache
def templates_beside(module_file: str | None = None) -> jinja2.Environment:
    """The templates of the folder `templates/` beside `module_file`, then the shared ones."""
    folders = [Path(module_file).with_name("templates")] if module_file else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, SECTIONS_DIR]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[_TemplateLayout],
    )
    env.globals.update(all=all, table=table_html, fmt_int=fmt_int, UNITS_DIR=UNITS_DIR, UNITS_INDEX=UNITS_INDEX, CSP=CSP)
    return env


def render(template: str, module_file: str | None = None, /, **context: object) -> Html:
    """`template` rendered with `context`; looked up beside `module_file` first."""
    return Html(templates_beside(module_file).get_template(template).render(**context))


def table_html(
    frame: pd.DataFrame,
    caption: str,
    numeric: Iterable[str] = (),
    footnote: str | None = None,
    classes: dict[str, Sequence[str]] | None = None,
    *,
    row_headers: bool = False,
    framed: bool = False,
    code: Iterable[str] = (),
) -> Html:
    """The one table builder: a captioned table with header cells; numbers right-aligned.

    `classes` gives a column's cells a CSS class each, row by row (e.g. a colour that
    accompanies an assessment word). `row_headers` makes the first column the rows' headers;
    `framed` wraps a wide table in a scrolling frame; the cells of the `code` columns are set
    as code (checksums, identifiers). Cells may be `Html` (links).
    """
    numeric, code = set(numeric), set(code)
    classes = classes or {}

    def cell_class(column: str, i: int | None) -> str:
        names = ["num"] if column in numeric else []
        if i is not None and column in classes:
            names.append(classes[column][i])
        return " ".join(names)

    head = [(c, cell_class(c, None)) for c in frame.columns]
    rows = [
        [(v, cell_class(c, i), c in code) for c, v in zip(frame.columns, row)]
        for i, row in enumerate(frame.itertuples(index=False))
    ]
    return render(
        "table.html.j2", caption=caption, head=head, rows=rows, footnote=footnote, row_headers=row_headers, framed=framed
    )


def links_html(links: Sequence[tuple[str, str]], empty: str = "–") -> Html:
    """Links, given as (href, text), one a line; `empty` where there are none."""
    return render("links.html.j2", links=links, empty=empty)


def quality_html(checks: Sequence[dict], verdict: str) -> Html:
    """Every check with its severity, outcome, counts and examples (no personal data)."""
    import pandas as pd  # here, not at the top: `elevhalsa status` reads the index without pandas

    rows = []
    for c in checks:
        if c["severity"] == "information":
            rows.append(
                {
                    "Kontroll": c["title"],
                    "Allvarlighet": "information",
                    "Utfall": "Notering",
                    "Antal avvikelser": "0",
                    "Exempel": c.get("observed") or "",
                }
            )
            continue
        status = "Godkänd" if c["passed"] else ("Stoppar" if c["severity"] == "blockerande" else "Varning")
        examples = []
        if c.get("column") and not c["passed"]:
            examples.append(f"kolumn «{c['column']}»")
        if c.get("values"):
            examples.append("värden: " + ", ".join(c["values"]))
        if c.get("rows"):
            examples.append(f"{c.get('id_label', 'svars-id')}: " + ", ".join(c["rows"]))
        if c.get("observed"):
            examples.append(c["observed"])
        rows.append(
            {
                "Kontroll": c["title"],
                "Allvarlighet": "blockerande" if c["severity"] == "blockerande" else "varning",
                "Utfall": status,
                "Antal avvikelser": fmt_int(c["count"]) if not c["passed"] else "0",
                "Exempel": "; ".join(examples) if not c["passed"] else "",
            }
        )
    return render("quality.html.j2", checks=checks, verdict=verdict, rows=pd.DataFrame(rows))


def heading_html(title: str, label: str, synthetic: bool, quality: dict) -> Html:
    """Title, the synthetic-data banner where it applies, and the gate's one-line verdict."""
    return render("heading.html.j2", title=title, label=label, synthetic=synthetic, quality=quality)


def _css() -> Markup:
    return Markup(CSS_FILE.read_text(encoding="utf-8"))


def page_head(title: str) -> Html:
    """The start of a page up to the end of its head: the same for the notebook reports
    (`export.py`) as for the standalone pages."""
    return render("page_head.html.j2", title=title, css=_css())


def standalone_page(title: str, body: str, body_class: str = "") -> str:
    """A self-contained page in the reports' style (index, validation pages, unit profiles)."""
    return render("page.html.j2", title=title, body=Html(body), body_class=body_class, css=_css())
