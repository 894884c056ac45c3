"""An internal error is a bug in this program, and is told as one.

A `DataError` says what to fix in a file; anything else that stops a run is a mistake in
the code, which the user cannot fix and should not have to decipher. They get a Swedish
sentence saying so, exit code 2 (data errors keep 1) and a bug report to send on.

What the report holds, and what it leaves out: the exception's type and every frame of
its traceback (file, line, function, source line of the code), the versions of Python,
the package and its dependencies, and the run's parameters. It never holds an
exception's message or any local value: messages from pandas and the like quote cell
values ("KeyError: 'Sven Planterad'"), and the report is meant to be mailed to whoever
maintains the package. Type and place are enough to find the bug and reproduce it with
made-up data.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
import traceback
from importlib import metadata
from pathlib import Path

from . import __version__

EXIT_CODE = 2
# Colour codes in a kernel's traceback.
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
OMITTED = "<meddelandet utelämnat: det kan citera data>"
# What the report lists the versions of: everything a run imports that could hold the bug.
DEPENDENCIES = (
    "pandas",
    "numpy",
    "pyarrow",
    "openpyxl",
    "pyreadstat",
    "great_expectations",
    "pydantic",
    "PyYAML",
    "matplotlib",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "python-docx",
    "python-pptx",
    "tqdm",
    "requests",
)
# "KeyError: 'arskurs'" at the start of a line of a kernel's traceback: the message goes.
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::.*)?$")


class NotebookBug(Exception):
    """An exception other than a DataError inside a report's notebook (papermill).

    Carries only what the bug report may hold: where, the exception's type, and the
    kernel's traceback with every exception message taken out.
    """

    def __init__(self, notebook: str, cell: str, ename: str, evalue: str, kernel_traceback: list[str]) -> None:
        super().__init__(f"{ename} i notebooken {notebook}, {cell}")
        self.notebook, self.cell, self.ename = notebook, cell, ename
        # The message's own lines go wherever they stand (a message may span lines), then
        # whatever follows an exception's name on its header line.
        message_lines = sorted({part.strip() for part in str(evalue or "").splitlines() if part.strip()}, key=len, reverse=True)
        lines = []
        for entry in kernel_traceback:
            for line in ANSI.sub("", entry).splitlines():
                for part in message_lines:
                    line = line.replace(part, OMITTED)
                lines.append(_without_message(line))
        self.kernel_traceback = lines


def _without_message(line: str) -> str:
    found = _EXCEPTION_LINE.match(line)
    # Frame lines start with "File", "Cell In[…]", spaces or an arrow; a bare name is a header.
    if found and not line.startswith(("File ", "Cell ")) and (":" in line):
        return f"{found.group(1)}: {OMITTED}"
    return line


def where(exc: BaseException) -> str:
    """Where the bug is, in words: the notebook cell, or the package's innermost frame."""
    if isinstance(exc, NotebookBug):
        return f"notebooken {exc.notebook}, {exc.cell}"
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f"{os.sep}elevhalsa_analysis{os.sep}" in f.filename] or frames
    if not own:
        return "okänd plats"
    last = own[-1]
    return f"{Path(last.filename).name}, rad {last.lineno} ({last.name})"


def kind(exc: BaseException) -> str:
    return exc.ename if isinstance(exc, NotebookBug) else type(exc).__name__


def write_report(exc: BaseException, parameters: dict, folder: Path) -> Path:
    """The bug report file in `folder` (the reports folder; the temporary folder if that
    cannot be written), for sending on; see the module docstring for what it holds."""
    now = dt.datetime.now(dt.UTC)
    lines = [
        "Felrapport från elevhalsa (ett fel i programmet, inte i data)",
        f"Tid (UTC): {now.isoformat(timespec='seconds')}",
        f"Fel: {kind(exc)} i {where(exc)}",
        "",
        "Parametrar:",
        *(f"  {k}: {v}" for k, v in sorted(parameters.items())),
        "",
        "Versioner:",
        f"  elevhalsa_analysis: {__version__}",
        f"  programkod (SHA-256): {_code()}",
        f"  Python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"  system: {platform.platform()}",
        *(f"  {name}: {_version(name)}" for name in DEPENDENCIES),
        "",
        "Spårning (meddelanden och värden utelämnade):",
        *_trace(exc),
        "",
    ]
    name = f"felrapport-{now:%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    for place in (Path(folder), Path(_tempdir())):
        try:
            place.mkdir(parents=True, exist_ok=True)
            path = place / name
            path.write_text("\n".join(lines), encoding="utf-8")
            return path.resolve()
        except OSError:
            continue
    raise OSError("ingen mapp att skriva felrapporten i")


def message(exc: BaseException, report: Path) -> str:
    """What the user reads: a bug, where, and the report to send on."""
    return (
        f"Ett fel i programmet (inte i era data) stoppade körningen: {kind(exc)} i {where(exc)}. "
        f"Det är en bugg. Skicka felrapporten {report} till den som förvaltar elevhalsa. "
        "Tidigare rapporter och bearbetade data är orörda."
    )


def _trace(exc: BaseException) -> list[str]:
    chain, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    lines = []
    for item in reversed(chain):  # oldest first, as Python prints it
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: {OMITTED}")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        if isinstance(item, NotebookBug):
            lines += ["", f"I kärnan ({item.ename}):", *(f"  {line}" for line in item.kernel_traceback)]
    return lines


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "saknas"


def _code() -> str:
    from .fileio import code_fingerprint

    try:
        return code_fingerprint()
    except OSError:
        return "okänd"


def _tempdir() -> str:
    import tempfile

    return tempfile.gettempdir()
