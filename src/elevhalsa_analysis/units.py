"""Unit-level figures for comparing school units without ranking them (issue 10).

Pure functions over the tables the loaders produce: per unit and indicator the count
(`events`), the denominator (`n`), whether small-group suppression hides the unit
(`dold`), and its funnel flag (`funnel.py`) against the municipal value. The
operations-plan `prepare` writes them as processed tables; the unit profiles
(`sections_units.py`) and the reports' funnel plots call the same functions, so a profile
and the report beside it cannot disagree.

A hidden unit is never plotted or flagged: its share could be read off the chart or
guessed from the flag. The funnels are therefore drawn from the shown units only.

Only one principal-survey question reaches a unit: access to the competences, an
organisational fact (`unit_level` in the codebook). Every other principal answer is one
identifiable person's opinion and is never read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from .funnel import Funnel, funnel
from .suppression import suppress

UP, DOWN = "avviker uppåt", "avviker nedåt"


class UnitNoun(NamedTuple):
    """What the pages call the units: a preschool is not a school unit."""

    singular: str
    plural: str
    code: str  # the code's name
    plural_genitive: str  # "skolenheternas profiler"


SCHOOL = UnitNoun("skolenhet", "skolenheter", "skolenhetskod", "skolenheternas")
PRESCHOOL = UnitNoun("förskola", "förskolor", "enhetskod", "förskolornas")
ANY_UNIT = UnitNoun("enhet", "enheter", "enhetskod", "enheternas")


def unit_noun(skolformer: Iterable[str]) -> UnitNoun:
    """Förskola when every unit is a preschool, skolenhet when none is, enhet for a mix."""
    preschool = {form == "Förskola" for form in skolformer}
    if preschool == {True}:
        return PRESCHOOL
    return ANY_UNIT if True in preschool else SCHOOL


def hidden_units(counts: Mapping[str, int]) -> dict[str, bool]:
    """Counts below a municipal total: hidden when 1–4, or as their complementary cell."""
    shown = suppress(dict(counts), sum(counts.values()))
    return {g: v is None for g, v in shown.items()}


def unit_funnel(frame: pd.DataFrame, target: float) -> Funnel | None:
    """The funnel of the shown units with a denominator (None if there are none)."""
    shown = frame[~frame["dold"].astype(bool) & (frame["n"] > 0)]
    if shown.empty:
        return None
    return funnel(
        pd.DataFrame(
            {"unit": shown["skolenhetskod"].to_numpy(), "n": shown["n"].to_numpy(), "events": shown["events"].to_numpy()}
        ),
        target,
    )


def with_flags(frame: pd.DataFrame, target: float) -> pd.DataFrame:
    """`frame` with the municipal value and each shown unit's funnel flag ("" otherwise)."""
    found = unit_funnel(frame, target)
    flags = {} if found is None else dict(zip(found.table["unit"], found.table["avvikelse"]))
    return frame.assign(kommun=target, avvikelse=[flags.get(c, "") for c in frame["skolenhetskod"]])


def unit_names(elevantal: pd.DataFrame | None, *others: pd.DataFrame | None) -> dict[str, str]:
    """Code → name, from enrolment first; a unit missing there keeps the name it came with."""
    names: dict[str, str] = {}
    for table in (*others, elevantal):
        if table is not None and "skolenhet" in table:
            names.update(dict(zip(table["skolenhetskod"].astype(str), table["skolenhet"].astype(str))))
    return names


def with_names(table: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """`table` with each unit's name and school form, as `listed` (skolenhetskod, skolenhet, skolform) gives them."""
    first = listed.astype({"skolenhetskod": str}).drop_duplicates("skolenhetskod").set_index("skolenhetskod")
    return table.assign(
        skolenhet=table["skolenhetskod"].map(first["skolenhet"]), skolform=table["skolenhetskod"].map(first["skolform"])
    )
