"""From a parameterised notebook to self-contained HTML reports, an index and provenance.

Shared by every instrument. One executed notebook gives two HTML files: `ledning`
(leadership: results only) and `analys` (researchers: the same plus code and text output).
Both come from our own nbconvert template (`templates/elevhalsa`), which loads nothing
from the network, so a report opens offline and looks the same in ten years.

Reruns with the same inputs must give byte-identical HTML: nothing here writes a clock
time, a random id or an absolute path into a report.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import platform
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path, PurePath
from typing import Any, Literal
from urllib.parse import quote

from . import __version__
from .bugs import ANSI, NotebookBug
from .config import PROJ_ROOT, TEMPLATE_DIR
from .errors import ElevhalsaError
from .fileio import atomic_write_bytes, atomic_write_text, sha256_file, target_mode

__all__ = [
    "CSS_FILE",
    "Provenance",
    "Variant",
    "atomic_write_bytes",
    "atomic_write_text",
    "collect_provenance",
    "execute_notebook",
    "export_html",
    "git_version",
    "provenance_from_manifest",
    "provenance_html",
    "read_index_entries",
    "run_date",
    "sha256_file",
    "update_index",
    "write_index",
]

Variant = Literal["ledning", "analys"]
VARIANTS: tuple[str, ...] = ("ledning", "analys")
TEMPLATE_NAME = "elevhalsa"
CSS_FILE = TEMPLATE_DIR / TEMPLATE_NAME / "elevhalsa.css"
KERNEL_NAME = "python3"

# Cells a notebook author marks as researcher-only (long diagnostics, raw tables).
ANALYSIS_ONLY_TAG = "endast-analys"

# What the leadership variant may show: rendered results, never raw text.
_RICH_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")
# text/plain last so that it is only a fallback; JavaScript, widgets, LaTeX and Mermaid
# are left out entirely because they need scripts from a CDN to show anything.
_DISPLAY_PRIORITY = [*_RICH_MIMETYPES, "text/plain"]

NOT_VERSIONED = "ej versionshanterad"
LOCAL_CHANGES = " (med lokala ändringar)"
NOT_INSTALLED = "ej installerad"
# Read with importlib.metadata: importing them would cost seconds and could fail.
TRACKED_LIBRARIES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "great_expectations",
    "papermill",
    "nbconvert",
)

INDEX_HTML = "index.html"
INDEX_JSON = "index.json"
# Optional: indexes written before the committee's documents existed lack them.
COMMITTEE_KEYS = ("tjansteskrivelse", "presentation")
_ENTRY_KEYS = ("period", "label", "instrument_title", "ledning", "analys", "run_date", "verdict", "synthetic")

# The exceptions the package raises on purpose (errors.py), by the name a kernel reports.
_ON_PURPOSE = {cls.__name__ for cls in (ElevhalsaError, *ElevhalsaError.__subclasses__())}
# ipykernel compiles each cell to /tmp/ipykernel_<pid>/<hash>.py; the pid changes per run.
_IPYKERNEL_FILE = re.compile(r"(?:[A-Za-z]:)?[\\/][^\s\"':]*?ipykernel_\d+[\\/]\d+\.py")
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


# --- executing ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    # papermill writes parameters as Python literals; a Path would become a repr string.
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _one_line(text: object) -> str:
    return " ".join(ANSI.sub("", str(text)).split())


def _kernel_config(socket_dir: Path):
    from traitlets.config import Config

    if os.name != "posix":
        return Config()
    # Unix sockets in a private folder instead of TCP on localhost: the kernel sees
    # student-health data, and TCP would be open to every local user (ipykernel warns so
    # on every run). The folder also keeps the socket files out of the working directory.
    return Config({"KernelManager": {"transport": "ipc", "ip": str(socket_dir / "kernel")}})


def _kernel_manager(config):
    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        """Clients on the manager's own zmq context, remembered, closed with the kernel;
        a quick check that a killed kernel has gone.

        nbclient leaves the client of a kernel it was handed running: its heartbeat
        thread would go on pinging the dead kernel, with its sockets, for as long as the
        process lives (one per report in a `run --all` worker).
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.clients = []

        def client(self, **kwargs):
            kc = super().client(context=self.context, **kwargs)
            self.clients.append(kc)
            return kc

        async def _async_wait(self, pollinterval: float = 0.01) -> None:
            # After killing the kernel, jupyter_client polls every 0.1 s until it is gone:
            # a tenth of a second of waiting per report, for a process that dies at once.
            await super()._async_wait(pollinterval)

    return KernelManager(kernel_name=KERNEL_NAME, config=config)


