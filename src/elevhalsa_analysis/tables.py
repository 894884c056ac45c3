"""Reading one input file (CSV, Excel, SPSS) into text columns with its row numbers.

File-level problems (empty file, wrong encoding, HTML saved as .xls, a title row above the
headers) are `DataError`s raised here, with a message that says what to do; problems with
values are left for the quality gate, which reports them all at once.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import pandas as pd

from .cells import ROW, each_distinct
from .codebook import normalize_label
from .errors import DataError


def find_input(period_dir: Path, stem: str, suffixes: tuple[str, ...] = (".xlsx", ".xls", ".csv")) -> Path | None:
    """The one file named `stem` with an accepted suffix (case-insensitive), or None.

    `.xls` is accepted so that an old-format workbook is read, and an HTML page saved
    with that suffix (a common export accident) gets its own message instead of being
    silently overlooked.
    """
    if not Path(period_dir).is_dir():
        return None
    matches = [
        p
        for p in sorted(Path(period_dir).iterdir())
        if p.is_file() and p.stem.casefold() == stem and p.suffix.casefold() in suffixes
    ]
    if len(matches) > 1:
        raise DataError(
            f"Det finns flera exporter av samma enkät ({', '.join(p.name for p in matches)}); behåll en av dem.",
            file=matches[0],
        )
    return matches[0] if matches else None


def decode_csv(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, as Excel on a Swedish Windows writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise DataError(
            "Filen är sparad som UTF-16 eller är ingen textfil. Spara om den som CSV (UTF-8) eller CSV (semikolonavgränsad).",
            file=path,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"Filens teckenkodning är varken UTF-8 eller Windows-1252 (okänt tecken på rad {line}). Spara om den som CSV UTF-8.",
            file=path,
            value=f"byte 0x{data[exc.start]:02X}",
        ) from None


def sniff_separator(path: Path, header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    if counts[best] == 0 or best not in (";", ","):
        raise DataError(
            "Hittar inte kolumnavgränsaren: rubrikraden ska vara avgränsad med semikolon (;) eller komma (,). Exportera filen på nytt som CSV.",
            file=path,
            value=header_line[:80],
        )
    return best


def _cell_text(value: object) -> str:
    """Spreadsheet cell → text, without turning 12 into '12.0' or dates into numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path, data: bytes) -> list[tuple[str, pd.DataFrame]]:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")):
        raise DataError(
            "Filen heter .xls/.xlsx men är en webbsida (HTML) som sparats med Excel-ändelse. Öppna den i Excel och spara som Excel-arbetsbok (.xlsx), eller exportera på nytt.",
            file=path,
        )
    if not data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DataError("Filen är ingen Excel-arbetsbok. Exportera på nytt som .xlsx eller .csv.", file=path)
    try:
        sheets = pd.read_excel(io.BytesIO(data), engine="calamine", sheet_name=None, header=None, dtype=object)
    except Exception as exc:  # noqa: BLE001  (calamine raises its own error types for corrupt books)
        raise DataError(
            f"Excel-filen kan inte läsas ({type(exc).__name__}). Öppna den i Excel och spara om den som .xlsx.", file=path
        ) from None
    # Cells become text here, as a CSV's already are, so the rest never sees Excel types.
    # Column by column, one call per distinct value: a 50 000-row export repeats a few labels.
    return [(name, frame.apply(lambda col: each_distinct(col, _cell_text).fillna(""))) for name, frame in sheets.items()]


