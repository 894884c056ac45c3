"""Period folders and their period.yaml."""

from __future__ import annotations

import pytest

from contract_files import write_period
from elevhalsa_analysis.periods import list_periods, load_period_meta


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