@contextmanager
def started_kernel(cwd: Path | None = None) -> Iterator[Any]:
    """A kernel for `execute_notebook`, started now and shut down on leaving.

    A kernel needs seconds to start and import pandas and the plotting libraries (see
    `warm_up`); started before the caller runs the data-quality gate, that happens on
    another core meanwhile.
    """
    from jupyter_core.utils import run_sync

    with tempfile.TemporaryDirectory(prefix="elevhalsa-kernel-") as sockets:
        km = _kernel_manager(_kernel_config(Path(sockets)))
        try:
            run_sync(km.start_kernel)(**({"cwd": str(cwd)} if cwd is not None else {}))
        except Exception as exc:
            raise ElevhalsaError(f"Jupyter-kärnan kunde inte startas ({type(exc).__name__}: {_one_line(exc)}).") from exc
        try:
            yield km
        finally:
            for kc in km.clients:
                kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)


def warm_up(kernel: Any, modules: Sequence[str]) -> None:
    """Have a kernel from `started_kernel` import `modules` now, before any cell runs.

    Silently: no output, history or execution count, so the executed notebook is the
    same as with a fresh kernel.
    """
    if not modules:
        return
    from jupyter_client.session import Session

    # A session of its own: sharing the manager's with nbclient's client made a later
    # cell wait forever for its reply.
    kc = kernel.client(session=Session(key=kernel.session.key, signature_scheme=kernel.session.signature_scheme))
    kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
    # __import__ binds no name in the notebook's namespace.
    kc.execute("".join(f"__import__('importlib').import_module({m!r})\n" for m in modules), silent=True, store_history=False)


CELL_TIMEOUT_SECONDS = 900


