"""The plan's input files read by their contract (contract.py): personal columns handled
first, values made canonical; and the saved Kolada answers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ... import quality as q
from ... import suites
from ...cells import (
    AS_WRITTEN,
    ROW,
    ROW_TEXT,
    excel_serial,
    keep_written,
    normalize_arskurs,
    row_text,
    unit_code,
)
from ...codebook import normalize_label
from ...errors import DataError
from ...privacy import Redactor, pseudonymize
from ...tables import find_input, read_table
from .contract import NORMALISED, PERSONAL, ColumnSpec, FileSpec, input_contract

KOLADA_FILE = "kolada.json"


def clean_text(value: object) -> str | None:
    text = " ".join(str(value).replace("\u00a0", " ").replace("\u202f", " ").split())
    return text or None


_IDENTITY = re.compile(r"(\d{6}|\d{8})(\d{4})")
_RESERV = re.compile(r"(\d{6}|\d{8})[\s\u00a0]*[-+]?[\s\u00a0]*([0-9A-Z]{4})")


def normalize_personnummer(value: object, reference_year: int) -> str | None:
    """YYYYMMDDNNNN from any usual form (century, hyphen, plus, spaces), or None if malformed.

    Without the century a child is born this century unless the two digits lie after the
    reference year. The check digit is not tested: sample data fails it on purpose.
    A reservnummer (a school's temporary number for a child without personnummer, the
    birth date and letters such as `T`, `R` or `TF` in the last four) is the child's
    identity as much and is read the same way; the date part must still be a date.
    """
    text = str(value or "").upper().strip()
    digits = re.sub(r"[\s\-+\u00a0]", "", text)
    # Letters only in the last four, after the date and where a separator would stand.
    match = _IDENTITY.fullmatch(digits) if digits.isdigit() else _RESERV.fullmatch(text)
    if not match:
        return None
    digits = match[1] + match[2]
    if len(digits) == 10:
        century = "20" if int(digits[:2]) <= reference_year % 100 else "19"
        digits = century + digits
    month, day = int(digits[4:6]), int(digits[6:8])
    # Coordination numbers (samordningsnummer) add 60 to the day.
    if not 1 <= month <= 12 or not (1 <= day <= 31 or 61 <= day <= 91):
        return None
    return digits


_TERM = re.compile(r"^(HT|VT)\s*-?\s*(\d{4}|\d{2})$")


def _term(value: str) -> str:
    match = _TERM.match(value.upper())
    if not match:
        return value
    year = match.group(2)
    return f"{match.group(1)} {year if len(year) == 4 else '20' + year}"


def _date(value: str) -> str:
    parsed = pd.to_datetime(value, format="ISO8601", errors="coerce")
    if pd.isna(parsed):
        parsed = excel_serial(value)
    return value if parsed is None or pd.isna(parsed) else parsed.strftime("%Y-%m-%d")


def _canonical(column: ColumnSpec, redact: Redactor) -> Callable[[str | None], str | None]:
    """Text → the contract's canonical text; unknown values are kept for the gate to name."""
    lookup = column.lookup()
    convert: dict[str, Callable[[str], str | None]] = {
        "text": lambda v: v,
        "kod": unit_code,
        "etikett": lambda v: lookup.get(normalize_label(v), v),
        "arskurs": normalize_arskurs,
        "tal": lambda v: re.sub(r"\s", "", v).replace(",", "."),
        "datum": _date,
        "termin": _term,
        "fritext": redact,
    }[column.type]
    return lambda raw: None if (text := clean_text(raw)) is None else convert(text)


@dataclass
class Loaded:
    """One input file read: canonical text columns, personal data already gone."""

    name: str
    path: Path
    spec: FileSpec
    frame: pd.DataFrame
    extra: list[str]
    names: list[str]  # children's names, only to redact other files' free text; never stored
    notes: list[q.CheckResult] = field(default_factory=list)  # cells read as something else than written

    @property
    def file(self) -> str:
        return self.path.name


