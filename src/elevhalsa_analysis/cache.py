"""Periods that passed the gate, kept so that a report's history is not read and checked again.

Every survey report compares its period with all the others, and reading and checking
one of them costs as much as the report's own period: rerunning one period many times a
day would pay that for every other period on every run. A loaded period is therefore
kept, in memory for the rest of the process and on disk under `data/processed/.cache/`,
under a key made of everything loading it depends on: the SHA-256 of every file in its
raw folder (export, register, period.yaml, name list) and of every file of the package
(code and codebooks), and the salt. Any change gives a new key, and
the period is read and checked again.

Files are written only by `commit`, which a run calls once its outputs are in place: a
failed run leaves the cache as it found it, like every other output (the loaded periods
stay in memory until then, and `discard` forgets what a failed run would have written).

The files are pickles, read only by this package: a file is opened only when its name
holds the key asked for, so a pickle written by other code is never unpickled. They hold
what the processed folders hold (pseudonymised answers, check results), nothing more.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .config import raw_period_dir
from .fileio import atomic_write_bytes, code_fingerprint, sha256_file

T = TypeVar("T")

CACHE_FOLDER = ".cache"

# Loaded since the last commit: file → (period, value). One registry for every instrument's cache,
# since a run commits or discards all it loaded at once.
_pending: dict[Path, tuple[str, object]] = {}
_lock = threading.Lock()


def commit() -> None:
    """Write every period loaded since the last commit or discard; for after a run succeeded."""
    with _lock:
        done = list(_pending.items())
        _pending.clear()
    for path, (period, value) in done:
        # Earlier keys of this period are dead; the file under this key may be another worker's, as good as ours.
        for stale in path.parent.glob(f"{period}.*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
        atomic_write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def discard() -> None:
    """Forget what a failed run loaded: nothing of it reaches the disk."""
    with _lock:
        _pending.clear()


def period_key(instrument: str, period: str, data_dir: Path, salt: bytes) -> str:
    """Everything loading one period of one instrument depends on, as one digest."""
    folder = raw_period_dir(data_dir, period)
    parts = {
        "instrument": instrument,
        "period": period,
        # Loaded periods hold absolute paths of their inputs.
        "folder": str(Path(folder).resolve()),
        "files": {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()},
        "code": code_fingerprint(),  # the codebooks are package files too
        "salt": hashlib.sha256(salt).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


class PeriodCache:
    """Loaded periods by key: this process's memory first, then the data folder's cache."""

    def __init__(self) -> None:
        self._memory: dict[str, object] = {}

    @staticmethod
    def _file(data_dir: Path, instrument: str, period: str, key: str) -> Path:
        return Path(data_dir) / "processed" / CACHE_FOLDER / instrument / f"{period}.{key}.pickle"

    def get(self, key: str, load: Callable[[], T], *, data_dir: Path, instrument: str, period: str, from_disk: bool = True) -> T:
        """The period under `key`, or `load()` kept under it. `load` raises on a blocking failure,
        and nothing is kept then: a period that fails is read and checked on every run."""
        if key in self._memory:
            return self._memory[key]
        path = self._file(data_dir, instrument, period, key)
        if from_disk and path.is_file():
            try:
                value = pickle.loads(path.read_bytes())
            # Only a cache: a truncated or unreadable file means reading the period again.
            except Exception:  # noqa: BLE001
                value = None
            if value is not None:
                self._memory[key] = value
                return value
        value = load()
        self._memory[key] = value
        with _lock:
            _pending[path] = (period, value)
        return value
