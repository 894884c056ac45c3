"""Cell values: as the file holds them (for messages) and in their canonical form.

Codes that lost their leading zeros, year groups written a dozen ways, dates that became
Excel serial numbers, times in the English tenant's format: each is read back here, and
a message quotes the cell as written beside the normalised column.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .codebook import normalize_label

ROW = "rad"  # 1-based row number in the file as a spreadsheet shows it

# Beside a column whose cells are normalised (codes padded, year groups, numbers, dates), the
# cells as the file holds them: a message quotes «12,5 %» or «2», never «12.5» or «Åk 2».
AS_WRITTEN = " (i filen)"
# A register row's cells as written, for messages about whole rows (a duplicated row).
ROW_TEXT = "rad (i filen)"
_SHORT_CODE = re.compile(r"[0-9]{1,7}")


def each_distinct(values: pd.Series, fn) -> pd.Series:
    """`values.map(fn)` with one call per distinct value: answers repeat a few labels."""
    return values.map({v: fn(v) for v in values.dropna().unique()})


def keep_written(frame: pd.DataFrame, columns) -> None:
    """Add the as-written copy of each of `columns` present, before they are normalised."""
    for col in columns:
        if col in frame:
            frame[col + AS_WRITTEN] = frame[col]


def row_text(frame: pd.DataFrame) -> pd.Series:
    """'rad 7: 01234567;Testskolan;…': a row as a person finds it in the file."""
    columns = [c for c in frame if c != ROW and c != ROW_TEXT and not c.endswith(AS_WRITTEN)]
    cells = frame[[c + AS_WRITTEN if c + AS_WRITTEN in frame else c for c in columns]].fillna("").astype(str)
    return "rad " + frame[ROW].astype(str) + ": " + cells.apply(lambda c: c.str.strip()).agg(";".join, axis=1)


def unit_code(value: object) -> str | None:
    """Skolverket's 8-digit code, with the leading zeros put back that Excel and SPSS drop
    when they store the code as a number (1234567 → 01234567).

    Only 1–7 digits are padded: nine digits or a letter cannot be a code that lost its zeros,
    and are kept as written for the gate to name.
    """
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    return (text.zfill(8) if _SHORT_CODE.fullmatch(text) else text) or None


EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
# Serial numbers of 2000-01-01 and 2100-01-01: other five-digit numbers are no date of a follow-up.
_SERIAL_RANGE = (36526, 73051)


def excel_serial(value: object) -> pd.Timestamp | None:
    """The date of an Excel serial number (45567 → 2024-10-03, 45567.5 → noon), or None.

    A date cell that lost its format in a re-save shows its serial number; in a date
    column that number means the date, and nothing else.
    """
    text = str(value).strip()
    if not _SERIAL.fullmatch(text):
        return None
    days = float(text.replace(",", "."))
    if not _SERIAL_RANGE[0] <= days < _SERIAL_RANGE[1]:
        return None
    return (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).round("s")


# Year groups as the contracts write them; every reader of a year-group column goes through
# `normalize_arskurs`, so the student survey and the plan's registers accept the same forms.
ALL_YEAR_GROUPS = ["F", *(f"Åk {i}" for i in range(1, 10)), *(f"Gy {i}" for i in range(1, 5))]

_PRESCHOOL = re.compile(r"^(?:f|fk|förskoleklass|åk f|åk 0|0)$")
_UPPER = (
    re.compile(r"^(?:gy|gymnasiet|gymnasium)\s*(?:år|åk)?\s*([1-4])$"),
    re.compile(r"^(?:år|åk|årskurs)\s*([1-4])\s*(?:på\s+|i\s+)?(?:gy|gymnasiet|gymnasium)$"),
)
_COMPULSORY = re.compile(r"^(?:åk|ak|årskurs|arskurs|år|klass)?\s*\.?\s*([1-9])$")


def normalize_arskurs(value: object) -> str | None:
    """A year group as the contract writes it (`F`, `Åk 1` … `Åk 9`, `Gy 1` … `Gy 4`).

    Tools write `5`, `åk5`, `ÅK 5`, `Årskurs 5`, `Gy2` or `År 2 gymnasiet`; anything
    else is returned trimmed, for the gate to name. Empty → None.
    """
    text = normalize_label("" if value is None or (isinstance(value, float) and math.isnan(value)) else value)
    if not text:
        return None
    if _PRESCHOOL.match(text):
        return "F"
    for pattern in _UPPER:
        if m := pattern.match(text):
            return f"Gy {m[1]}"
    if m := _COMPULSORY.match(text):
        return f"Åk {m[1]}"
    return " ".join(str(value).split())


def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO-like times (Swedish Excel), the English tenant's `M/D/YYYY h:mm:ss AM`, or an
    Excel serial number (a re-save that lost the cell's date format)."""
    text = values.fillna("").astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H.%M", "%Y-%m-%d %H.%M.%S"):
        missing = parsed.isna() & text.ne("")
        if not missing.any():
            break
        parsed = parsed.mask(missing, pd.to_datetime(text[missing], format=fmt, errors="coerce"))
    missing = parsed.isna() & text.ne("")
    if missing.any():
        parsed = parsed.mask(missing, pd.to_datetime(each_distinct(text[missing], excel_serial)))
    return parsed