def read_input(folder: Path, name: str, salt: bytes, reference_year: int, redact: Redactor | None = None) -> Loaded | None:
    """Read one of the contract's files if present; personal columns are handled first.

    Without `redact`, free text still loses e-mail, phone and personnummer (no names known)."""
    redact = redact or Redactor()
    spec = input_contract().files[name]
    path = find_input(folder, spec.stem, tuple(spec.suffixes))
    if path is None:
        return None
    by_header = {normalize_label(h): c for c in spec.columns for h in c.headers}
    frame = read_table(path, list(by_header))
    renamed: dict[str, str] = {}
    extra: list[str] = []
    for col in frame.columns:
        column = by_header.get(normalize_label(col))
        if col == ROW:
            continue
        if column is None or column.key in renamed.values():
            extra.append(col)
        else:
            renamed[col] = column.key
    # Unknown columns are dropped unread: they may hold anything.
    frame = frame[[*renamed, ROW]].rename(columns=renamed)
    for column in spec.columns:
        if column.optional and column.key not in frame:
            frame[column.key] = ""  # what read_table gives an empty cell
    found_names: list[str] = []
    for column in spec.columns:
        if column.key not in frame:
            continue
        if column.type == "namn":
            found_names = sorted({n for n in frame.pop(column.key).map(clean_text) if n})
        elif column.type == "utelamnas":
            del frame[column.key]
        elif column.type == "personnummer":
            numbers = frame.pop(column.key).map(lambda v: normalize_personnummer(v, reference_year))
            frame[column.key] = numbers.map(lambda n: pseudonymize(n, salt), na_action="ignore")
            frame[f"{column.key}_giltigt"] = numbers.notna()
            del numbers
    # Messages quote the cells as the file holds them; free text is never kept unredacted.
    keep_written(frame, [c.key for c in spec.columns if c.type in NORMALISED])
    for column in spec.columns:
        if column.key in frame and column.type not in PERSONAL:
            frame[column.key] = frame[column.key].map(_canonical(column, redact))
    notes = []
    for column in spec.columns:
        if column.key in frame and column.type == "kod":
            notes += suites.padded_codes_note(name, path.name, frame, column.key, column.header)
        elif column.key in frame and column.type == "datum":
            written = frame[column.key + AS_WRITTEN]
            serial = written.map(lambda v: v is not None and excel_serial(v) is not None)
            notes += suites.read_as_note(
                f"{name}:seriedatum:{column.key}",
                "Datum skrivna som Excel-serienummer lästes som datum",
                path.name,
                column.header,
                written[serial],
                frame.loc[serial, column.key],
                frame.loc[serial, ROW],
            )
    if name == "elevantal":
        frame[ROW_TEXT] = row_text(frame)
    return Loaded(name, path, spec, frame, extra, found_names, notes)


def typed(loaded: Loaded) -> pd.DataFrame:
    """Numbers and dates as such, once the format checks passed."""
    frame = loaded.frame.copy()
    for c in loaded.spec.columns:
        if c.key not in frame:
            continue
        if c.type == "tal":
            frame[c.key] = pd.to_numeric(frame[c.key]).astype(float)
        elif c.type == "datum":
            frame[c.key] = pd.to_datetime(frame[c.key], format="%Y-%m-%d")
    return frame


def read_kolada(path: Path) -> pd.DataFrame:
    """One saved Kolada answer or a list of them → kpi, kommun, ar, kon, varde (None kept)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"Filen är inte giltig JSON ({exc}). Hämta den på nytt med «elevhalsa kolada».", file=path) from None
    answers = data if isinstance(data, list) else [data]
    rows = []
    try:
        for answer in answers:
            for entry in answer["values"]:
                for v in entry["values"]:
                    rows.append(
                        {
                            "kpi": str(entry["kpi"]),
                            "kommun": str(entry["municipality"]),
                            "ar": int(entry["period"]),
                            "kon": str(v["gender"]),
                            "varde": None if v.get("value") is None else float(v["value"]),
                        }
                    )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"Filen följer inte Koladas svarsformat (saknar {exc}). Hämta den på nytt med «elevhalsa kolada».", file=path
        ) from None
    return pd.DataFrame(rows, columns=["kpi", "kommun", "ar", "kon", "varde"]).astype({"varde": float})
