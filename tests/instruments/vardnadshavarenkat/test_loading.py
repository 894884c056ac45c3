"""The preschool guardian survey's loading (data-contract-forskola.md): the three export
formats, the gate's stops, identifying columns dropped, and the plan's indicator. Input files
are typed from the contract (`contract_files.py`, `guardian_files.py`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from contract_files import FIVE, GUARDIAN_Q, write_guardian_common, write_guardian_csv, write_guardian_xlsx
from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.vardnadshavarenkat import INSTRUMENT
from elevhalsa_analysis.instruments.vardnadshavarenkat.loading import load_preschool_period
from elevhalsa_analysis.periods import list_periods
from guardian_files import AGREE, EMAIL, PERIOD, responses

CB = load_codebook("vardnadshavarenkat")


def write_sav(folder: Path, rows: list[dict]) -> None:
    """Short names, questions as variable labels, coded answers (6 Vet ej), 9 "Vill inte svara" user-missing."""
    codes = {lbl: i for i, lbl in enumerate(FIVE, 1)}
    data = {
        "ID": [r["id"] for r in rows],
        "Enhetskod": [r["unit"] for r in rows],
        "Barnets_alder": [float(r["age"].split()[0]) for r in rows],
    }
    for i, qid in enumerate(list(GUARDIAN_Q)[:-1], 1):
        data[f"q{i}"] = [float(codes.get(r[qid], 9)) for r in rows]
    data["q8"] = [r["kommentar"] for r in rows]
    answers = {**{float(c): lbl for lbl, c in codes.items()}, 9.0: "Vill inte svara"}
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(folder / "vardnadshavarenkat.sav"),
        column_labels={"Barnets_alder": "Barnets ålder", **{f"q{i}": t for i, t in enumerate(GUARDIAN_Q.values(), 1)}},
        variable_value_labels={
            "Barnets_alder": {float(a): f"{a} år" for a in range(1, 6)},
            **{f"q{i}": answers for i in range(1, 8)},
        },
        missing_ranges={f"q{i}": [9] for i in range(1, 8)},
    )


def load(data: Path):
    return load_preschool_period(CB, PERIOD, dict(list_periods(data))[PERIOD], data)


def tables(loaded) -> dict[str, pd.DataFrame]:
    out = {}
    for by in (["aldersgrupp"], ["aldersgrupp", "skolenhetskod"]):
        g = ind.grouped(loaded.long, loaded.version, by)
        key = ["question", *by]
        out["/".join(by)] = g.summary.astype({k: str for k in key}).sort_values(key).reset_index(drop=True)
        out["/".join(by) + ":n"] = (
            g.counts.astype({k: str for k in [*key, "answer"]}).sort_values([*key, "answer"]).reset_index(drop=True)
        )
    out["enheter"] = loaded.units.astype(str).sort_values(["skolenhetskod", "aldersgrupp"]).reset_index(drop=True)
    return out


def test_xlsx_csv_and_sav_give_identical_tables(tmp_path):
    rows = responses()
    loaded = {}
    for fmt, writer in (("xlsx", write_guardian_xlsx), ("csv", write_guardian_csv), ("sav", write_sav)):
        data = tmp_path / fmt / "data"
        write_guardian_common(data / "raw" / PERIOD)
        writer(data / "raw" / PERIOD, rows)
        loaded[fmt] = tables(load(data))
    for name, table in loaded["xlsx"].items():
        pd.testing.assert_frame_equal(table, loaded["csv"][name], obj=f"csv {name}")
        pd.testing.assert_frame_equal(table, loaded["sav"][name], obj=f"sav {name}")
    # And the tables hold what was written: the headline of one age group counted here.
    summary = loaded["xlsx"]["aldersgrupp"].set_index(["question", "aldersgrupp"])
    young = [r for r in rows if r["group"] == "1–3 år"]
    assert summary.at[("tryggt", "1–3 år"), "headline"] == sum(r["tryggt"] in AGREE for r in young)
    assert summary.at[("tryggt", "1–3 år"), "answered"] == sum(r["tryggt"] in FIVE[:5] for r in young)


def test_an_unknown_age_group_in_barnantal_stops_the_run(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD, age_groups={("22222222", "4–5 år"): "yngre"})
    write_guardian_xlsx(data / "raw" / PERIOD, responses())
    with pytest.raises(DataError) as err:
        load(data)
    assert "Okänd åldersgrupp" in str(err.value) and "«yngre»" in str(err.value) and "barnantal.csv" in str(err.value)


def test_identifying_columns_are_dropped_with_a_note(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD)
    write_guardian_xlsx(data / "raw" / PERIOD, responses(), extra={"E-post": EMAIL, "IP-adress": "192.0.2.7"})
    loaded = load(data)
    assert EMAIL not in loaded.long.to_csv() and "192.0.2.7" not in loaded.long.to_csv()
    notes = [c for c in loaded.checks if "E-post" in str(c.observed) or "E-post" in " ".join(c.values)]
    assert notes, [c.summary() for c in loaded.checks]


def test_the_plans_indicator_is_the_estimate_of_all_children(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD)
    write_guardian_xlsx(data / "raw" / PERIOD, responses())
    value = INSTRUMENT.indicator(PERIOD, data, "tryggt")
    rows = responses()
    assert (value.numerator, value.denominator) == (
        sum(r["tryggt"] in AGREE for r in rows),
        sum(r["tryggt"] in FIVE[:5] for r in rows),
    )
    assert value.interval[0] < value.value < value.interval[1]
    young = INSTRUMENT.indicator(PERIOD, data, "tryggt", aldersgrupp="1-3")
    assert young.denominator == sum(r["tryggt"] in FIVE[:5] for r in rows if r["group"] == "1–3 år")
    with pytest.raises(DataError, match="yngre"):
        INSTRUMENT.indicator(PERIOD, data, "tryggt", aldersgrupp="yngre")
