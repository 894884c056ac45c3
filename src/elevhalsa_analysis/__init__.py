"""Validated, reproducible reports from a municipality's student-health follow-ups."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("elevhalsa_analysis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
