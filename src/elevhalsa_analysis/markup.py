"""The HTML every report section is built from: one escaper, one table builder, the
heading with the synthetic-data banner and the gate's verdict, and the data-quality table.

Everything a user supplied (free text, unit names, labels) passes `esc`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from .config import CSS_FILE
from .formatting import fmt_int

UNITS_DIR, UNITS_INDEX = "enheter", "index.html"  # reports/<period>/enheter/index.html
SYNTHETIC_BANNER = (
    '<p class="syntetisk"><strong>Syntetiska exempeldata.</strong> Rapporten bygger på påhittade data '
    "som skapats för att visa och testa verktyget; de beskriver inga verkliga personer eller skolor.</p>"
)


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def table_html(
    frame: pd.DataFrame,
    caption: str,
    numeric: Iterable[str] = (),
    footnote: str | None = None,
    classes: dict[str, Sequence[str]] | None = None,
) -> str:
    """A captioned table with header cells; numbers right-aligned; all text escaped.

    `classes` gives a column's cells a CSS class each, row by row (e.g. a colour that
    accompanies an assessment word).
    """
    numeric = set(numeric)
    classes = classes or {}
    num = ' class="num"'

    def cell_class(column: str, i: int) -> str:
        names = [*(["num"] if column in numeric else []), *([classes[column][i]] if column in classes else [])]
        return f' class="{esc(" ".join(names))}"' if names else ""

    head = "".join(f'<th scope="col"{num if c in numeric else ""}>{esc(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{cell_class(c, i)}>{esc(v)}</td>" for c, v in zip(frame.columns, row)) + "</tr>"
        for i, row in enumerate(frame.itertuples(index=False))
    )
    foot = f'<p class="fotnot">{esc(footnote)}</p>' if footnote else ""
    return f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}"


class Html(str):
    """A string that Jupyter displays as HTML (so notebooks need no IPython import)."""

    def _repr_html_(self) -> str:
        return str(self)


def quality_html(checks: Sequence[dict], verdict: str) -> str:
    """Every check with its severity, outcome, counts and examples (no personal data)."""
    import pandas as pd  # here, not at the top: the index and provenance pages need no pandas

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
    klass = "ok" if all(c["passed"] for c in checks) else "varning"
    return f'<h2 id="datakvalitet">Datakvalitet</h2><p class="{klass}">{esc(verdict)}</p>' + table_html(
        pd.DataFrame(rows),
        "Kontroller av underlaget (great_expectations)",
        numeric=["Antal avvikelser"],
        footnote="Blockerande kontroller stoppar körningen; varningar visas här och rapporten görs ändå; "
        "noteringar säger något om underlaget utan att vara fel.",
    )


def heading_html(title: str, label: str, synthetic: bool, quality: dict) -> str:
    """Title, the synthetic-data banner where it applies, and the gate's one-line verdict."""
    parts = [f"<h1>{esc(title)} – {esc(label)}</h1>"]
    if synthetic:
        parts.append(SYNTHETIC_BANNER)
    klass = "ok" if all(c["passed"] for c in quality["checks"]) else "varning"
    parts.append(
        f'<p class="{klass}"><strong>Datakvalitet:</strong> {esc(quality["verdict"])} '
        f'<a href="#datakvalitet">Se avsnittet Datakvalitet.</a></p>'
    )
    # Every period with unit-level data gets profiles (pipeline), written beside the report.
    parts.append(
        f'<p>Varje skolenhet har en egen profil för rektor och områdeschef: <a href="{UNITS_DIR}/{UNITS_INDEX}">'
        "skolenheternas profiler</a>.</p>"
    )
    return "".join(parts)


# The reports' Content-Security-Policy: nothing is fetched, no script runs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def standalone_page(title: str, body: str, body_class: str = "") -> str:
    """A self-contained page in the reports' style (index, validation pages)."""
    css = CSS_FILE.read_text(encoding="utf-8")
    klass = f' class="{esc(body_class)}"' if body_class else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="sv">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            f"<title>{esc(title)}</title>",
            f'<style type="text/css">\n{css}</style>',
            "</head>",
            f"<body{klass}>",
            "<main>",
            f"<h1>{esc(title)}</h1>",
            body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
