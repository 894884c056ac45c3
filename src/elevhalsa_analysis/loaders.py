"""Reading one period folder into tidy, pseudonymised tables.

Everything here is driven by the codebook: which headers mean which question, which
labels a scale has, which metadata columns the survey tool writes. File-level problems
(empty file, wrong encoding, HTML saved as .xls) are `DataError`s raised here; problems
with values are left for the quality gate, which reports them all at once.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import field_validator

from .codebook import Codebook, Version, normalize_label
from .config import raw_dir
from .errors import DataError
from .privacy import Redactor, pseudonymize
from .schema import Strict, load_yaml

ROW = "rad"  # 1-based row number in the file as a spreadsheet shows it
SKOLFORMER = ["Förskola", "Grundskola", "Anpassad grundskola", "Gymnasieskola", "Anpassad gymnasieskola"]
REGISTER_COLUMNS = ["e-post", "namn", "skolenhetskod", "skolenhet", "skolform"]


class PeriodMeta(Strict):
    label: str
    start: dt.date
    end: dt.date
    # The noun phrase of sentences ("12 av 18 rektorer inom grundskolan"). Without it each
    # instrument names its own respondents (`Instrument.population_phrase`): a default
    # here would call principals "elever".
    population: str | None = None
    syntetisk: bool = False

    @field_validator("label", mode="before")
    @classmethod
    def _label_is_text(cls, value: object) -> object:
        # YAML types `label: 2024` as a number and `label: 2024-10-31` as a date; to the
        # person who wrote it, and in every heading, it is the text as written.
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return value


def load_period_meta(period_dir: Path) -> PeriodMeta:
    meta = load_yaml(Path(period_dir) / "period.yaml", PeriodMeta)
    if meta.end < meta.start:
        raise DataError("Perioden slutar innan den börjar.", file=Path(period_dir) / "period.yaml", column="end", value=meta.end)
    return meta


def list_periods(data_dir: Path) -> list[tuple[str, PeriodMeta]]:
    """Every period folder with a `period.yaml`, ordered by `end` (not by folder name)."""
    root = raw_dir(data_dir)
    found = (
        [(p.name, load_period_meta(p)) for p in sorted(root.iterdir()) if (p / "period.yaml").is_file()] if root.is_dir() else []
    )
    return sorted(found, key=lambda item: (item[1].end, item[0]))


# --- reading files ------------------------------------------------------------------------


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


# --- values as written ---------------------------------------------------------------------

# Beside a column whose cells are normalised (codes padded, year groups, numbers, dates), the
# cells as the file holds them: a message quotes «12,5 %» or «2», never «12.5» or «Åk 2».
AS_WRITTEN = " (i filen)"
# A register row's cells as written, for messages about whole rows (a duplicated row).
ROW_TEXT = "rad (i filen)"
_SHORT_CODE = re.compile(r"[0-9]{1,7}")


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


# --- the register -------------------------------------------------------------------------


def read_register(path: Path, columns: list[str] = REGISTER_COLUMNS) -> pd.DataFrame:
    """A population file (`rektorer.csv`, `elevantal.csv`) with lower-cased column names;
    e-post normalised for linking. `columns` are the headers that find the header row."""
    frame = read_table(path, columns)
    frame.columns = [c if c == ROW else normalize_label(c) for c in frame.columns]
    twice = frame.columns[frame.columns.duplicated()]
    if len(twice):
        raise DataError(
            f"Kolumnen «{twice[0]}» finns flera gånger; ta bort den som inte ska användas och spara filen igen.",
            file=path,
            column=twice[0],
        )
    keep_written(frame, ["skolenhetskod"])
    for col in ("skolenhet", "skolform", "namn"):
        if col in frame:
            frame[col] = frame[col].str.strip()
    if "skolenhetskod" in frame:
        frame["skolenhetskod"] = each_distinct(frame["skolenhetskod"], unit_code)
    if "skolform" in frame:
        # Case and spacing carry no meaning; an unknown form is left for the gate to name.
        canonical = {normalize_label(s): s for s in SKOLFORMER}
        frame["skolform"] = frame["skolform"].map(lambda s: canonical.get(normalize_label(s), s))
    if "e-post" in frame:
        frame["e-post"] = frame["e-post"].map(normalize_label)
    return frame


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


# --- survey exports -----------------------------------------------------------------------


@dataclass
class Conflict:
    """A header written twice (or an old and a new wording of one question) whose two columns differ."""

    header: str  # the second column's header, which is not used
    key: str  # the metadata key or question id both columns map to
    rows: pd.DataFrame  # `varde` (both cells) and ROW, one row per differing cell


@dataclass
class Export:
    """A survey export with canonical column names (metadata keys and question ids)."""

    path: Path
    frame: pd.DataFrame
    missing: list[str]  # human-readable names of required columns that are absent
    extra: list[str]  # headers that are neither metadata nor a question
    duplicated: list[str] = field(default_factory=list)  # same content as the column used
    dropped: list[str] = field(default_factory=list)  # identifying columns removed unread
    ignored: list[str] = field(default_factory=list)  # columns the codebook knows and leaves out
    conflicts: list[Conflict] = field(default_factory=list)


def header_map(codebook: Codebook, version: Version) -> dict[str, str]:
    """Normalised header → canonical column (metadata key or question id)."""
    table = {normalize_label(h): key for key, headers in codebook.metadata_columns.items() for h in headers}
    for q in version.questions:
        table.update({normalize_label(h): q.id for h in q.headers})
    return table


def read_export(path: Path, codebook: Codebook, version: Version) -> Export:
    mapping = header_map(codebook, version)
    identifying = {normalize_label(h) for h in codebook.identifying_columns}
    frame = read_table(path, [*mapping, *identifying])
    # By position: a header written twice must not select two columns under one name.
    renamed: dict[int, str] = {}
    extra, duplicated, dropped, conflicts = [], [], [], []
    for i, col in enumerate(frame.columns):
        if col == ROW:
            continue
        key = mapping.get(normalize_label(col))
        if normalize_label(col) in identifying:
            dropped.append(col)
        elif key is None:
            extra.append(col)
        elif key in renamed.values():
            # Which of two different columns holds the answers cannot be known: never guess.
            first = frame.iloc[:, next(j for j, k in renamed.items() if k == key)].fillna("")
            second = frame.iloc[:, i].fillna("")
            differs = each_distinct(first, normalize_label) != each_distinct(second, normalize_label)
            if differs.any():
                shown = "«" + second[differs].astype(str) + "» mot «" + first[differs].astype(str) + "» i den första kolumnen"
                conflicts.append(Conflict(col, key, pd.DataFrame({"varde": shown, ROW: frame.loc[differs, ROW]})))
            else:
                duplicated.append(col)
        else:
            renamed[i] = key
    frame = frame.iloc[:, [*renamed, frame.columns.get_loc(ROW)]].set_axis([*renamed.values(), ROW], axis=1)
    # Names are never needed: drop them before anything else sees the frame.
    frame = frame.drop(columns=["name"], errors="ignore")
    required = {k: codebook.metadata_columns[k][0] for k in codebook.required_metadata}
    required.update({q.id: q.text for q in version.questions})
    missing = [text for key, text in required.items() if key not in frame.columns]
    known_extra = {normalize_label(c) for c in codebook.known_extra_columns}
    return Export(
        path,
        frame,
        missing,
        [c for c in extra if normalize_label(c) not in known_extra],
        duplicated,
        dropped,
        [c for c in extra if normalize_label(c) in known_extra],
        conflicts,
    )


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


def canonical_answers(frame: pd.DataFrame, version: Version, redact: Redactor) -> pd.DataFrame:
    """Answers mapped to the scale's labels; unknown values are kept (trimmed) for the gate.

    Multiple choice becomes the chosen options in scale order joined by ';'. Free text is
    redacted here, before it is stored anywhere.
    """
    out = frame.copy()
    for q in version.questions:
        if q.id not in out:
            continue
        raw = out[q.id].fillna("").astype(str)
        if q.type == "text":
            cleaned = raw.str.strip()
            out[q.id] = each_distinct(cleaned.where(cleaned.ne(""), None), redact)
            continue
        lookup = version.scales[q.scale].lookup()
        if q.type == "single":
            norm = each_distinct(raw, normalize_label)
            out[q.id] = norm.map(lookup).fillna(raw.str.replace("\u00a0", " ").str.strip()).where(norm.ne(""), None)
        else:
            order = {lbl: i for i, lbl in enumerate(version.scales[q.scale].labels)}

            def options(cell: str, lookup: dict = lookup, order: dict = order) -> str | None:
                parts = [p for p in (normalize_label(s) for s in cell.split(";")) if p]
                if not parts:
                    return None
                known = sorted({lookup[p] for p in parts if p in lookup}, key=order.get)
                unknown = [s.strip() for s in cell.split(";") if normalize_label(s) and normalize_label(s) not in lookup]
                return ";".join(known + unknown)

            out[q.id] = each_distinct(raw, options)
    return out


def each_distinct(values: pd.Series, fn) -> pd.Series:
    """`values.map(fn)` with one call per distinct value: answers repeat a few labels."""
    return values.map({v: fn(v) for v in values.dropna().unique()})


def explode_options(frame: pd.DataFrame, qid: str) -> pd.DataFrame:
    """One row per chosen option of a multiple-choice question (for option-by-option checks)."""
    part = frame[["response_id", ROW, qid]].dropna(subset=[qid])
    part = part.assign(option=part[qid].str.split(";")).explode("option")
    return part[["response_id", ROW, "option"]].reset_index(drop=True)


@dataclass
class Linked:
    """A period's counted responses, pseudonymised, and what was left out and why."""

    responses: pd.DataFrame  # wide: respondent, response_id, completed, one column per question
    population: pd.DataFrame  # respondent, skolenhetskod, skolenhet, skolform, responded
    outsiders: pd.DataFrame  # response_id, rad
    superseded: pd.DataFrame  # response_id, rad, kept_response_id


