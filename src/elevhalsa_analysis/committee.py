"""The committee's documents: a tjänsteskrivelse (.docx) and a slide deck (.pptx) per report.

What the FoU department hands the education committee, built from the same processed
folder and the same report object as the HTML, so no figure is retyped. Each report
object declares its content in `committee()` (a `CommitteeContent`); this module holds
that content and the municipality's configuration, and knows nothing of the instruments;
`committee_docx` and `committee_pptx` lay it out, `committee_files` writes both. Names, titles and colours come from
`data/kommun.yaml`, which the municipality fills in once.

Both files are zip archives whose entries carry the time they were written; they are
rewritten with the run date, and the core properties say the run date, so a rerun gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, PrivateAttr, field_validator

from .config import COMMITTEE_SUFFIXES, KOMMUN_FILE, kommun_file
from .provenance import provenance_from_manifest
from .schema import Strict, load_yaml

LANGUAGE = "sv-SE"
DOCX_SUFFIX, PPTX_SUFFIX = COMMITTEE_SUFFIXES
SYNTHETIC_NOTICE = (
    "Syntetiska exempeldata. Underlaget är påhittat och skapat för att visa och testa verktyget; "
    "det beskriver inga verkliga personer eller skolor."
)
OFFICER_PLACEHOLDER = "[Handläggarens bedömning: skriv förvaltningens egen bedömning här.]"
PLACEHOLDER_NOTICE = (
    f"Mottagare, underskrifter och färger är platshållare: filen {KOMMUN_FILE} saknas i datamappen. "
    "Fyll i den en gång (se README)."
)
EXAMPLE_NOTICE = f"Namnen och titlarna i {KOMMUN_FILE} är påhittade exempel och ska bytas mot kommunens egna."


# --- content, declared by each report object --------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A headline chart: the picture, its alt text, a caption naming the denominator, and
    the sentence that goes under it on the slide."""

    title: str
    png: bytes
    alt: str
    caption: str
    sentence: str


@dataclass(frozen=True)
class CommitteeContent:
    """Plain text (never HTML, never respondents' free text) for the two documents."""

    title: str
    label: str  # the period as the report names it, e.g. "juni–oktober 2024"
    synthetic: bool
    summary: list[str]  # paragraphs of running prose for the tjänsteskrivelse
    highlights: list[str]  # the report's summary, short, for the slide
    assessment: list[str]  # what the rules can say; the officer adds the rest
    figures: list[Figure]
    quality: list[str]  # the gate's verdict and what it warned about
    method: str  # one paragraph: how the figures are made
    manifest: dict = field(repr=False, default_factory=dict)


def quality_lines(quality: dict) -> list[str]:
    """The gate's verdict and every warning by title and count (titles name no person)."""
    lines = [quality["verdict"]]
    for c in quality["checks"]:
        if not c["passed"] and c["severity"] != "information":
            lines.append(f"Varning: {c['title']} ({c['count']} st).")
    notes = sum(1 for c in quality["checks"] if c["severity"] == "information")
    passed = sum(1 for c in quality["checks"] if c["passed"] and c["severity"] != "information")
    lines.append(
        f"{passed} av {len(quality['checks']) - notes} kontroller godkända"
        + (f"; {notes} {'notering' if notes == 1 else 'noteringar'}" if notes else "")
        + ". Alla kontroller finns i rapportens avsnitt Datakvalitet."
    )
    return lines


# --- the municipality's configuration ---------------------------------------------------------

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Signatory(Strict):
    namn: str = Field(min_length=1)
    titel: str = Field(min_length=1)


class Colours(Strict):
    primar: str = "#1F4E79"
    accent: str = "#E69F00"

    @field_validator("primar", "accent")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not HEX.match(value):
            raise ValueError(f"«{value}» är ingen färg; skriv den som #RRGGBB, till exempel #1F4E79")
        return value.upper()


class Kommun(Strict):
    """`data/kommun.yaml`: who receives and signs the tjänsteskrivelse, and the deck's colours."""

    exempel: bool = False  # the committed sample's names are invented: the documents say so
    kommun: str = Field(default="[Kommunens namn]", min_length=1)
    forvaltning: str = Field(default="[Förvaltningens namn]", min_length=1)
    mottagare: str = Field(default="[Nämndens namn]", min_length=1)
    forslag_till_beslut: str = Field(default="Informationen tas emot", min_length=1)
    underskrifter: list[Signatory] = Field(
        default_factory=lambda: [
            Signatory(namn="[Namn]", titel="[Titel, t.ex. utbildningsdirektör]"),
            Signatory(namn="[Namn]", titel="[Titel, t.ex. avdelningschef]"),
        ]
    )
    skickas_till: list[str] = Field(default_factory=lambda: ["[Mottagare]"])
    farger: Colours = Field(default_factory=Colours)
    _placeholder: bool = PrivateAttr(default=False)

    @property
    def platshallare(self) -> bool:
        """True when there is no file and every name is a placeholder."""
        return self._placeholder


def load_kommun(data_dir: Path) -> Kommun:
    """The configuration, or placeholders that say they are placeholders when the file is missing."""
    path = kommun_file(Path(data_dir))
    if not path.is_file():
        defaults = Kommun()
        defaults._placeholder = True
        return defaults
    return load_yaml(path, Kommun)


def notices(content: CommitteeContent, kommun: Kommun) -> list[str]:
    return [
        *([SYNTHETIC_NOTICE] if content.synthetic else []),
        *([PLACEHOLDER_NOTICE] if kommun.platshallare else []),
        *([EXAMPLE_NOTICE] if kommun.exempel else []),
    ]


def provenance_lines(content: CommitteeContent, run_date: dt.date) -> list[str]:
    prov = provenance_from_manifest(content.manifest, {}, run_date)
    inputs = prov["inputs"]
    return [
        f"Körningsdatum {prov['run_date']}; elevhalsa_analysis {prov['package_version']}, "
        f"projektets version (git) {prov['git_commit']}, Python {prov['python_version']}.",
        f"Kodbokens version: {prov['codebook_version']}.",
        f"Underlaget är {len(inputs)} indatafiler; namn och kontrollsummor (SHA-256) står i rapportens avsnitt "
        "Metod och spårbarhet.",
        "Samma filer, samma kodbok och samma programversioner ger samma rapport och samma dokument.",
    ]


def core_properties(props, content: CommitteeContent, kommun: Kommun, kind: str, run_date: dt.date) -> None:
    moment = dt.datetime(run_date.year, run_date.month, run_date.day)
    props.title = f"{kind}: {content.title} – {content.label}"
    props.subject = content.title
    props.author = kommun.forvaltning
    props.last_modified_by = kommun.forvaltning
    props.created = props.modified = props.last_printed = moment
    props.revision = 1
    props.language = LANGUAGE
    props.keywords = "elevhälsa; uppföljning"
    props.comments = SYNTHETIC_NOTICE if content.synthetic else ""
    props.category = kind


def documents(instrument: str) -> tuple[str, str]:
    """File names of the two documents beside `<instrument>_ledning.html`."""
    return f"{instrument}{DOCX_SUFFIX}", f"{instrument}{PPTX_SUFFIX}"
