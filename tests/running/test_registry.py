"""The registry finds every instrument folder by itself, in the order the reports list them."""

from __future__ import annotations

import pkgutil

import pytest

from elevhalsa_analysis import instruments
from elevhalsa_analysis.config import DATA_DIR
from elevhalsa_analysis.registry import all_instruments, get, present_in


def test_every_folder_under_instruments_is_an_instrument_under_its_name():
    folders = {m.name for m in pkgutil.iter_modules(instruments.__path__)}
    assert {i.name for i in all_instruments()} == folders
    assert all(get(name).name == name for name in folders)


def test_instruments_come_in_their_declared_order():
    found = all_instruments()
    assert [(i.order, i.name) for i in found] == sorted((i.order, i.name) for i in found)
    assert found[0].name == "rektorsenkat"


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="okänt instrument 'enkat'; kända: elevenkat, rektorsenkat"):
        get("enkat")


def test_present_names_the_instruments_whose_files_a_period_holds(tmp_path):
    assert present_in(tmp_path) == []
    assert [i.name for i in present_in(DATA_DIR / "raw" / "2024-10")] == ["rektorsenkat"]