def link(responses: pd.DataFrame, register: pd.DataFrame, salt: bytes) -> Linked:
    """Link responses to the population by e-mail; the latest response of each counts."""
    reg = register.assign(respondent=register["e-post"].map(lambda e: pseudonymize(e, salt)))
    resp = responses.assign(respondent=responses["email"].map(lambda e: pseudonymize(e, salt)))
    resp = resp.drop(columns=["email"])
    inside = resp["respondent"].isin(reg["respondent"])
    outsiders = resp.loc[~inside, ["response_id", ROW]].reset_index(drop=True)
    resp = resp[inside]
    # Latest completion wins; a later row breaks ties, as the survey tool numbers in order.
    resp = resp.sort_values(["completed", ROW], kind="stable")
    last = resp.drop_duplicates("respondent", keep="last")
    dropped = resp[~resp.index.isin(last.index)]
    superseded = (
        dropped[["response_id", ROW, "respondent"]]
        .merge(last[["respondent", "response_id"]].rename(columns={"response_id": "kept_response_id"}), on="respondent")
        .drop(columns="respondent")
    )
    population = reg[["respondent", "skolenhetskod", "skolenhet", "skolform"]].assign(
        responded=reg["respondent"].isin(last["respondent"])
    )
    return Linked(
        last.sort_values(ROW).reset_index(drop=True),
        population.reset_index(drop=True),
        outsiders,
        superseded.reset_index(drop=True),
    )


def to_long(responses: pd.DataFrame, version: Version, period: str, groups: tuple[str, ...] = ()) -> pd.DataFrame:
    """The spine: one row per respondent × question, `answer` missing when not answered.

    `groups` (unit, year group, gender of an anonymous survey) are carried on every row
    as categoricals, so that indicators group the long table without a join.
    """
    qids = [q.id for q in version.questions]
    long = responses.melt(
        id_vars=["respondent", "response_id", *groups], value_vars=qids, var_name="question", value_name="answer"
    )
    long.insert(0, "period", period)
    return long.astype(
        {
            "period": "string",
            "respondent": "string",
            "response_id": "string",
            "question": "string",
            "answer": "string",
            **{g: "category" for g in groups},
        }
    )


def period_bounds(meta: PeriodMeta) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last second of a period, for the check that answers fall inside it."""
    return pd.Timestamp(meta.start), pd.Timestamp(meta.end) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
