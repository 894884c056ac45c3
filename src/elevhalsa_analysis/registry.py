"""The instruments, found in the `instruments` subpackage: one module or folder each.

The registry knows no instrument by name: every module under
`instruments/` that defines `INSTRUMENT` is one, so adding an instrument is adding its
module, as kedro finds pipelines and papermill its engines. (The operations plan, which takes
figures from the surveys, asks the registry for them by the names its plan gives.)
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from . import instruments as package
from .instrument import Instrument


@cache
def _loaded() -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        instrument = getattr(importlib.import_module(f"{package.__name__}.{module.name}"), "INSTRUMENT", None)
        if isinstance(instrument, Instrument):
            found[instrument.name] = instrument
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def get(name: str) -> Instrument:
    try:
        return _loaded()[name]
    except KeyError:
        raise KeyError(f"okänt instrument {name!r}; kända: {', '.join(sorted(_loaded()))}") from None


def all_instruments() -> list[Instrument]:
    return list(_loaded().values())


def present_in(period_dir: Path) -> list[Instrument]:
    return [i for i in all_instruments() if i.present(period_dir)]