def read_table(path: Path, expected_headers: list[str]) -> pd.DataFrame:
    """Read a CSV or Excel file into text columns plus a `rad` column (row numbers).

    `expected_headers` (normalised) let us find the header row and the right sheet, so an
    export with a title row or a renamed sheet gets a message that says what to do.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except PermissionError:
        # On Windows this is almost always the file being open in Excel.
        raise DataError(
            "Filen kan inte läsas: åtkomst nekas. Stäng filen om den är öppen i Excel och kontrollera behörigheten.", file=path
        ) from None
    except OSError as exc:
        raise DataError(f"Filen kan inte läsas (systemfel {exc.errno}).", file=path) from None
    if path.suffix.casefold() == ".csv":
        text = decode_csv(path, data)
        first = next((line for line in text.splitlines() if line.strip()), None)
        if first is None:
            raise DataError("Filen är tom. Exportera enkäten på nytt.", file=path)
        sheets = [("", _parse_csv(path, text, sniff_separator(path, first)))]
    elif not data.strip():
        raise DataError("Filen är tom. Exportera enkäten på nytt.", file=path)
    elif path.suffix.casefold() == ".sav":
        sheets = [("", _read_sav(path, set(expected_headers)))]
    else:
        sheets = _read_excel(path, data)
    expected = set(expected_headers)
    found = [(sheet, frame, row) for sheet, frame in sheets if (row := _header_row(frame, expected)) is not None]
    if len(found) > 1:
        raise DataError(
            f"Flera blad har rubrikraden ({', '.join(sheet for sheet, *_ in found)}), så det går inte att avgöra vilket som är exporten. "
            "Ta bort de blad som inte är exporten och spara filen igen.",
            file=path,
        )
    if found:
        _, frame, row = found[0]
        if row > 0:
            raise DataError(
                f"Rubrikraden står på rad {row + 1}, inte på rad 1. Ta bort raderna ovanför rubrikraden och spara filen igen.",
                file=path,
            )
        return _with_header(frame, path)
    where = f" (bladen heter {', '.join(name for name, _ in sheets)})" if sheets[0][0] else ""
    raise DataError(
        f"Hittar ingen rubrikrad med de väntade kolumnerna i filen{where}. Kontrollera att det är rätt fil och att första raden är rubrikraden.",
        file=path,
    )


def _read_sav(path: Path, expected: set[str]) -> pd.DataFrame:
    """An SPSS file as a sheet of text, header row first, like a CSV or Excel sheet.

    Survey vendors give variables short names (q1, q2, …) with the question as the variable
    label, so a variable is headed by its label when that is an expected header, else by
    its name. Numeric codes become their value labels; codes declared user-missing (99
    "Ej svar") are read as empty, i.e. not answered.
    """
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), user_missing=False)
    except Exception as exc:  # noqa: BLE001  (pyreadstat raises its own error types for damaged files)
        raise DataError(f"SPSS-filen kan inte läsas ({type(exc).__name__}). Exportera den på nytt som .sav.", file=path) from None
    labels = meta.column_names_to_labels or {}

    def header(name: str) -> str:
        label = labels.get(name) or ""
        return next((c for c in (label, name) if normalize_label(c) in expected), label or name)

    columns = []
    for name in data.columns:
        values = data[name]
        coded = meta.variable_value_labels.get(name)
        if coded:
            values = values.map(lambda v, coded=coded: coded.get(v, v))
        columns.append(values.map(_cell_text))
    body = pd.concat(columns, axis=1, ignore_index=True) if columns else pd.DataFrame()
    return pd.concat([pd.DataFrame([[header(n) for n in data.columns]]), body], ignore_index=True)


def _parse_csv(path: Path, text: str, sep: str) -> pd.DataFrame:
    try:
        # Blank lines are kept (and dropped later) so that row numbers match the file.
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if fields:
            why = (
                f"rad {fields[2]} har {fields[3]} fält men rubrikraden har {fields[1]}. Text som innehåller "
                f"avgränsaren ({sep}) måste stå inom citattecken"
            )
        elif quote:
            why = f"citattecknet som börjar på rad {int(quote[1]) + 1} avslutas aldrig"
        else:
            why = "filen följer inte CSV-formatet"
        raise DataError(f"CSV-filen kan inte läsas: {why}. Exportera filen på nytt.", file=path) from None


def _header_row(frame: pd.DataFrame, expected: set[str]) -> int | None:
    """The first of the top rows that holds at least two expected headers (or the only one)."""
    for row in range(min(len(frame), 10)):
        headers = [normalize_label(v) for v in frame.iloc[row]]
        if len(expected.intersection(headers)) >= min(2, len(expected)):
            return row
    return None


def _with_header(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    headers = [v.strip() for v in frame.iloc[0]]
    body = frame.iloc[1:]
    # Trailing empty columns are an Excel artefact, not data.
    keep = [i for i, h in enumerate(headers) if h or (len(body) and body.iloc[:, i].str.strip().ne("").any())]
    body = body.iloc[:, keep]
    body.columns = [headers[i] or f"(kolumn {i + 1})" for i in keep]
    # Column by column: a row-wise apply costs seconds on a student survey's 50 000 rows.
    body = body[body.apply(lambda c: c.str.strip().ne("")).any(axis=1)] if len(body) else body
    body = body.reset_index(names="_i")
    body[ROW] = body.pop("_i").astype(int) + 1
    return body.reset_index(drop=True)
