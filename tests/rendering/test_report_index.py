"""The reports' index page and its JSON: relative links, newest first, other periods kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from elevhalsa_analysis.errors import ElevhalsaError
from elevhalsa_analysis.report_index import read_index_entries, update_index, write_index
from html_page import Page


def _entry(period: str, end: str, label: str, synthetic: bool = False) -> dict:
    return {
        "period": period,
        "label": label,
        "end": end,
        "instrument": "rektorsenkat",
        "instrument_title": "Rektorsenkät",
        "ledning": f"{period}/rektorsenkat_ledning.html",
        "analys": f"{period}/rektorsenkat_analys.html",
        "run_date": "2024-11-05",
        "verdict": "Underlaget håller för analys: alla kontroller är godkända.",
        "synthetic": synthetic,
    }


def _links(page: Page) -> list[str]:
    return [a["href"] for a in page.all("a")]


def test_write_index_links_relatively_newest_first(tmp_path):
    reports = tmp_path / "reports"
    entries = [
        _entry("2024-04", "2024-04-30", "Våren 2024"),
        _entry("2024-10", "2024-10-31", "Hösten 2024 <test>", synthetic=True),
    ]
    for e in entries:
        for key in ("ledning", "analys"):
            (reports / e[key]).parent.mkdir(parents=True, exist_ok=True)
            (reports / e[key]).write_text("x", encoding="utf-8")

    index = write_index(reports, entries)

    assert index == reports / "index.html"
    raw = index.read_text(encoding="utf-8")
    page = Page(raw)
    assert page.all("html")[0].get("lang") == "sv"
    assert "<script" not in raw.lower() and not page.all("link")
    assert _links(page) == [
        "2024-10/rektorsenkat_ledning.html",
        "2024-10/rektorsenkat_analys.html",
        "2024-04/rektorsenkat_ledning.html",
        "2024-04/rektorsenkat_analys.html",
    ]
    for href in _links(page):
        assert not Path(href).is_absolute() and "://" not in href
        assert (reports / href).is_file()
    assert "Hösten 2024 <test>" in page.text and "<test>" not in raw  # escaped
    assert "2024-11-05" in page.text and "alla kontroller är godkända" in page.text
    assert "Syntetiska exempeldata" in page.text
    # The stylesheet is the template's, inlined.
    assert ".syntetisk" in raw and "@page" in raw

    again = tmp_path / "again"
    write_index(again, list(reversed(entries)))
    assert (again / "index.html").read_bytes() == index.read_bytes()
    assert (again / "index.json").read_bytes() == (reports / "index.json").read_bytes()


def test_write_index_makes_absolute_paths_relative(tmp_path):
    reports = tmp_path / "reports"
    entry = _entry("2024-10", "2024-10-31", "Hösten 2024")
    entry["ledning"] = reports / "2024-10" / "rektorsenkat_ledning.html"
    entry["run_date"] = dt.date(2024, 11, 5)
    write_index(reports, [entry])
    assert _links(Page((reports / "index.html").read_text(encoding="utf-8")))[0] == "2024-10/rektorsenkat_ledning.html"


def test_update_index_keeps_other_periods(tmp_path):
    reports = tmp_path / "reports"
    update_index(reports, "2024-04", [_entry("2024-04", "2024-04-30", "Våren 2024")])
    update_index(reports, "2024-10", [_entry("2024-10", "2024-10-31", "Hösten 2024")])
    rerun = _entry("2024-10", "2024-10-31", "Hösten 2024")
    rerun["run_date"] = "2024-12-01"
    update_index(reports, "2024-10", [rerun])

    entries = read_index_entries(reports)
    assert [(e["period"], e["run_date"]) for e in entries] == [("2024-10", "2024-12-01"), ("2024-04", "2024-11-05")]
    assert json.loads((reports / "index.json").read_text(encoding="utf-8"))["entries"] == entries
    text = Page((reports / "index.html").read_text(encoding="utf-8")).text
    assert "Våren 2024" in text and "2024-12-01" in text


def test_damaged_index_is_reported_in_swedish(tmp_path):
    (tmp_path / "index.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(ElevhalsaError, match="skadad"):
        read_index_entries(tmp_path)
