"""`make sample-data`: every instrument's synthetic sample, written to data/raw (or --out).

Kept out of the installed package: generators shape no report, so editing one must not
mark every report stale, and their Excel writer (openpyxl) is a development dependency.
A new instrument's generator is `tools/sample_<instrument>.py` with a `write_sample_data`;
it is found here without an edit.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path

from elevhalsa_analysis.config import DATA_DIR, raw_dir

HERE = Path(__file__).resolve().parent


def generators() -> list[Callable[[Path], list[Path]]]:
    """`sample_data` (the principal survey, and the units the others build on) first, then
    every other `sample_*.py` in this folder, by name."""
    names = ["sample_data", *sorted(p.stem for p in HERE.glob("sample_*.py"))]
    return [importlib.import_module(name).write_sample_data for name in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/make_sample_data.py", description="Skriver syntetiska exempeldata för alla instrument."
    )
    parser.add_argument("--out", type=Path, default=raw_dir(DATA_DIR), help="mapp att skriva till (standard: data/raw)")
    args = parser.parse_args(argv)
    for write in generators():
        for path in write(args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