def execute_notebook(notebook: Path, output: Path, parameters: dict, cwd: Path | None = None, kernel: Any = None) -> None:
    """Run `notebook` with `parameters` and write the executed copy to `output`.

    The copy is written beside `output` and moved into place only if every cell ran, so a
    failed run never leaves a half-executed notebook where a good one is expected.
    `kernel` is one from `started_kernel`; without it a fresh kernel is started here.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    notebook, output = Path(notebook), Path(output)
    if not notebook.is_file():
        raise ElevhalsaError(f"Notebooken {notebook.name} finns inte (sökte i {notebook.parent.name or '.'}).")
    output.parent.mkdir(parents=True, exist_ok=True)
    # papermill warns unless the output name ends in .ipynb.
    mode = target_mode(output)
    fd, tmp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.stem}.", suffix=".ipynb")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with started_kernel(cwd) if kernel is None else nullcontext(kernel) as km:
            pm.execute_notebook(
                str(notebook),
                str(tmp),
                parameters=_plain(dict(parameters)),
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=False,
                report_mode=False,
                cwd=str(cwd) if cwd is not None else None,
                km=km,
                # Otherwise the whole notebook is written twice per cell, between cells.
                request_save_on_cell_execute=False,
                # A cell of these notebooks takes seconds even at 60 000 answers: one that
                # runs for this long is stuck, and a stuck run must end with a message.
                execution_timeout=CELL_TIMEOUT_SECONDS,
            )
        _record_final_path(tmp, output)
        os.chmod(tmp, mode)
        os.replace(tmp, output)
    except PapermillExecutionError as exc:
        # A DataError (or another error raised on purpose) is told in one line: its message
        # already says which file, column and rows. Any other exception is a bug in the
        # program, told as one (bugs.py), without its message, which may quote data.
        cell = f"kodcell {exc.exec_count}" if exc.exec_count is not None else f"cell {exc.cell_index + 1}"
        if exc.ename not in _ON_PURPOSE:
            raise NotebookBug(notebook.name, cell, exc.ename, exc.evalue, exc.traceback) from exc
        raise ElevhalsaError(
            f"Körningen av notebooken {notebook.name} avbröts i {cell}: {_one_line(exc.ename)}: {_one_line(exc.evalue)}"
        ) from exc
    except Exception as exc:
        if isinstance(exc, ElevhalsaError):
            raise
        # Kernel missing, kernel died, timeout: say so in Swedish but keep the cause.
        raise ElevhalsaError(f"Notebooken {notebook.name} kunde inte köras ({type(exc).__name__}: {_one_line(exc)}).") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _record_final_path(tmp: Path, output: Path) -> None:
    # papermill records where it wrote; that was the temporary name, which would only
    # confuse whoever opens the notebook later.
    import nbformat

    nb = nbformat.read(tmp, as_version=4)
    meta = nb.metadata.get("papermill")
    if isinstance(meta, dict) and meta.get("output_path") != str(output):
        meta["output_path"] = str(output)
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            nbformat.write(nb, fh)


# --- exporting ----------------------------------------------------------------------------


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
        "elevhalsa_title": title,
        # No real path: markdown2html would resolve relative images against it.
        "metadata": {"name": output.stem, "path": ""},
    }
    body, _ = _exporter(variant).from_notebook_node(nb, resources=resources)
    if not body.endswith("\n"):
        body += "\n"
    atomic_write_text(output, body)


# --- provenance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """What a report was made from and with; enough to rerun it and get the same bytes."""

    run_date: str
    inputs: dict[str, str]  # name relative to the period folder -> SHA-256
    codebook_version: str
    package_version: str
    git_commit: str
    python_version: str
    libraries: dict[str, str]
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def run_date(parameter: str | dt.date | None = None) -> dt.date:
    """The date a report states: the parameter, else SOURCE_DATE_EPOCH (UTC), else today.

    SOURCE_DATE_EPOCH is the reproducible-builds convention: a rerun in CI then gives the
    same bytes as the original run.
    """
    if isinstance(parameter, dt.datetime):
        return parameter.date()
    if isinstance(parameter, dt.date):
        return parameter
    if parameter is not None and str(parameter).strip():
        try:
            return dt.date.fromisoformat(str(parameter).strip())
        except ValueError:
            raise ElevhalsaError(
                f"Ogiltigt körningsdatum «{parameter}»: ange det som ÅÅÅÅ-MM-DD, till exempel 2024-10-31."
            ) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ElevhalsaError(
                f"Miljövariabeln SOURCE_DATE_EPOCH har värdet «{epoch}» men ska vara ett heltal (sekunder sedan 1970-01-01 UTC)."
            ) from None
    return dt.date.today()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    # GIT_OPTIONAL_LOCKS=0: `git status` must not refresh the index (a write) while the
    # project may be committing in parallel.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=15, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def git_version(root: Path | None = None) -> str:
    """HEAD of the project, marked when tracked code or notebooks differ from it."""
    root = Path(root) if root is not None else PROJ_ROOT
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    if head is None or head.returncode != 0 or not head.stdout.strip():
        return NOT_VERSIONED
    commit = head.stdout.strip()
    status = _git(root, "status", "--porcelain", "--untracked-files=no", "--", "src", "notebooks")
    if status is not None and status.returncode == 0 and status.stdout.strip():
        commit += LOCAL_CHANGES
    return commit


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in TRACKED_LIBRARIES:
        try:
            versions[name] = dist_version(name)
        except PackageNotFoundError:
            versions[name] = NOT_INSTALLED
    return versions


def _jsonable(parameters: Mapping | None) -> dict[str, Any]:
    return json.loads(json.dumps(_plain(dict(parameters or {})), sort_keys=True, ensure_ascii=False, default=str))


def _relative_name(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        # Outside the base: the file name alone, never an absolute path in a report.
        return Path(path).name


def collect_provenance(inputs: list[Path], base: Path, codebook_version: str, parameters: dict, run_date: dt.date) -> dict:
    """Provenance of a report computed from the input files themselves."""
    hashes = {_relative_name(p, base): sha256_file(p) for p in inputs}
    return _provenance(hashes, str(codebook_version), parameters, run_date)


def _provenance(hashes: Mapping, codebook_version: str, parameters: Mapping | None, run_date: dt.date) -> dict:
    """Input hashes plus what this installation is: the part both entry points share."""
    return Provenance(
        run_date=run_date.isoformat(),
        inputs=dict(sorted((str(k), str(v)) for k, v in hashes.items())),
        codebook_version=codebook_version,
        package_version=__version__,
        git_commit=git_version(),
        python_version=platform.python_version(),
        libraries=_library_versions(),
        parameters=_jsonable(parameters),
    ).to_dict()


def provenance_from_manifest(manifest: Mapping, parameters: dict, run_date: dt.date) -> dict:
    """The same as `collect_provenance`, from the hashes a processed folder's manifest recorded.

    The notebook reads processed data, not the raw files, so the manifest written when
    they were read is the trustworthy record of which inputs the figures come from.
    """
    inputs = manifest.get("inputs", {}) or {}
    codebook = manifest.get("codebook_version") or manifest.get("codebook", {})
    if isinstance(codebook, Mapping):
        codebook = codebook.get("version", "")
    return _provenance(inputs, str(codebook or "okänd"), parameters, run_date)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _kv_table(caption: str, head: tuple[str, str], rows: list[tuple[str, str]], code_values: bool = False) -> str:
    def cell(v: str) -> str:
        return f'<code class="hash">{_esc(v)}</code>' if code_values else _esc(v)

    body = "".join(f'<tr><th scope="row">{_esc(k)}</th><td>{cell(v)}</td></tr>' for k, v in rows)
    return (
        f'<div class="tabellram"><table><caption>{_esc(caption)}</caption>'
        f'<thead><tr><th scope="col">{_esc(head[0])}</th><th scope="col">{_esc(head[1])}</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def provenance_html(prov: Mapping) -> str:
    """Swedish section "Metod och spårbarhet": what went in, with which versions, when."""
    inputs = list((prov.get("inputs") or {}).items())
    input_table = (
        _kv_table("Indatafiler och kontrollsummor (SHA-256)", ("Fil", "SHA-256"), inputs, code_values=True)
        if inputs
        else "<p>Inga indatafiler är registrerade för rapporten.</p>"
    )
    versions = [
        ("Körningsdatum", prov.get("run_date", "")),
        ("Kodbokens version", prov.get("codebook_version", "")),
        ("elevhalsa_analysis", prov.get("package_version", "")),
        ("Projektets version (git)", prov.get("git_commit", "")),
        ("Python", prov.get("python_version", "")),
        *((name, v) for name, v in (prov.get("libraries") or {}).items()),
    ]
    params = [
        (k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True))
        for k, v in sorted((prov.get("parameters") or {}).items())
    ]
    param_table = _kv_table("Parametrar för körningen", ("Parameter", "Värde"), params) if params else ""
    return (
        '<section class="sparbarhet"><h2 id="sparbarhet">Metod och spårbarhet</h2>'
        "<p>Rapporten är framställd automatiskt från de filer som listas nedan. Kontrollsumman (SHA-256) "
        "identifierar varje fil exakt: samma filer, samma kodbok och samma programversioner ger samma rapport.</p>"
        + input_table
        + _kv_table("Körning och programversioner", ("Uppgift", "Version"), [(k, str(v)) for k, v in versions])
        + param_table
        + "</section>"
    )


# --- index of all reports -----------------------------------------------------------------


def _href(reports_dir: Path, target: str | PurePath) -> str:
    path = PurePath(target)
    if path.is_absolute():
        try:
            path = Path(path).resolve().relative_to(Path(reports_dir).resolve())
        except ValueError:
            raise ValueError(f"report {target} is not inside {reports_dir}") from None
    return path.as_posix()


def _normalise_entry(reports_dir: Path, entry: Mapping) -> dict:
    missing = [k for k in _ENTRY_KEYS if k not in entry]
    if missing:
        raise ValueError(f"index entry lacks {', '.join(missing)}: {dict(entry)!r}")
    out = {str(k): _plain(v) for k, v in entry.items()}
    out["period"] = str(entry["period"])
    out["ledning"] = _href(reports_dir, entry["ledning"])
    out["analys"] = _href(reports_dir, entry["analys"])
    for document in COMMITTEE_KEYS:
        if entry.get(document):
            out[document] = _href(reports_dir, entry[document])
    if entry.get("enheter"):
        out["enheter"] = _href(reports_dir, entry["enheter"])
    rd = entry["run_date"]
    out["run_date"] = rd.isoformat() if isinstance(rd, dt.date) else str(rd)
    out["synthetic"] = bool(entry["synthetic"])
    end = entry.get("end", entry.get("period_end"))
    if end is not None:
        out["end"] = end.isoformat() if isinstance(end, dt.date) else str(end)
    out.pop("period_end", None)
    return out


def _period_key(entries: list[dict]) -> tuple[str, str]:
    # Period end decides the order (folder names need not sort by time); without one the
    # period id, which sorts right for the usual YYYY-MM and YYYY-ht/vt names.
    ends = [e["end"] for e in entries if e.get("end")]
    return (max(ends) if ends else "", entries[0]["period"])


def _grouped(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    by_period: dict[str, list[dict]] = {}
    for e in entries:
        by_period.setdefault(e["period"], []).append(e)
    groups = [(p, sorted(es, key=lambda e: (e["instrument_title"], e["ledning"]))) for p, es in by_period.items()]
    return sorted(groups, key=lambda g: _period_key(g[1]), reverse=True)


def standalone_page(title: str, body: str, body_class: str = "") -> str:
    """A self-contained page in the reports' style (index, validation pages)."""
    css = CSS_FILE.read_text(encoding="utf-8")
    klass = f' class="{_esc(body_class)}"' if body_class else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="sv">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            f"<title>{_esc(title)}</title>",
            f'<style type="text/css">\n{css}</style>',
            "</head>",
            f"<body{klass}>",
            "<main>",
            f"<h1>{_esc(title)}</h1>",
            body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _committee_links(entry: dict) -> str:
    links = [
        f'<a href="{_esc(quote(entry[key], safe="/"))}">{label}</a>'
        for key, label in zip(COMMITTEE_KEYS, ("Tjänsteskrivelse (Word)", "Presentation (PowerPoint)"))
        if entry.get(key)
    ]
    return "<br>".join(links) or "–"


