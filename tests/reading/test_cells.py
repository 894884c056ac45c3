"""Cell values as the export tools write them."""

from __future__ import annotations

import pandas as pd

from elevhalsa_analysis.cells import parse_timestamps


def test_timestamps_swedish_and_english_forms():
    parsed = parse_timestamps(pd.Series(["2024-09-12 14:03", "9/12/2024 2:03:11 PM", "", "igår"]))
    assert parsed.iloc[0] == pd.Timestamp("2024-09-12 14:03")
    assert parsed.iloc[1] == pd.Timestamp("2024-09-12 14:03:11")
    assert parsed.iloc[2:].isna().all()
