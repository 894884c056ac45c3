"""The codebooks of the survey instruments, read from YAML in each instrument's folder.

A codebook names each question, its header text (and older wordings), its scale, which
answers make the headline, and the phrase a sentence uses. The loaders, the quality gate,
the indicators and the sentences all read it, so a new period's wording is an edit of the
YAML, not of code.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from .config import codebook_file
from .schema import Strict, load_yaml


def normalize_label(text: object) -> str:
    """Case-, space- and NBSP-insensitive key used to match headers and answers."""
    s = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(s.split()).casefold()


class Scale(Strict):
    labels: list[str]
    synonyms: dict[str, str] = Field(default_factory=dict)
    # Answers shown and counted but outside the denominator of a headline share.
    outside_denominator: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _synonyms_point_to_labels(self) -> Scale:
        unknown = [t for t in self.synonyms.values() if t not in self.labels]
        if unknown:
            raise ValueError(f"synonym pekar på okänd etikett: {unknown}")
        outside = [t for t in self.outside_denominator if t not in self.labels]
        if outside:
            raise ValueError(f"outside_denominator nämner okänd etikett: {outside}")
        return self

    def lookup(self) -> dict[str, str]:
        """Normalised text → canonical label, synonyms included."""
        table = {normalize_label(lbl): lbl for lbl in self.labels}
        table.update({normalize_label(k): v for k, v in self.synonyms.items()})
        return table


class GroupScale(Scale):
    """The values of a grouping column (year group, gender) that a survey tool writes."""

    # Groups with figures of their own; the others count only in totals. None: all.
    shown: list[str] | None = None

    @model_validator(mode="after")
    def _shown_are_labels(self) -> GroupScale:
        unknown = [t for t in self.shown or [] if t not in self.labels]
        if unknown:
            raise ValueError(f"shown nämner okänd etikett: {unknown}")
        return self

    @property
    def shown_labels(self) -> list[str]:
        return list(self.labels if self.shown is None else self.shown)


class Question(Strict):
    id: str
    text: str
    aliases: list[str] = Field(default_factory=list)
    type: Literal["single", "multiple", "text"]
    scale: str | None = None
    headline: list[str] | Literal["all"] | None = None
    short: str
    statement: str | None = None
    better: Literal["higher", "lower", "none"] = "higher"
    # Access at a unit is about the organisation, not a person's opinion: never suppressed.
    unit_level: bool = False

    @property
    def headers(self) -> list[str]:
        return [self.text, *self.aliases]


class Version(Strict):
    version: str
    valid_from: dt.date
    scales: dict[str, Scale]
    questions: list[Question]

    @model_validator(mode="after")
    def _consistent(self) -> Version:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("fråge-id används två gånger")
        for q in self.questions:
            if q.type != "text" and q.scale not in self.scales:
                raise ValueError(f"frågan {q.id} har okänd skala {q.scale!r}")
            if isinstance(q.headline, list):
                bad = [h for h in q.headline if h not in self.scales[q.scale].labels]
                if bad:
                    raise ValueError(f"frågan {q.id} har rubrikkategori utanför skalan: {bad}")
        return self

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    @property
    def closed_questions(self) -> list[Question]:
        return [q for q in self.questions if q.type != "text"]

    @property
    def text_questions(self) -> list[Question]:
        return [q for q in self.questions if q.type == "text"]

    def headline_labels(self, q: Question) -> list[str]:
        if q.headline == "all" or q.headline is None:
            return list(self.scales[q.scale].labels)
        return list(q.headline)


class Codebook(Strict):
    instrument: str
    title: str
    respondent_plural: str
    respondent_singular: str
    metadata_columns: dict[str, list[str]]
    required_metadata: list[str]
    known_extra_columns: list[str] = Field(default_factory=list)
    # Personal data a survey tool may add (e-mail, name, IP address): dropped unread.
    identifying_columns: list[str] = Field(default_factory=list)
    # Metadata columns whose values are labels (year group, gender), keyed like metadata_columns.
    groups: dict[str, GroupScale] = Field(default_factory=dict)
    min_response_rate: float = Field(0.7, ge=0, le=1)
    versions: list[Version]

    @model_validator(mode="after")
    def _groups_are_metadata(self) -> Codebook:
        unknown = [k for k in self.groups if k not in self.metadata_columns]
        if unknown:
            raise ValueError(f"groups nämner kolumner som inte finns i metadata_columns: {unknown}")
        return self

    def version_for(self, date: dt.date) -> Version:
        """The version in force for a period that ends on `date`."""
        valid = [v for v in self.versions if v.valid_from <= date]
        return max(valid, key=lambda v: v.valid_from)

    def comparable(self, old: Version, new: Version, qid: str) -> bool:
        """Same scale and the same wording (an alias counts): a comparison is allowed."""
        return self.incomparability(old, new, qid) is None

    def incomparability(self, old: Version, new: Version, qid: str) -> str | None:
        """Why a question cannot be compared between two versions (Swedish), or None."""
        try:
            q_old, q_new = old.question(qid), new.question(qid)
        except StopIteration:
            return "frågan ställdes inte båda gångerna"
        if q_old.type != q_new.type:
            return "frågans typ har ändrats"
        if q_old.type != "text" and old.scales[q_old.scale].labels != new.scales[q_new.scale].labels:
            before, after = old.scales[q_old.scale].labels, new.scales[q_new.scale].labels
            return f"svarsalternativen har ändrats (från «{' / '.join(before)}» till «{' / '.join(after)}»)"
        if q_old.scale != q_new.scale:
            return "frågans svarsskala har ändrats"
        if normalize_label(q_old.text) not in {normalize_label(h) for h in q_new.headers}:
            return "frågans formulering har ändrats"
        return None


@cache
def load_codebook(instrument: str) -> Codebook:
    return load_yaml(codebook_file(instrument), Codebook)
