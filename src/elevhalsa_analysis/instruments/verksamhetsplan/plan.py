"""The operations plan as strict data (`verksamhetsplan.yaml` of a period) and the
assessment of each indicator against its target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ...formatting import round_half_away
from ...instrument import IndicatorValue
from ...schema import KeyProblem, Strict, load_yaml
from ...suppression import MIN_GROUP
from . import measures
from .contract import contract_labels

PLAN_FILE = "verksamhetsplan.yaml"
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
    # A survey instrument the registry finds, or one of the plan's own registers (`measures.sources`).
    kalla: str
    matt: str | None = None
    riktning: Literal["hogre", "lagre", "ingen"]
    malvarde: float | None = None
    utgangslage: Baseline | None = None
    fraga: str | None = None
    arskurs: str | None = None
    aldersgrupp: str | None = None
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
        sources = measures.sources()
        if self.kalla not in sources:
            raise KeyProblem(f"okänt värde; tillåtna är {', '.join(sources[:-1])} eller {sources[-1]}", "kalla")
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


# --- assessment -------------------------------------------------------------------------------

ACHIEVED, NOT_ACHIEVED, WITHIN_MARGIN, CANNOT_JUDGE = "Uppnått", "Inte uppnått", "Inom felmarginalen", "Kan inte bedömas"
SYMBOLS = {ACHIEVED: "✔", NOT_ACHIEVED: "✖", WITHIN_MARGIN: "≈", CANNOT_JUDGE: "?"}
CSS_CLASSES = {
    ACHIEVED: "bedomning-uppnatt",
    NOT_ACHIEVED: "bedomning-ej-uppnatt",
    WITHIN_MARGIN: "bedomning-felmarginal",
    CANNOT_JUDGE: "bedomning-kan-inte",
}


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
    if measures.instrument_source(spec.kalla) is not None and value.denominator is not None and value.denominator < MIN_GROUP:
        return Assessment(CANNOT_JUDGE, f"för få svar ({value.denominator})")
    target = spec.malvarde
    if value.interval is not None and value.interval[0] <= target <= value.interval[1]:
        return Assessment(WITHIN_MARGIN, "målvärdet ligger inom skattningens osäkerhetsintervall")
    # Judged on the value as shown (one decimal), so a reader's own check agrees.
    shown = round_half_away(value.value, 1)
    reached = shown >= target if spec.riktning == "hogre" else shown <= target
    return Assessment(ACHIEVED if reached else NOT_ACHIEVED)


VALUE_COLUMNS = ["id", "vilken", "period", "varde", "taljare", "namnare", "enhet", "lag", "hog", "not"]


def value_rows(spec: IndicatorSpec, value: IndicatorValue, which: str) -> dict:
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
