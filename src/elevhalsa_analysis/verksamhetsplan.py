"""The operations-plan follow-up (verksamhetsplan): see ../shared/data-contract-verksamhetsplan.md.

A period folder holds the plan (`verksamhetsplan.yaml`, validated strictly) and, each
optional, the status of its insatser, enrolment, absence, reports of offensive treatment
and saved Kolada answers. The loaders and most of the quality gate are generated from
`codebooks/verksamhetsplan.yaml`, the contract's columns as data. Children's personnummer
become a salted pseudonym and their names and the reports' descriptions are dropped in
the loader, so nothing downstream can leak what it never received.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from . import measures, units
from . import quality as q
from .codebook import normalize_label
from .config import CODEBOOK_DIR, raw_period_dir
from .errors import DataError
from .formatting import round_half_away
from .instruments import IndicatorValue, Instrument, Prepared, UnitContribution, get, register
from .loaders import (
    ALL_YEAR_GROUPS,
    AS_WRITTEN,
    ROW,
    ROW_TEXT,
    PeriodMeta,
    excel_serial,
    find_input,
    keep_written,
    list_periods,
    normalize_arskurs,
    read_table,
    row_text,
    unit_code,
)
from .privacy import Redactor, load_salt, period_redactor, pseudonymize
from .schema import KeyProblem, Strict, load_yaml
from .suppression import MIN_GROUP

PLAN_FILE = "verksamhetsplan.yaml"
CONTRACT_FILE = CODEBOOK_DIR / "verksamhetsplan.yaml"
KOLADA_FILE = "kolada.json"
NO_STATUS = "ingen uppgift"


# --- the plan ---------------------------------------------------------------------------------


class Baseline(Strict):
    varde: float
    ar: int


class Comparison(Strict):
    id: str = Field(pattern=r"^\d{4}$")
    namn: str


# Keys every indicator may have; the rest depend on its measure.
COMMON_KEYS = {"id", "namn", "kalla", "matt", "riktning", "malvarde", "utgangslage"}


class IndicatorSpec(Strict):
    id: str
    namn: str
    kalla: Literal["elevenkat", "rektorsenkat", "franvaro", "krankningar", "kolada"]
    matt: str | None = None
    riktning: Literal["hogre", "lagre", "ingen"]
    malvarde: float | None = None
    utgangslage: Baseline | None = None
    fraga: str | None = None
    arskurs: str | None = None
    period: str | None = None
    grans: float | None = Field(None, gt=0, le=100)
    termin: Literal["HT", "VT"] | None = None
    dagar: int | None = Field(None, ge=0)
    typ: str | None = None
    utovare: str | None = None
    skolform: str | None = None
    kpi: str | None = None
    jamfor_med: list[Comparison] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fits_its_measure(self) -> IndicatorSpec:
        name = measures.key(self.kalla, self.matt)
        try:
            measure = measures.get(name)
        except KeyError:
            known = [n.split(".", 1)[1] for n in measures.names() if n.startswith(f"{self.kalla}.")]
            if self.matt is None:
                raise KeyProblem(f"nyckeln saknas; kalla {self.kalla} behöver ett mått: {', '.join(known)}", "matt") from None
            detail = f"kända: {', '.join(known)}" if known else f"kalla {self.kalla} tar inget mått"
            raise KeyProblem(f"okänt mått «{self.matt}» för kalla {self.kalla}; {detail}", "matt") from None
        for name_ in measure.required:
            if getattr(self, name_) in (None, []):
                raise KeyProblem(f"nyckeln saknas; {name} behöver den", name_)
        allowed = COMMON_KEYS | set(measure.required) | set(measure.optional)
        for unused in sorted(k for k in self.model_fields_set - allowed if getattr(self, k) not in (None, [])):
            raise KeyProblem(f"nyckeln används inte för {name}", unused)
        for column in measures.REPORT_FILTERS:
            value = getattr(self, column)
            labels = contract_labels("elevantal" if column == "skolform" else "krankningar", column)
            if value is not None and value not in labels:
                raise KeyProblem(f"okänt värde; tillåtna är {', '.join(labels)}", column)
        if self.malvarde is not None and self.riktning == "ingen":
            raise KeyProblem("ett målvärde kräver riktning hogre eller lagre", "malvarde")
        return self


class Insats(Strict):
    id: str
    text: str
    indikatorer: list[str] = Field(default_factory=list)


class Plan(Strict):
    namn: str
    omrade: str
    kommunkod: str = Field(pattern=r"^\d{4}$")
    franvarogranser: list[float] = Field(min_length=1)
    indikatorer: list[IndicatorSpec]
    insatser: list[Insats]

    @model_validator(mode="after")
    def _references(self) -> Plan:
        seen: set[str] = set()
        for i, ind in enumerate(self.indikatorer):
            if ind.id in seen:
                raise KeyProblem(f"indikatorn «{ind.id}» finns redan i planen", "indikatorer", i, "id")
            seen.add(ind.id)
        insatser: set[str] = set()
        for i, ins in enumerate(self.insatser):
            if ins.id in insatser:
                raise KeyProblem(f"insatsen «{ins.id}» finns redan i planen", "insatser", i, "id")
            insatser.add(ins.id)
            for j, ref in enumerate(ins.indikatorer):
                if ref not in seen:
                    raise KeyProblem(f"insatsen pekar på en indikator som inte finns: «{ref}»", "insatser", i, "indikatorer", j)
        return self

    def indicator(self, iid: str) -> IndicatorSpec:
        return next(i for i in self.indikatorer if i.id == iid)


def load_plan(period_dir: Path) -> Plan:
    return load_yaml(Path(period_dir) / PLAN_FILE, Plan)


# --- the inputs, as data ----------------------------------------------------------------------

ColumnType = Literal[
    "text", "kod", "etikett", "arskurs", "tal", "datum", "termin", "personnummer", "namn", "fritext", "utelamnas"
]
# Never reach a frame that anything else sees.
PERSONAL = ("personnummer", "namn", "utelamnas")
# Read into a canonical form that may differ from the cell (kept as written for messages).
NORMALISED = ("kod", "etikett", "arskurs", "tal", "datum", "termin")


class ColumnSpec(Strict):
    key: str
    headers: list[str]
    type: ColumnType
    required: bool = False
    # The column may be left out of the file altogether (a comment column): read as empty.
    optional: bool = False
    labels: list[str] = Field(default_factory=list)
    synonyms: dict[str, str] = Field(default_factory=dict)
    min: float | None = None

    @property
    def header(self) -> str:
        return self.headers[0]

    @model_validator(mode="before")
    @classmethod
    def _year_groups(cls, data: object) -> object:
        # A year-group column reads every form the student survey reads (loaders.normalize_arskurs).
        if isinstance(data, dict) and data.get("type") == "arskurs" and not data.get("labels"):
            return {**data, "labels": list(ALL_YEAR_GROUPS)}
        return data

    def lookup(self) -> dict[str, str]:
        table = {normalize_label(lbl): lbl for lbl in self.labels}
        table.update({normalize_label(k): v for k, v in self.synonyms.items()})
        return table


class FileSpec(Strict):
    stem: str
    suffixes: list[str]
    columns: list[ColumnSpec]
    # A file of events (reports) may have none in a year: headers without rows count 0.
    empty_is_zero: bool = False

    def column(self, key: str) -> ColumnSpec:
        return next(c for c in self.columns if c.key == key)


class InputContract(Strict):
    instrument: str
    title: str
    files: dict[str, FileSpec]


@cache
def input_contract() -> InputContract:
    return load_yaml(CONTRACT_FILE, InputContract)


def contract_labels(file: str, key: str) -> list[str]:
    return input_contract().files[file].column(key).labels


def _clean(value: object) -> str | None:
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
    return lambda raw: None if (text := _clean(raw)) is None else convert(text)


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
            found_names = sorted({n for n in frame.pop(column.key).map(_clean) if n})
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
            notes += q.padded_codes_note(name, path.name, frame, column.key, column.header)
        elif column.key in frame and column.type == "datum":
            written = frame[column.key + AS_WRITTEN]
            serial = written.map(lambda v: v is not None and excel_serial(v) is not None)
            notes += q.read_as_note(
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


def _check(
    loaded: Loaded,
    cid: str,
    title: str,
    expectation,
    column: ColumnSpec | None = None,
    severity=q.BLOCKING,
    table: str | None = None,
    show_values: bool = True,
    id_column: str = ROW,
    id_label: str = "rad",
    written: str | None = None,
) -> q.Check:
    if written is None and column is not None and column.type in NORMALISED:
        written = column.key + AS_WRITTEN
    return q.Check(
        f"{loaded.name}:{cid}",
        title,
        severity,
        table or loaded.name,
        expectation,
        loaded.file,
        column=column.header if column else None,
        id_column=id_column,
        id_label=id_label,
        show_values=show_values,
        written=written,
    )


def structure_checks(loaded: Loaded) -> list[q.Check]:
    columns = {c.key: c.header for c in loaded.spec.columns if c.type not in ("namn", "utelamnas") and not c.optional}
    return q.structure_checks(loaded.file, loaded.name, columns, min_rows=0 if loaded.spec.empty_is_zero else 1)


def format_checks(loaded: Loaded) -> list[q.Check]:
    """The contract's per-column rules, generated from its column types."""
    g = q.gx().expectations
    checks = []
    for c in loaded.spec.columns:
        if c.type in ("namn", "utelamnas"):
            continue
        if c.type == "personnummer":
            # Rows are named, never the number itself.
            checks.append(
                _check(
                    loaded,
                    f"form:{c.key}",
                    "Personnummer saknas eller har fel form",
                    g.ExpectColumnValuesToBeInSet(column=f"{c.key}_giltigt", value_set=[True]),
                    c,
                    show_values=False,
                )
            )
            continue
        if c.required:
            checks.append(
                _check(
                    loaded,
                    f"saknas:{c.key}",
                    f"Värde saknas i kolumnen «{c.header}»",
                    g.ExpectColumnValuesToNotBeNull(column=c.key),
                    c,
                    show_values=False,
                )
            )
        rule = {
            "etikett": ("Okänt värde", g.ExpectColumnValuesToBeInSet(column=c.key, value_set=c.labels)),
            "arskurs": ("Okänd årskurs", g.ExpectColumnValuesToBeInSet(column=c.key, value_set=c.labels)),
            "kod": ("Skolenhetskod är inte åtta siffror", g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^\d{8}$")),
            "tal": ("Värdet är inget tal", g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^-?\d+(?:\.\d+)?$")),
            "datum": (
                "Datumet kan inte tolkas (skriv ÅÅÅÅ-MM-DD)",
                g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^\d{4}-\d{2}-\d{2}$"),
            ),
            "termin": (
                "Terminen ska skrivas HT eller VT och ett år, till exempel HT 2023",
                g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^(?:HT|VT) \d{4}$"),
            ),
        }.get(c.type)
        if rule:
            checks.append(_check(loaded, f"varde:{c.key}", f"{rule[0]} i kolumnen «{c.header}»", rule[1], c))
    return checks


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


def value_checks(loaded: Loaded) -> list[q.Check]:
    g = q.gx().expectations
    return [
        _check(
            loaded,
            f"min:{c.key}",
            f"Negativt värde i kolumnen «{c.header}»",
            g.ExpectColumnValuesToBeBetween(column=c.key, min_value=c.min),
            c,
        )
        for c in loaded.spec.columns
        if c.type == "tal" and c.min is not None
    ]


def extra_check(loaded: Loaded) -> q.Check:
    g = q.gx().expectations
    return _check(
        loaded,
        "extra",
        "Extra kolumner som inte används (lästes inte)",
        g.ExpectColumnValuesToBeInSet(column="kolumn", value_set=[]),
        severity=q.WARNING,
        table=f"extra:{loaded.name}",
        id_column="kolumn",
        id_label="kolumn",
    )


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


# --- one period -------------------------------------------------------------------------------


@dataclass
class PlanPeriod:
    """One follow-up period read and checked: the plan and its tables, free of personal data."""

    period: str
    meta: PeriodMeta
    plan: Plan
    tables: dict[str, pd.DataFrame]
    checks: list[q.CheckResult]
    inputs: list[Path]
    sources: measures.Sources


def _absence_checks(loaded: Loaded, frame: pd.DataFrame, meta: PeriodMeta) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    absent = frame["giltig"].fillna(0) + frame["ogiltig"].fillna(0)
    scheduled = frame["schemalagd"].fillna(0)
    table = frame.assign(
        inom_tid=(scheduled <= 0) | (absent <= scheduled),
        har_tid=scheduled > 0,
        nyckel=frame["elev"].fillna("") + "|" + frame["skolenhetskod"] + "|" + frame["termin"],
        termin_ar=frame["termin"].str[-4:].astype(int),
    )
    checks = [
        _check(
            loaded,
            "over_tid",
            "Frånvaro över den schemalagda tiden",
            g.ExpectColumnValuesToBeInSet(column="inom_tid", value_set=[True]),
            show_values=False,
        ),
        _check(
            loaded,
            "utan_tid",
            "Rader utan schemalagd tid (räknas inte)",
            g.ExpectColumnValuesToBeInSet(column="har_tid", value_set=[True]),
            severity=q.WARNING,
            show_values=False,
        ),
        _check(
            loaded,
            "dubblett",
            "Samma elev står flera gånger för samma skolenhet och termin",
            g.ExpectColumnValuesToBeUnique(column="nyckel"),
            show_values=False,
        ),
        _check(
            loaded,
            "termin_ar",
            "Termin utanför periodens år",
            g.ExpectColumnValuesToBeBetween(column="termin_ar", min_value=meta.start.year, max_value=meta.end.year),
            severity=q.WARNING,
        ),
    ]
    return {loaded.name: table}, checks


def _report_checks(loaded: Loaded, frame: pd.DataFrame, meta: PeriodMeta) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    spec = loaded.spec
    table = frame.assign(
        avslut_efter=frame["avslutad"].isna() | (frame["avslutad"] >= frame["anmald"]),
        huvudman_efter=frame["till_huvudman"].isna() | (frame["till_huvudman"] >= frame["anmald"]),
        avslut_datum=(frame["status"] != "Avslutad") | frame["avslutad"].notna(),
    )
    checks = [
        _check(
            loaded,
            "unik",
            "Ärendenumret förekommer mer än en gång",
            g.ExpectColumnValuesToBeUnique(column="arende"),
            spec.column("arende"),
        ),
        _check(
            loaded,
            "avslut_efter",
            "Avslutat datum före anmälningsdatum",
            g.ExpectColumnValuesToBeInSet(column="avslut_efter", value_set=[True]),
            spec.column("avslutad"),
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        _check(
            loaded,
            "huvudman_efter",
            "Anmält till huvudman före anmälningsdatum",
            g.ExpectColumnValuesToBeInSet(column="huvudman_efter", value_set=[True]),
            spec.column("till_huvudman"),
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        _check(
            loaded,
            "avslut_datum",
            "Avslutade ärenden utan avslutsdatum (ingår inte i tiden till avslut)",
            g.ExpectColumnValuesToBeInSet(column="avslut_datum", value_set=[True]),
            spec.column("avslutad"),
            severity=q.WARNING,
            show_values=False,
            id_column="arende",
            id_label="ärende",
        ),
        _check(
            loaded,
            "period",
            "Anmälningar utanför perioden (räknas inte)",
            g.ExpectColumnValuesToBeBetween(
                column="anmald", min_value=pd.Timestamp(meta.start), max_value=pd.Timestamp(meta.end)
            ),
            spec.column("anmald"),
            severity=q.WARNING,
            id_column="arende",
            id_label="ärende",
        ),
    ]
    return {loaded.name: table}, checks


def _insats_checks(loaded: Loaded, frame: pd.DataFrame, plan: Plan) -> tuple[dict, list[q.Check]]:
    g = q.gx().expectations
    ids = [i.id for i in plan.insatser]
    covered = pd.DataFrame({"insats": ids, "har_rad": [i in set(frame["insats"]) for i in ids]})
    checks = [
        _check(
            loaded,
            "i_planen",
            "Insats som inte finns i verksamhetsplanen",
            g.ExpectColumnValuesToBeInSet(column="insats", value_set=ids),
            loaded.spec.column("insats"),
        ),
        _check(
            loaded,
            "unik",
            "Samma insats står på flera rader",
            g.ExpectColumnValuesToBeUnique(column="insats"),
            loaded.spec.column("insats"),
        ),
        _check(
            loaded,
            "utan_rad",
            f"Insatser i planen utan rad i filen (visas som «{NO_STATUS}»)",
            g.ExpectColumnValuesToBeInSet(column="har_rad", value_set=[True]),
            severity=q.WARNING,
            table="insatser_i_planen",
            show_values=False,
            id_column="insats",
            id_label="insats",
        ),
    ]
    return {loaded.name: frame, "insatser_i_planen": covered}, checks


def _unit_check(loaded: Loaded, frame: pd.DataFrame, codes: list[str]) -> q.Check:
    g = q.gx().expectations
    return _check(
        loaded,
        "okand_enhet",
        "Skolenheter som saknas i elevantal.csv (ingår bara i kommunens totaler)",
        g.ExpectColumnValuesToBeInSet(column="skolenhetskod", value_set=codes),
        loaded.spec.column("skolenhetskod"),
        severity=q.WARNING,
    )


def load_plan_period(period: str, meta: PeriodMeta, data_dir: Path, salt: bytes) -> PlanPeriod:
    """Read, check and pseudonymise one follow-up period; raise DataError on a blocking failure."""
    folder = raw_period_dir(data_dir, period)
    plan = load_plan(folder)
    year = meta.end.year
    # Absence and units first: the children's names, the units' and the plan's own names decide
    # how the insatser's free text is redacted (privacy.Redactor), then the names are let go.
    franvaro = read_input(folder, "franvaro", salt, year)
    elevantal = read_input(folder, "elevantal", salt, year)
    known = [
        plan.namn,
        plan.omrade,
        *(i.namn for i in plan.indikatorer),
        *(c.namn for i in plan.indikatorer for c in i.jamfor_med),
    ]
    if elevantal is not None and "skolenhet" in elevantal.frame:
        known += elevantal.frame["skolenhet"].tolist()
    redact, names_files = period_redactor(folder, franvaro.names if franvaro else (), known)
    loaded = {
        "insatser": read_input(folder, "insatser", salt, year, redact),
        "elevantal": elevantal,
        "krankningar": read_input(folder, "krankningar", salt, year, redact),
    }
    if franvaro is not None:
        franvaro.names = []
    loaded["franvaro"] = franvaro
    present = {name: item for name, item in loaded.items() if item is not None}

    results = q.run_checks(
        {n: item.frame for n, item in present.items()}, [c for item in present.values() for c in structure_checks(item)]
    )
    q.raise_on_blocking(results)
    frames = {n: item.frame for n, item in present.items()}
    frames.update({f"extra:{n}": pd.DataFrame({"kolumn": item.extra}) for n, item in present.items()})
    results += q.run_checks(frames, [c for item in present.values() for c in (*format_checks(item), extra_check(item))])
    results += [note for item in present.values() for note in item.notes]
    q.raise_on_blocking(results)

    tables = {n: typed(item) for n, item in present.items()}
    frames, checks = dict(tables), [c for item in present.values() for c in value_checks(item)]
    extra_frames: dict[str, pd.DataFrame] = {}
    codes = tables["elevantal"]["skolenhetskod"].tolist() if "elevantal" in tables else None
    if "franvaro" in tables:
        more, cs = _absence_checks(present["franvaro"], tables["franvaro"], meta)
        extra_frames.update(more)
        checks += cs
    if "krankningar" in tables:
        more, cs = _report_checks(present["krankningar"], tables["krankningar"], meta)
        extra_frames.update(more)
        checks += cs
    if "insatser" in tables:
        more, cs = _insats_checks(present["insatser"], tables["insatser"], plan)
        extra_frames.update(more)
        checks += cs
    if "elevantal" in tables:
        g = q.gx().expectations
        item = present["elevantal"]
        extra_frames["elevantal"] = tables["elevantal"].assign(
            nyckel=tables["elevantal"]["skolenhetskod"] + "|" + tables["elevantal"]["arskurs"]
        )
        checks.append(
            _check(
                item,
                "dubblett",
                "Samma skolenhet och årskurs står flera gånger",
                g.ExpectColumnValuesToBeUnique(column="nyckel"),
                item.spec.column("arskurs"),
                written=ROW_TEXT,
            )
        )
    if codes is not None:
        checks += [_unit_check(present[n], tables[n], codes) for n in ("franvaro", "krankningar") if n in tables]
    frames.update(extra_frames)
    # value checks and cross-column checks read the same tables; the augmented ones carry both.
    results += q.run_checks(frames, checks)
    q.raise_on_blocking(results)

    if "krankningar" in tables:
        reports = tables["krankningar"]
        tables["krankningar"] = reports[reports["anmald"].between(pd.Timestamp(meta.start), pd.Timestamp(meta.end))]
    if "franvaro" in tables:
        tables["franvaro"] = tables["franvaro"].drop(columns=["elev_giltigt"])
    tables = {
        n: t.drop(columns=[ROW, *(c for c in t if c == ROW_TEXT or c.endswith(AS_WRITTEN))]).reset_index(drop=True)
        for n, t in tables.items()
    }
    inputs = [folder / "period.yaml", folder / PLAN_FILE, *(item.path for item in present.values()), *names_files]
    # Survey indicators read other period folders; listing them makes a change there a reason to rerun.
    surveys = [
        raw_period_dir(data_dir, spec.period or period) / "period.yaml" for spec in plan.indikatorer if spec.kalla in SURVEYS
    ]
    inputs += [p for p in dict.fromkeys(surveys) if p.is_file() and p not in inputs]

    kolada_path = folder / KOLADA_FILE
    if kolada_path.is_file():
        tables["kolada"] = read_kolada(kolada_path)
        inputs.append(kolada_path)
        kpis = [i.kpi for i in plan.indikatorer if i.kpi]
        found = pd.DataFrame({"kpi": kpis, "finns": [k in set(tables["kolada"]["kpi"]) for k in kpis]})
        g = q.gx().expectations
        results += q.run_checks(
            {"kolada": found},
            [
                q.Check(
                    "kolada:kpi",
                    "Planens KPI saknas i kolada.json",
                    q.WARNING,
                    "kolada",
                    g.ExpectColumnValuesToBeInSet(column="finns", value_set=[True]),
                    KOLADA_FILE,
                    id_column="kpi",
                    id_label="KPI",
                    show_values=False,
                )
            ],
        )
    sources = measures.Sources(period, Path(data_dir), year, plan.kommunkod, tables)
    return PlanPeriod(period, meta, plan, tables, results, inputs, sources)


# --- assessment -------------------------------------------------------------------------------

ACHIEVED, NOT_ACHIEVED, WITHIN_MARGIN, CANNOT_JUDGE = "Uppnått", "Inte uppnått", "Inom felmarginalen", "Kan inte bedömas"
SYMBOLS = {ACHIEVED: "✔", NOT_ACHIEVED: "✖", WITHIN_MARGIN: "≈", CANNOT_JUDGE: "?"}
CSS_CLASSES = {
    ACHIEVED: "bedomning-uppnatt",
    NOT_ACHIEVED: "bedomning-ej-uppnatt",
    WITHIN_MARGIN: "bedomning-felmarginal",
    CANNOT_JUDGE: "bedomning-kan-inte",
}
SURVEYS = tuple(measures.SURVEY_FILES)


@dataclass(frozen=True)
class Assessment:
    word: str
    reason: str = ""

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.word]

    @property
    def css(self) -> str:
        return CSS_CLASSES[self.word]


SUPPRESSED = "färre än 5 anmälningar vid så få enheter; uppgiften visas inte för att skydda enskilda elever"


def suppressed(spec: IndicatorSpec, value: IndicatorValue) -> bool:
    """A report count narrowed to a skolform can be a single unit's: 1–4 is not shown."""
    return (
        spec.kalla == "krankningar"
        and spec.skolform is not None
        and value.numerator is not None
        and 0 < value.numerator < MIN_GROUP
    )


def assess(spec: IndicatorSpec, value: IndicatorValue) -> Assessment:
    """The contract's one assessment per indicator; never a verdict without data or direction."""
    if value.value is None:
        return Assessment(CANNOT_JUDGE, value.note or "uppgift saknas")
    if suppressed(spec, value):
        return Assessment(CANNOT_JUDGE, SUPPRESSED)
    if spec.riktning == "ingen":
        return Assessment(CANNOT_JUDGE, "indikatorn har ingen önskad riktning och följs utan mål")
    if spec.malvarde is None:
        return Assessment(CANNOT_JUDGE, "planen anger inget målvärde")
    if spec.kalla in SURVEYS and value.denominator is not None and value.denominator < MIN_GROUP:
        return Assessment(CANNOT_JUDGE, f"för få svar ({value.denominator})")
    target = spec.malvarde
    if value.interval is not None and value.interval[0] <= target <= value.interval[1]:
        return Assessment(WITHIN_MARGIN, "målvärdet ligger inom skattningens osäkerhetsintervall")
    # Judged on the value as shown (one decimal), so a reader's own check agrees.
    shown = round_half_away(value.value, 1)
    reached = shown >= target if spec.riktning == "hogre" else shown <= target
    return Assessment(ACHIEVED if reached else NOT_ACHIEVED)


VALUE_COLUMNS = ["id", "vilken", "period", "varde", "taljare", "namnare", "enhet", "lag", "hog", "not"]


def _value_rows(spec: IndicatorSpec, value: IndicatorValue, which: str) -> dict:
    lo, hi = value.interval if value.interval else (None, None)
    return {
        "id": spec.id,
        "vilken": which,
        "period": value.period,
        "varde": value.value,
        "taljare": value.numerator,
        "namnare": value.denominator,
        "enhet": value.unit,
        "lag": lo,
        "hog": hi,
        "not": value.note,
    }


def previous_period(periods: list[tuple[str, PeriodMeta]], period: str, data_dir: Path) -> tuple[str, PeriodMeta] | None:
    """The latest follow-up that ends before this one starts (the contract's rule)."""
    meta = dict(periods)[period]
    earlier = [(p, m) for p, m in periods if m.end < meta.start and (raw_period_dir(data_dir, p) / PLAN_FILE).is_file()]
    return earlier[-1] if earlier else None


class PlanInstrument(Instrument):
    name = "verksamhetsplan"
    notebook = "verksamhetsplan_uppfoljning.ipynb"
    population_noun = "elever"
    report_modules = ("elevhalsa_analysis.sections_verksamhetsplan",)
    unit_topics = "frånvaro och anmälningar om kränkande behandling"

    @property
    def title(self) -> str:
        return input_contract().title

    def present(self, period_dir: Path) -> bool:
        return (Path(period_dir) / PLAN_FILE).is_file()

    def personal_names(self, period: str, data_dir: Path) -> list[str]:
        spec = input_contract().files["franvaro"]
        path = find_input(raw_period_dir(data_dir, period), spec.stem, tuple(spec.suffixes))
        names = super().personal_names(period, data_dir)
        if path is None:
            return names
        headers = {normalize_label(h) for c in spec.columns if c.type == "namn" for h in c.headers}
        frame = read_table(path, [normalize_label(h) for c in spec.columns for h in c.headers])
        for column in (c for c in frame.columns if c != ROW and normalize_label(c) in headers):
            names += [n for n in frame[column].map(_clean) if n]
        return names

    @property
    def config_files(self) -> list[Path]:
        # The survey codebooks shape the scorecard's survey figures and the unit tables.
        return [CONTRACT_FILE, *(p for s in SURVEYS for p in get(s).config_files)]

    def load_report(self, processed_dir: Path, period: str):
        from .sections_verksamhetsplan import PlanReport

        return PlanReport.load(processed_dir, period)

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        from .sections_units import plan_contributions

        return plan_contributions(processed_dir)

    def prepare(self, period: str, data_dir: Path) -> Prepared:
        data_dir = Path(data_dir)
        periods = list_periods(data_dir)
        metas = dict(periods)
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        salt = load_salt(data_dir)
        current = load_plan_period(period, metas[period], data_dir, salt)
        meta, notes = self.with_population(current.meta)
        checks, inputs = [*current.checks, *notes], list(current.inputs)
        rows = [_value_rows(spec, measures.evaluate(spec, current.sources), "aktuell") for spec in current.plan.indikatorer]
        labels = [
            {
                "period": period,
                "label": current.meta.label,
                "start": current.meta.start.isoformat(),
                "end": current.meta.end.isoformat(),
                "syntetisk": current.meta.syntetisk,
                "vilken": "aktuell",
            }
        ]
        unit_tables = units.register_tables(period, current.tables, current.plan.franvarogranser)
        prev = previous_period(periods, period, data_dir)
        if prev is not None:
            try:
                before = load_plan_period(*prev, data_dir, salt)
            except DataError as exc:
                checks.append(
                    q.CheckResult(
                        id=f"historik:{prev[0]}",
                        title=f"Föregående period {prev[0]} kan inte läsas och saknas i jämförelserna",
                        severity=q.WARNING,
                        passed=False,
                        file=Path(str(exc.file or prev[0])).name,
                        column=None,
                        count=1,
                        total=None,
                        observed=exc.message,
                    )
                )
            else:
                inputs += before.inputs
                labels.append(
                    {
                        "period": before.period,
                        "label": before.meta.label,
                        "start": before.meta.start.isoformat(),
                        "end": before.meta.end.isoformat(),
                        "syntetisk": before.meta.syntetisk,
                        "vilken": "foregaende",
                    }
                )
                # Each year's own plan says where its figures come from (e.g. which survey period).
                ids = {i.id for i in before.plan.indikatorer}
                rows += [
                    _value_rows(spec, measures.evaluate(before.plan.indicator(spec.id), before.sources), "foregaende")
                    for spec in current.plan.indikatorer
                    if spec.id in ids
                ]
                # This year's thresholds, so a unit's trend compares like with like.
                for name, table in units.register_tables(before.period, before.tables, current.plan.franvarogranser).items():
                    unit_tables[name] = pd.concat([unit_tables[name], table], ignore_index=True) if name in unit_tables else table
        referenced = {s: [i.period or period for i in current.plan.indikatorer if i.kalla == s] for s in SURVEYS}
        surveys, survey_inputs, survey_periods = units.survey_tables(data_dir, periods, current.meta, referenced, salt)
        unit_tables.update(surveys)
        inputs += [p for p in dict.fromkeys(survey_inputs) if p not in inputs]
        statuses = current.tables.get("insatser")
        return Prepared(
            instrument=self.name,
            period=period,
            meta=meta,
            tables={
                "indikatorer": pd.DataFrame(rows, columns=VALUE_COLUMNS).astype(
                    {"varde": float, "lag": float, "hog": float, "taljare": "Int64", "namnare": "Int64"}
                ),
                "perioder": pd.DataFrame(labels),
                **{n: t for n, t in current.tables.items() if n != "insatser"},
                **({"insatser": statuses} if statuses is not None else {}),
                **unit_tables,
            },
            checks=checks,
            inputs=inputs,
            info={
                "codebook_version": current.plan.namn,
                "plan": current.plan.model_dump(mode="json", exclude_unset=True),
                "tillgangliga": sorted(current.tables),
                "enkatperioder": survey_periods,
            },
        )


register(PlanInstrument())
