"""`make sample-data`: every instrument's synthetic sample, written to data/raw (or --out).

Kept out of the installed package: generators shape no report, so editing one must not
mark every report stale, and their Excel writer (openpyxl) is a development dependency.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sample_data
import sample_elevenkat
import sample_vardnadshavarenkat
import sample_verksamhetsplan
from elevhalsa_analysis.config import DATA_DIR, raw_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/make_sample_data.py",
        description="Skriver syntetiska exempeldata för alla instrument (rektorsenkät, elevenkät, vårdnadshavarenkät, verksamhetsplan).",
    )
    parser.add_argument("--out", type=Path, default=raw_dir(DATA_DIR), help="mapp att skriva till (standard: data/raw)")
    args = parser.parse_args(argv)
    for write in (
        sample_data.write_sample_data,
        sample_elevenkat.write_sample_data,
        sample_vardnadshavarenkat.write_sample_data,
        sample_verksamhetsplan.write_sample_data,
    ):
        for path in write(args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
