"""Running a parameterised notebook: a kernel on private sockets, warmed up while the gate
runs, and an executed copy written only when every cell ran.

A DataError raised in a cell stays a one-line data error; any other exception is a bug
(bugs.py), told without its message.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from .bugs import ANSI, NotebookBug
from .errors import ElevhalsaError
from .fileio import plain, target_mode

KERNEL_NAME = "python3"
# The exceptions the package raises on purpose (errors.py), by the name a kernel reports.
_ON_PURPOSE = {cls.__name__ for cls in (ElevhalsaError, *ElevhalsaError.__subclasses__())}


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
                parameters=plain(dict(parameters)),
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
