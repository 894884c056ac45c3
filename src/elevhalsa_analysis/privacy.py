"""Personal data stops here.

E-mail addresses and names are read only to link respondents and are replaced by a salted
pseudonym in the loader, so nothing downstream can leak what it never received. Free text
is redacted before it is stored, by one `Redactor` per period that every instrument uses
for every free-text field; `audit` checks the finished outputs once more before they are
moved into place.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .codebook import normalize_label
from .config import salt_file
from .errors import DataError

# Optional in every period folder: names that must never reach a report (staff, pupils), one per line.
NAMES_FILE = "namnlista.txt"

EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Personnummer with or without century, with -, + or nothing between date and last four;
# also with a space (as some systems print them).
PERSONNUMMER_RE = re.compile(r"(?<![\d])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\d])")
# Swedish phone numbers: 07x-xxx xx xx, 08-xxx xx xx, +46 70 …; at least 8 digits in all.
PHONE_RE = re.compile(r"(?<![\w])(?:\+46|0)[\d][\d\s\-()]{6,14}\d(?![\w])")


def load_salt(data_dir: Path) -> bytes:
    """The per-installation salt: `ELEVHALSA_SALT` if set, else a secret file created once.

    One salt per data folder keeps a principal's pseudonym stable across periods (so
    periods can be paired) while the pseudonym cannot be reversed without the salt.
    """
    import os

    env = os.environ.get("ELEVHALSA_SALT")
    if env:
        return env.encode("utf-8")
    path = salt_file(data_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32), encoding="ascii")
        os.replace(tmp, path)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def pseudonymize(identifier: str, salt: bytes) -> str:
    """Stable, non-reversible id for a normalised identifier (e-mail or personnummer)."""
    return hmac.new(salt, normalize_label(identifier).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def name_terms(names: Iterable[str]) -> list[str]:
    """Full names and their parts (at least two letters), longest first."""
    terms: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        full = " ".join(name.split())
        terms.add(full)
        terms.update(part for part in re.split(r"[\s\-]+", full) if len(part) >= 2)
    return sorted(terms, key=lambda t: (-len(t), t))


def read_names(folder: Path) -> tuple[list[str], list[Path]]:
    """A period's `namnlista.txt` (names that must never reach a report), and the file if any."""
    path = Path(folder) / NAMES_FILE
    if not path.is_file():
        return [], []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")], [path]


@dataclass(frozen=True)
class Redactor:
    """How one period's free text is redacted, the same in every instrument and field.

    `names` are persons (registers, `namnlista.txt`): each name and each of its parts goes.
    `known` are the period's unit and organisation names: the only runs of two or more
    capitalised words that are kept, because any other such run is shaped like a person's
    name ("Sven Planterad") and a name nobody listed must not reach a report either.
    """

    names: tuple[str, ...] = ()
    known: tuple[str, ...] = ()

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        out = EMAIL_RE.sub("[e-post]", text)
        out = PERSONNUMMER_RE.sub("[personnummer]", out)
        out = PHONE_RE.sub("[telefonnummer]", out)
        pattern = _names_pattern(self.names)
        if pattern:
            out = pattern.sub("[namn]", out)
        # Whole known names only: a part of one ("Anna" of "Anna Whitlocks gymnasium") may be a person's.
        return _redact_name_shapes(out, _names_pattern(self.known, parts=False))


def period_redactor(folder: Path, names: Iterable[str] = (), known: Iterable[str] = ()) -> tuple[Redactor, list[Path]]:
    """The period's redactor: `names` and `namnlista.txt` as persons, `known` as unit and
    organisation names; with the name list's file, which is an input of every instrument."""
    listed, files = read_names(folder)
    return Redactor(_distinct([*names, *listed]), _distinct(known)), files


def _distinct(values: Iterable[object]) -> tuple[str, ...]:
    # A tuple, hashable, so that its pattern is compiled once.
    return tuple(sorted({" ".join(v.split()) for v in values if isinstance(v, str) and v.strip()}))