def _index_html(groups: list[tuple[str, list[dict]]]) -> str:
    title = "Elevhälsans uppföljningar – rapporter"
    parts = [
        "<p>Varje rapport finns i två versioner: <strong>ledning</strong> visar resultat, slutsatser och "
        "datakvalitet; <strong>analys</strong> är samma rapport med programkod och tekniska detaljer för den "
        "som vill granska eller upprepa beräkningarna. Den senaste perioden står först.</p>",
    ]
    if not groups:
        parts.append("<p>Inga rapporter har tagits fram ännu.</p>")
    for period, entries in groups:
        label = entries[0].get("label") or period
        parts.append(f'<section class="index-period" id="period-{_esc(period)}">')
        parts.append(f"<h2>{_esc(label)}</h2>")
        parts.append(f'<p class="metadata">Period: {_esc(period)}</p>')
        if any(e["synthetic"] for e in entries):
            parts.append(
                '<p class="syntetisk">Syntetiska exempeldata: rapporterna bygger på påhittade svar '
                "och beskriver inga verkliga personer eller skolor.</p>"
            )
        rows = []
        for e in entries:
            name = _esc(e["instrument_title"])
            rows.append(
                "<tr>"
                f"<td>{name}</td>"
                f'<td><a href="{_esc(quote(e["ledning"], safe="/"))}">{name} – ledning</a></td>'
                f'<td><a href="{_esc(quote(e["analys"], safe="/"))}">{name} – analys</a></td>'
                f"<td>{_committee_links(e)}</td>"
                f"<td>{_esc(e['run_date'])}</td>"
                f"<td>{_esc(e['verdict'])}</td>"
                "</tr>"
            )
        parts.append(
            '<div class="tabellram"><table>'
            f"<caption>Rapporter för {_esc(label)}</caption>"
            '<thead><tr><th scope="col">Uppföljning</th><th scope="col">För ledningen</th>'
            '<th scope="col">För analys</th><th scope="col">För nämnden</th><th scope="col">Körningsdatum</th>'
            '<th scope="col">Datakvalitet</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
        units = next((e["enheter"] for e in entries if e.get("enheter")), None)
        if units:
            parts.append(
                f'<p>Varje skolenhet har en egen profil: <a href="{_esc(quote(units, safe="/"))}">skolenheternas '
                f"profiler för {_esc(label)}</a>.</p>"
            )
        parts.append("</section>")
    return standalone_page(title, "\n".join(parts), "index")


def write_index(reports_dir: Path, entries: list[dict]) -> Path:
    """Write `reports/index.json` and `reports/index.html` listing exactly `entries`."""
    reports_dir = Path(reports_dir)
    normalised = [_normalise_entry(reports_dir, e) for e in entries]
    groups = _grouped(normalised)
    ordered = [e for _, es in groups for e in es]
    atomic_write_text(
        reports_dir / INDEX_JSON,
        json.dumps({"entries": ordered}, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
    )
    target = reports_dir / INDEX_HTML
    atomic_write_text(target, _index_html(groups))
    return target


def read_index_entries(reports_dir: Path) -> list[dict]:
    """The entries behind `reports/index.html`; none if there is no index yet."""
    path = Path(reports_dir) / INDEX_JSON
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["entries"]
        if not isinstance(entries, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ElevhalsaError(
            f"Rapportförteckningen {path.name} i rapportmappen är skadad. Ta bort den och kör om alla perioder "
            "(elevhalsa kör alla) för att bygga upp den igen."
        ) from None
    return entries


def update_index(reports_dir: Path, period: str, entries: list[dict]) -> Path:
    """Replace one period's entries in the index and keep every other period's."""
    kept = [e for e in read_index_entries(reports_dir) if str(e.get("period")) != str(period)]
    for e in entries:
        if str(e["period"]) != str(period):
            raise ValueError(f"entry for period {e['period']!r} passed to update_index for {period!r}")
    return write_index(reports_dir, kept + list(entries))
