"""From an executed notebook to self-contained HTML: `ledning` (leadership: results only)
and `analys` (researchers: the same plus code and text output).

Both come from our own nbconvert template (`templates/elevhalsa`), which loads nothing
from the network, so a report opens offline and looks the same in ten years. Reruns with
the same inputs give byte-identical HTML: nothing here writes a clock time, a random id or
an absolute path into a report.
"""

from __future__ import annotations

import re
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Literal

from .config import PROJ_ROOT, TEMPLATE_DIR, TEMPLATE_NAME
from .fileio import atomic_write_text
from .markup import page_head

Variant = Literal["ledning", "analys"]
VARIANTS: tuple[str, ...] = ("ledning", "analys")

# Cells a notebook author marks as researcher-only (long diagnostics, raw tables).
ANALYSIS_ONLY_TAG = "endast-analys"

# What the leadership variant may show: rendered results, never raw text.
_RICH_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")
# text/plain last so that it is only a fallback; JavaScript, widgets, LaTeX and Mermaid
# are left out entirely because they need scripts from a CDN to show anything.
_DISPLAY_PRIORITY = [*_RICH_MIMETYPES, "text/plain"]
# ipykernel compiles each cell to /tmp/ipykernel_<pid>/<hash>.py; the pid changes per run.
_IPYKERNEL_FILE = re.compile(r"(?:[A-Za-z]:)?[\\/][^\s\"':]*?ipykernel_\d+[\\/]\d+\.py")


def _home() -> Path | None:
    try:
        return Path.home()
    except (RuntimeError, KeyError):  # no HOME and no passwd entry, as in some containers
        return None


def _path_aliases(executed: Path, extra: Mapping[str | PurePath, str] | None) -> list[tuple[str, str]]:
    """Absolute prefixes and what to show instead, longest first so nested ones win."""
    pairs: dict[str, str] = {}
    candidates: list[tuple[object, str]] = [
        (sys.base_prefix, "<python>"),
        (sys.prefix, "<python>"),
        (sysconfig.get_paths().get("stdlib"), "<python>"),
        (sysconfig.get_paths().get("purelib"), "<site-packages>"),
        (sysconfig.get_paths().get("platlib"), "<site-packages>"),
        (tempfile.gettempdir(), "<tmp>"),
        (_home(), "~"),
        (PROJ_ROOT, "<projekt>"),
        (Path(executed).resolve().parent, "."),
    ]
    candidates += list((extra or {}).items())
    for raw, alias in candidates:
        if not raw:
            continue
        for variant in {str(raw), str(Path(str(raw)).resolve())}:
            # A root like "/" would turn every path into nonsense.
            if len(variant.rstrip("/\\")) > 1:
                pairs[variant.rstrip("/\\")] = alias
    return sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True)


def _scrub(text: str, aliases: list[tuple[str, str]]) -> str:
    # The pattern tries every "/" as a start, which is quadratic on the long unbroken
    # base64 of a chart in an HTML output's text/plain (seconds per report).
    if "ipykernel_" in text:
        text = _IPYKERNEL_FILE.sub("<notebookcell>", text)
    for prefix, alias in aliases:
        text = text.replace(prefix, alias)
    return text


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _is_rich(output) -> bool:
    return output.get("output_type") in ("display_data", "execute_result") and any(
        m in output.get("data", {}) for m in _RICH_MIMETYPES
    )


def _prepare_for_leadership(nb) -> None:
    # The template hides the same things; doing it here as well means a template
    # mistake can never show code, warnings or tracebacks to leadership.
    nb.cells = [c for c in nb.cells if ANALYSIS_ONLY_TAG not in _tags(c)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = ""
            cell.outputs = [o for o in cell.get("outputs", []) if _is_rich(o)]


def _prepare_for_analysis(nb, aliases: list[tuple[str, str]]) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "injected-parameters" in _tags(cell):
            # Written by papermill from the run's arguments, which are often absolute paths.
            cell.source = _scrub(cell.source, aliases)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                out["text"] = _scrub(out.get("text", ""), aliases)
            elif out.get("output_type") == "error":
                out["traceback"] = [_scrub(line, aliases) for line in out.get("traceback", [])]
                out["evalue"] = _scrub(out.get("evalue", ""), aliases)
            elif "text/plain" in out.get("data", {}):
                out["data"]["text/plain"] = _scrub(out["data"]["text/plain"], aliases)


def _exporter(variant: str):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config({"NbConvertBase": {"display_data_priority": list(_DISPLAY_PRIORITY)}})
    return HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        # Only our directory: the default also searches the current working directory.
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=variant == "ledning",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code="sv",
        sanitize_html=False,  # outputs are built and escaped by our own library
        embed_images=False,
    )


def warm_export() -> None:
    """Import what `export_html` needs (0.2 s) ahead of time, e.g. while a notebook runs."""
    import nbconvert  # noqa: F401


def export_html(
    executed: Path,
    output: Path,
    variant: Variant,
    title: str,
    *,
    path_aliases: Mapping[str | PurePath, str] | None = None,
) -> None:
    """Write one variant of an executed notebook as a self-contained HTML file.

    `path_aliases` maps further absolute directories (say a staging folder passed as a
    parameter) to what the analysis variant should show instead, so that the file does
    not depend on where the run happened.
    """
    import nbformat

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
    executed, output = Path(executed), Path(output)
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    if variant == "ledning":
        _prepare_for_leadership(nb)
    else:
        _prepare_for_analysis(nb, _path_aliases(executed, path_aliases))
    resources = {
        "elevhalsa_variant": variant,
        "elevhalsa_head": page_head(title),
        # No real path: markdown2html would resolve relative images against it.
        "metadata": {"name": output.stem, "path": ""},
    }
    body, _ = _exporter(variant).from_notebook_node(nb, resources=resources)
    if not body.endswith("\n"):
        body += "\n"
    atomic_write_text(output, body)