# Lower-cased words that start a sentence or stand before a name ("Kuratorn Sven Planterad",
# "Vi Har"): a run of capitalised words loses them at its start before it is judged, so
# that only what follows them is taken for a name. Not exhaustive: a false positive only
# costs a word of a comment, a false negative a person's name. Words that are also first
# names (Maj, Mina, Alla, Per) are left out: "Maj Andersson" must lose both words.
LEADING_WORDS = frozenset(
    """
    jag vi du ni han hon de den det man denna detta dessa vår våra vårt mitt er ert era hela
    har hade är var blir blev kan kunde ska skulle vill måste får fick behöver bör gör gjorde finns saknas
    och men eller så att om när då nu här där som inte ingen inget inga mycket mer mest många få
    i på av för med till från efter under vid mot utan hos inom enligt genom kring trots
    en ett flera varje bra dålig tyvärr idag igår imorgon just även också särskilt eftersom sedan
    kuratorn kurator rektorn rektor biträdande skolsköterskan skolsköterska skolläkaren skolläkare
    psykologen psykolog specialpedagogen specialpedagog speciallärare läraren lärare mentorn mentor
    elevhälsan elevhälsoteamet skolan förskolan kommunen förvaltningen region regionen bup
    socialtjänsten skolverket skolinspektionen hösten våren sommaren vintern terminen
    måndag tisdag onsdag torsdag fredag lördag söndag
    januari februari mars april juni juli augusti september oktober november december
""".split()
)

_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_GAP_RE = re.compile(r"[ \t\u00a0]+")


def _capitalised(word: str) -> bool:
    # "BUP" and other acronyms are organisations, not names.
    return word[0].isupper() and not word.isupper()


def _redact_name_shapes(text: str, known: re.Pattern | None) -> str:
    protected = [m.span() for m in known.finditer(text)] if known else []
    runs: list[list[re.Match]] = []
    for word in _WORD_RE.finditer(text):
        inside = any(a <= word.start() < b for a, b in protected)
        if inside or not _capitalised(word.group()):
            runs.append([])
            continue
        if runs and runs[-1] and _GAP_RE.fullmatch(text[runs[-1][-1].end() : word.start()]):
            runs[-1].append(word)
        else:
            runs.append([word])
    spans = []
    for run in runs:
        while run and run[0].group().lower() in LEADING_WORDS:
            run = run[1:]
        if len(run) >= 2:
            spans.append((run[0].start(), run[-1].end()))
    for start, end in reversed(spans):
        text = text[:start] + "[namn]" + text[end:]
    return text


@lru_cache(maxsize=32)
def _names_pattern(names: tuple[str, ...], parts: bool = True) -> re.Pattern | None:
    # Built once per register: rebuilding it for every comment of a large export took seconds.
    terms = name_terms(names) if parts else sorted(names, key=lambda t: (-len(t), t))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE) if terms else None


# --- the audit before outputs are moved into place -----------------------------------------

# Digests and pseudonyms (manifests, respondent ids) and embedded images (base64) hold
# long digit runs shaped like a personnummer or phone number by chance; they are no
# personal data and are not scanned. Nothing a person writes is one unbroken run of 40.
_NOT_PROSE = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{16,}(?![0-9a-fA-F])|[A-Za-z0-9+/]{40,}={0,2}")
_SHAPES = (
    (EMAIL_RE, "en e-postadress"),
    (PERSONNUMMER_RE, "ett personnummer"),
    (PHONE_RE, "ett telefonnummer"),
)


