"""The contract of the plan's input files (`contract.yaml` in this folder): the columns as data.

Which files a follow-up may hold, which headers each column goes by, its type, its labels
and synonyms: the reading (registers.py) and the checks (contract_checks.py) are generated
from it, so a renamed column in an export is an edit of the YAML.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from ...cells import ALL_YEAR_GROUPS
from ...codebook import normalize_label
from ...config import instrument_dir
from ...schema import Strict, load_yaml

CONTRACT_FILE = instrument_dir("verksamhetsplan") / "contract.yaml"


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
        # A year-group column reads every form the student survey reads (cells.normalize_arskurs).
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
