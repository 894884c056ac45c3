"""Shared loading: period folders and their period.yaml, timestamps as the export tools write them."""

from __future__ import annotations

import pandas as pd
import pytest

from contract_files import write_period
from elevhalsa_analysis.loaders import list_periods, load_period_meta, parse_timestamps


@pytest.mark.parametrize(
    "label, shown",
    [("2024", "2024"), ("2024-10-31", "2024-10-31"), ('"2024"', "2024"), ("juni–oktober 2024", "juni–oktober 2024")],
)
def test_a_label_yaml_types_as_a_number_or_date_is_read_as_written(tmp_path, label, shown):
    write_period(tmp_path, label=label)
    assert load_period_meta(tmp_path).label == shown


def test_period_order_follows_end_not_folder_name(tmp_path):
    data = tmp_path / "data"
    write_period(data / "raw" / "b-first", "första", "2023-01-01", "2023-06-30")
    write_period(data / "raw" / "a-second", "andra", "2024-01-01", "2024-06-30")
    assert [p for p, _ in list_periods(data)] == ["b-first", "a-second"]


def test_timestamps_swedish_and_english_forms():
    parsed = parse_timestamps(pd.Series(["2024-09-12 14:03", "9/12/2024 2:03:11 PM", "", "igår"]))
    assert parsed.iloc[0] == pd.Timestamp("2024-09-12 14:03")
    assert parsed.iloc[1] == pd.Timestamp("2024-09-12 14:03:11")
    assert parsed.iloc[2:].isna().all()