def audit(folders: Iterable[Path], names: Iterable[str]) -> None:
    """Stop the run if any staged output holds a listed person's name or a personal-data shape.

    Redaction happens on reading; this is the second line, over what a person would read
    (report text, notebook outputs, documents, processed tables). Names are matched whole
    (first and last name together): a part alone ("Per", "Ek") is also an ordinary word.
    The message names the file and the kind of finding, never the value, which is exactly
    what must not be shown.
    """
    whole = _whole_names_pattern(_distinct(names))
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            for text in _texts(path):
                kind = _finding(text, whole)
                if kind:
                    raise DataError(
                        f"Granskningen före skrivningen hittade {kind} i {path.relative_to(folder).as_posix()}, "
                        "trots att fritexten har maskerats. Ingenting skrevs och tidigare rapporter är orörda. "
                        "Ta bort uppgiften ur indatafilens fritext (ett namn kan också läggas i namnlista.txt i "
                        "periodens mapp) och kör igen.",
                        file=path.name,
                    )


def _finding(text: str, whole: re.Pattern | None) -> str | None:
    if whole is not None and whole.search(text):
        return "ett namn ur registren eller namnlista.txt"
    text = _NOT_PROSE.sub(" ", text)
    for pattern, kind in _SHAPES:
        if pattern.search(text):
            return kind
    return None


@lru_cache(maxsize=8)
def _whole_names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    terms = [r"\s+".join(re.escape(part) for part in name.split()) for name in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)", re.IGNORECASE) if terms else None


def _texts(path: Path) -> Iterable[str]:
    """What a person reads in one output file, piece by piece (never joined: digits of two
    table cells side by side are not one phone number)."""
    suffix = path.suffix.casefold()
    if suffix in (".html", ".htm", ".svg"):
        yield from _html_texts(path.read_text(encoding="utf-8", errors="replace"))
    elif suffix == ".ipynb":
        yield from _notebook_texts(json.loads(path.read_text(encoding="utf-8")))
    elif suffix in (".docx", ".pptx"):
        yield from _office_texts(path)
    elif suffix == ".parquet":
        import pandas as pd

        frame = pd.read_parquet(path)
        for column in frame.columns:
            if frame[column].dtype == object or str(frame[column].dtype).startswith("string"):
                yield from (v for v in frame[column].dropna().unique() if isinstance(v, str))
    elif suffix == ".json":
        yield from _json_strings(json.loads(path.read_text(encoding="utf-8")))
    elif suffix in (".txt", ".md", ".csv"):
        yield path.read_text(encoding="utf-8", errors="replace")


def _html_texts(markup: str) -> list[str]:
    # Text nodes only: attributes hold embedded images (base64) and links, no prose.
    from html.parser import HTMLParser

    found: list[str] = []

    class Collect(HTMLParser):
        def handle_data(self, data: str) -> None:
            if data.strip():
                found.append(data)

    parser = Collect(convert_charrefs=True)
    parser.feed(markup)
    parser.close()
    return found


def _notebook_texts(nb: dict) -> Iterable[str]:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            yield "".join(cell.get("source", ""))
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                yield "".join(out.get("text", ""))
            elif out.get("output_type") == "error":
                yield out.get("evalue", "")
                yield from out.get("traceback", [])
            data = out.get("data", {})
            for mime, value in data.items():
                text = "".join(value) if isinstance(value, list) else value
                if mime == "text/html" or mime == "image/svg+xml":
                    yield from _html_texts(text)
                elif mime.startswith("text/"):
                    yield text


def _office_texts(path: Path) -> Iterable[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".xml") and member.startswith(("word/", "ppt/slides/", "ppt/notesSlides/")):
                xml = archive.read(member).decode("utf-8", errors="replace")
                # A paragraph's text runs together (w:t in Word, a:t in PowerPoint): a name may span two runs.
                for paragraph in re.split(r"</(?:w|a):p>", xml):
                    runs = re.findall(r"<(?:w|a):t(?:\s[^>]*)?>([^<]*)</(?:w|a):t>", paragraph)
                    if runs:
                        yield html.unescape("".join(runs))


def _json_strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
