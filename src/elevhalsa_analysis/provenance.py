"""Provenance: what a report was made from (input files with their SHA-256, codebook
version, parameters, run date) and with what (package, git commit, libraries, Python), so a
researcher can rerun it identically years later.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .config import PROJ_ROOT
from .errors import ElevhalsaError
from .fileio import plain, sha256_file
from .markup import Html, render, table_html

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
    return json.loads(json.dumps(plain(dict(parameters or {})), sort_keys=True, ensure_ascii=False, default=str))


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


def _kv_table(caption: str, head: tuple[str, str], rows: list[tuple[str, str]], code_values: bool = False) -> Html:
    frame = pd.DataFrame(rows, columns=list(head), dtype=object)
    return table_html(frame, caption, row_headers=True, framed=True, code=[head[1]] if code_values else ())


def provenance_html(prov: Mapping) -> Html:
    """Swedish section "Metod och spårbarhet": what went in, with which versions, when."""
    inputs = list((prov.get("inputs") or {}).items())
    input_table = (
        _kv_table("Indatafiler och kontrollsummor (SHA-256)", ("Fil", "SHA-256"), inputs, code_values=True) if inputs else ""
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
    return render(
        "provenance.html.j2",
        inputs=input_table,
        versions=_kv_table("Körning och programversioner", ("Uppgift", "Version"), [(k, str(v)) for k, v in versions]),
        parameters=param_table,
    )
