"""Writing files atomically."""

from __future__ import annotations

import os
import stat

from elevhalsa_analysis.fileio import atomic_write_text


def test_atomic_write_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "fil.txt"
    atomic_write_text(target, "första\n")
    os.chmod(target, 0o640)
    atomic_write_text(target, "andra\n")
    assert target.read_text(encoding="utf-8") == "andra\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["fil.txt"]
