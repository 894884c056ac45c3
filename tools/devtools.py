"""Maintenance commands: keep `environment.yml` in step with the lock; strip notebooks.

`python tools/devtools.py` rewrites environment.yml from requirements.lock;
`--strip NB…` removes outputs and execution counts so notebooks are committed clean.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat

from elevhalsa_analysis.config import PROJ_ROOT

HEADER = """# Conda-miljö för den som hellre använder conda än `make report` (.venv).
# Skapas av `make lock` från requirements.lock; ändra inte för hand (ett test jämför dem).
name: elevhalsa-analysis
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def lock_pins(lock: Path) -> list[str]:
    """`name==version` lines of a pip lock file, without comments or options."""
    lines = (line.split("#", 1)[0].strip() for line in lock.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def environment_yml(pins: list[str]) -> str:
    return HEADER + "".join(f"    - {pin}\n" for pin in pins) + "    - -e .\n"


def strip_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--strip", nargs="*", type=Path, help="notebooks att rensa från utdata")
    args = parser.parse_args(argv)
    if args.strip is not None:
        for path in args.strip:
            strip_notebook(path)
        return
    pins = lock_pins(PROJ_ROOT / "requirements.lock")
    (PROJ_ROOT / "environment.yml").write_text(environment_yml(pins), encoding="utf-8")


if __name__ == "__main__":
    main()
