"""The one place that knows where things live.

Every other module asks for a path here, so the folder layout of the design card
(`data/raw/<period>/`, `data/processed/<period>/`, `reports/<period>/`) is written once.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_root() -> Path:
    """`ELEVHALSA_ROOT`, else the source checkout the package is installed from, else cwd."""
    if os.environ.get("ELEVHALSA_ROOT"):
        return Path(os.environ["ELEVHALSA_ROOT"]).resolve()
    checkout = PACKAGE_DIR.parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd().resolve()


PROJ_ROOT = _project_root()
DATA_DIR = PROJ_ROOT / "data"
REPORTS_DIR = PROJ_ROOT / "reports"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
# Each instrument's folder holds its code and its configuration (codebook or contract).
INSTRUMENTS_DIR = PACKAGE_DIR / "instruments"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
# Our nbconvert template and the style every page shares.
TEMPLATE_NAME = "elevhalsa"
CSS_FILE = TEMPLATE_DIR / TEMPLATE_NAME / "elevhalsa.css"


def instrument_dir(name: str) -> Path:
    return INSTRUMENTS_DIR / name


def codebook_file(name: str) -> Path:
    """A survey's codebook: its questions, scales, synonyms and headlines (codebook.py)."""
    return instrument_dir(name) / "codebook.yaml"


def package_key(path: Path) -> str:
    """A package file's path relative to the package, as a manifest records configuration:
    every instrument's codebook has the same file name, so the name alone is no key."""
    return Path(path).relative_to(PACKAGE_DIR).as_posix()


def raw_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "raw"


def raw_period_dir(data_dir: Path, period: str) -> Path:
    return raw_dir(data_dir) / period


def processed_period_dir(data_dir: Path, period: str) -> Path:
    return Path(data_dir) / "processed" / period


def report_period_dir(reports_dir: Path, period: str) -> Path:
    return Path(reports_dir) / period


KOMMUN_FILE = "kommun.yaml"
# The committee's two documents beside `<instrument>_ledning.html` (committee.py writes them).
COMMITTEE_SUFFIXES = ("_tjansteskrivelse.docx", "_presentation.pptx")


def kommun_file(data_dir: Path) -> Path:
    """The municipality's names, titles and colours for the committee's documents (committee.py)."""
    return Path(data_dir) / KOMMUN_FILE


def salt_file(data_dir: Path) -> Path:
    """Secret salt for pseudonyms; kept beside, never inside, the raw data."""
    return Path(data_dir) / ".pseudonym-salt"
