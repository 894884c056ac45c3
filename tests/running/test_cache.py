"""Earlier periods kept between runs: used while nothing they depend on changed, never after."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from contract_files import copy_sample
from elevhalsa_analysis import cache
from elevhalsa_analysis.instruments.rektorsenkat import PrincipalSurvey
from elevhalsa_analysis.registry import get

# Every test loads and checks whole periods through the gate: left out of `make test-fast`.
pytestmark = pytest.mark.slow

PERIOD = "2024-10"


def fresh_instrument(loaded: list[str]) -> PrincipalSurvey:
    """The principal survey as a new process sees it (nothing in memory); records what it reads.

    Its `prepare` keeps what it loaded on disk, as a successful run does (`cache.commit`).
    """
    registered = get("rektorsenkat")
    inst = PrincipalSurvey("rektorsenkat", registered.notebook)
    read, prepare = inst.load_period, inst.prepare

    def recording(period, *args):
        loaded.append(period)
        return read(period, *args)

    def prepare_and_commit(*args):
        prepared = prepare(*args)
        cache.commit()
        return prepared

    inst.load_period = recording
    inst.prepare = prepare_and_commit
    return inst


def cache_files(data: Path) -> list[Path]:
    return sorted((data / "processed" / cache.CACHE_FOLDER / "rektorsenkat").glob("*.pickle"))


@pytest.fixture()
def data(tmp_path) -> Path:
    return copy_sample(tmp_path)


def test_history_comes_from_the_cache_and_gives_the_same_tables(data):
    first, second = [], []
    before = fresh_instrument(first).prepare(PERIOD, data)
    assert sorted(first) == ["2023-10", "2024-10", "2025-10"]
    assert len(cache_files(data)) == 3

    after = fresh_instrument(second).prepare(PERIOD, data)
    assert second == [PERIOD]  # the run's own period is always read and checked
    for name, table in before.tables.items():
        pd.testing.assert_frame_equal(after.tables[name], table)
    assert [c.to_dict() for c in after.checks] == [c.to_dict() for c in before.checks]


def test_a_changed_history_file_is_read_again(data):
    fresh_instrument([]).prepare(PERIOD, data)
    export = data / "raw" / "2023-10" / "rektorsenkat.csv"
    rows = list(csv.reader(io.StringIO(export.read_text(encoding="cp1252")), delimiter=";"))
    question = rows[0][5]
    row = next(r for r in rows[1:] if r[5] == "Nej")
    row[5] = "Ja"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    export.write_text(out.getvalue(), encoding="cp1252")

    loaded = []
    prepared = fresh_instrument(loaded).prepare(PERIOD, data)
    assert "2023-10" in loaded
    svar = prepared.tables["svar"]
    earlier = svar[(svar["period"] == "2023-10") & (svar["question"] == svar["question"].iloc[0])]
    assert question.startswith("Har du tagit del")
    # 5 av 18 in the sample, one more now that a Nej became Ja.
    assert int((earlier["answer"] == "Ja").sum()) == 6
    assert len([p for p in cache_files(data) if p.name.startswith("2023-10.")]) == 1  # the old entry is gone


def test_changed_code_reads_every_period_again(data, monkeypatch):
    fresh_instrument([]).prepare(PERIOD, data)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another version of the package")
    loaded = []
    fresh_instrument(loaded).prepare(PERIOD, data)
    assert sorted(loaded) == ["2023-10", "2024-10", "2025-10"]


def test_an_unreadable_cache_file_is_only_a_miss(data):
    fresh_instrument([]).prepare(PERIOD, data)
    for path in cache_files(data):
        path.write_bytes(b"not a pickle")
    loaded = []
    prepared = fresh_instrument(loaded).prepare(PERIOD, data)
    assert sorted(loaded) == ["2023-10", "2024-10", "2025-10"]
    assert not [c for c in prepared.checks if c.id.startswith("historik:")]


def test_a_period_that_fails_is_not_kept(data):
    (data / "raw" / "2023-10" / "rektorsenkat.csv").write_text("ID;Email\n1;x\n", encoding="utf-8")
    prepared = fresh_instrument([]).prepare(PERIOD, data)
    assert [c.id for c in prepared.checks if c.id.startswith("historik:")] == ["historik:2023-10"]
    assert not [p for p in cache_files(data) if p.name.startswith("2023-10.")]


def test_nothing_loaded_reaches_the_disk_before_a_commit(data):
    registered = get("rektorsenkat")
    PrincipalSurvey("rektorsenkat", registered.notebook).prepare(PERIOD, data)
    assert cache_files(data) == []
    cache.discard()
    cache.commit()
    assert cache_files(data) == []  # what a failed run loaded is forgotten
