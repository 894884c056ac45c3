"""Writing files so that a reader never sees half of one, and hashing them.

Reports and indexes are opened by people while a run is writing them, and a run can be
killed; a temporary file in the same directory followed by `os.replace` means the old
version stays whole until the new one is complete (same filesystem, so the rename is
atomic).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from .config import PACKAGE_DIR

_CHUNK = 1 << 20


def _process_umask() -> int:
    # os.umask can only be read by setting it, which races with other threads creating
    # files; Linux exposes it read-only, elsewhere the usual default is close enough.
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def target_mode(path: Path) -> int:
    """Permissions for a file written via a temporary file and renamed onto `path`.

    mkstemp creates 0600; a report must stay readable by whoever could read the old one.
    """
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_process_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` by `data` in one step; on any failure the old file is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = target_mode(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 with `\\n` line ends on every platform, so files hash the same everywhere."""
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over every file of the package (code, the instruments' codebooks and contracts, templates).

    What a version number misses: a change to the code between releases changes this.
    """
    digest = hashlib.sha256()
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
        digest.update(sha256_file(path).encode("ascii"))
    return digest.hexdigest()


def staging_dir(parent: Path, prefix: str) -> Path:
    """A fresh folder beside its target, readable like any other output folder.

    mkdtemp makes 0700 folders; once renamed into place a report folder must be as
    readable as the one it replaces.
    """
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(0o777 & ~_process_umask())
    return folder


def plain(value: Any) -> Any:
    """`value` with paths as text and tuples as lists, as JSON and papermill's parameter cell need them
    (a Path would otherwise become its repr)."""
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
