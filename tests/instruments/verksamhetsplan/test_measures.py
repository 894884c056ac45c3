"""The measures registry and its pure functions, on tables typed here by hand."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from elevhalsa_analysis.instrument import IndicatorValue
from elevhalsa_analysis.instruments.verksamhetsplan import measures as m
from elevhalsa_analysis.instruments.verksamhetsplan.plan import (
    ACHIEVED,
    CANNOT_JUDGE,
    NOT_ACHIEVED,
    WITHIN_MARGIN,
    IndicatorSpec,
    assess,
)


def spec(**kw):
    base = {
        "kalla": "franvaro",
        "matt": None,
        "grans": None,
        "termin": None,
        "dagar": None,
        "typ": None,
        "utovare": None,
        "skolform": None,
        "kpi": None,
        "fraga": None,
        "arskurs": None,
        "period": None,
    }
    return SimpleNamespace(**{**base, **kw})


def absence(rows):
    return pd.DataFrame(rows, columns=["elev", "skolenhetskod", "termin", "schemalagd", "giltig", "ogiltig"])


ABSENCE = absence(
    [
        ("a", "1", "HT 2024", 1000, 150, 50),  # 20 % exactly: counts at the threshold
        ("b", "1", "HT 2024", 1000, 100, 0),  # 10 %
        ("c", "1", "HT 2024", 600, 60, 0),  # moved: 60 + 150 of 600 + 400 = 21 %, but 10 % in unit 1 …
        ("c", "2", "HT 2024", 400, 150, 0),  # … and 37,5 % in unit 2
        ("d", "2", "HT 2024", None, 30, 0),  # no scheduled time: left out and counted
        ("a", "1", "VT 2024", 1000, 300, 0),
        ("b", "1", "VT 2024", 1000, 250, 0),
        ("c", "1", "VT 2024", 1000, 100, 0),
    ]
)


def sources(**tables):
    return m.Sources("2024", Path("/nonexistent"), 2024, "0581", tables)


def test_threshold_counts_at_or_above_and_a_mover_once():
    v = m.evaluate(spec(matt="andel_minst", grans=20, termin="HT"), sources(franvaro=ABSENCE))
    assert (v.numerator, v.denominator) == (2, 3)  # a (20 %) and c (21 % over both units)
    assert v.value == pytest.approx(200 / 3)
    assert "1 rader utan schemalagd tid" in v.note


def test_a_mover_counts_in_each_unit_for_unit_figures():
    per_unit = m.high_absence(ABSENCE, 20, "HT 2024", by=["skolenhetskod"]).set_index("skolenhetskod")
    assert per_unit.loc["1"].tolist() == [3, 1]  # a, b, c in unit 1; only a is high there
    assert per_unit.loc["2"].tolist() == [1, 1]  # c at 37,5 %


def test_repeated_high_absence_needs_both_terms():
    v = m.evaluate(spec(matt="andel_minst_bada_terminerna", grans=20), sources(franvaro=ABSENCE))
    # a: 30 % and 20 %; b: 25 % and 10 %; c: 10 % and 21 % → only a in both.
    assert (v.numerator, v.denominator) == (1, 3)


def test_terms_sort_vt_before_ht():
    assert m.terms(ABSENCE) == ["VT 2024", "HT 2024"]
    assert m.latest_term(ABSENCE, "VT") == "VT 2024"


REPORTS = pd.DataFrame(
    {
        "arende": ["1", "2", "3", "4", "5"],
        "skolenhetskod": ["1", "1", "2", "2", "9"],
        "anmald": pd.to_datetime(["2024-01-10", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-02"]),
        "till_huvudman": pd.to_datetime(["2024-01-10", "2024-02-11", None, "2024-04-03", "2024-05-02"]),
        "typ": ["Kränkande behandling", "Trakasserier", "Kränkande behandling", "Kränkande behandling", "Sexuella trakasserier"],
        "utovare": ["Elev", "Personal", "Elev", "Okänd", "Elev"],
        "status": ["Avslutad", "Avslutad", "Utreds", "Avslutad", "Anmäld"],
        "avslutad": pd.to_datetime(["2024-01-20", "2024-03-02", None, None, None]),
    }
)
ENROLMENT = pd.DataFrame(
    {
        "skolenhetskod": ["1", "1", "2"],
        "skolform": ["Grundskola", "Grundskola", "Gymnasieskola"],
        "arskurs": ["Åk 1", "Åk 2", "Gy 1"],
        "antal": [100.0, 100.0, 50.0],
    }
)


def test_reports_per_100_students_with_filters():
    v = m.evaluate(spec(kalla="krankningar", matt="per_100_elever"), sources(krankningar=REPORTS, elevantal=ENROLMENT))
    assert (v.numerator, v.denominator, v.value) == (5, 250, 2.0)
    staff = m.evaluate(
        spec(kalla="krankningar", matt="per_100_elever", utovare="Personal"), sources(krankningar=REPORTS, elevantal=ENROLMENT)
    )
    assert (staff.numerator, staff.denominator) == (1, 250)
    gy = m.evaluate(
        spec(kalla="krankningar", matt="per_100_elever", skolform="Gymnasieskola"),
        sources(krankningar=REPORTS, elevantal=ENROLMENT),
    )
    assert (gy.numerator, gy.denominator) == (2, 50)


def test_closing_and_time_to_principal():
    src = sources(krankningar=REPORTS)
    closed = m.evaluate(spec(kalla="krankningar", matt="andel_avslutade"), src)
    assert (closed.numerator, closed.denominator) == (3, 5)
    median = m.evaluate(spec(kalla="krankningar", matt="median_dagar_till_avslut"), src)
    assert (median.value, median.denominator) == (20.0, 2)  # 10 and 30 days (leap year); one closed without a date
    to_principal = m.evaluate(spec(kalla="krankningar", matt="median_dagar_till_huvudman"), src)
    assert (to_principal.value, to_principal.denominator) == (1.0, 4)  # 0, 10, 2, 0
    within = m.evaluate(spec(kalla="krankningar", matt="andel_till_huvudman_inom", dagar=7), src)
    assert (within.numerator, within.denominator) == (3, 5)


def test_missing_table_names_the_file_it_needs():
    v = m.evaluate(spec(matt="andel_minst", grans=20, termin="HT"), sources())
    assert v.value is None and v.note == "uppgift saknas: franvaro.xlsx eller franvaro.csv i mappen 2024 behövs"
    needs_enrolment = m.evaluate(
        spec(kalla="krankningar", matt="andel_avslutade", skolform="Grundskola"), sources(krankningar=REPORTS)
    )
    assert "elevantal.csv" in needs_enrolment.note


def test_kolada_null_is_missing_never_zero():
    kolada = pd.DataFrame(
        {"kpi": ["N1", "N1"], "kommun": ["0581", "0581"], "ar": [2024, 2023], "kon": ["T", "T"], "varde": [None, 70.5]}
    ).astype({"varde": float})
    v = m.evaluate(spec(kalla="kolada", kpi="N1"), sources(kolada=kolada))
    assert v.value is None and "N1" in v.note
    assert m.kolada_value(kolada, "N1", "0581", 2023) == 70.5


def test_survey_without_its_files_says_which(tmp_path):
    src = m.Sources("2024", tmp_path, 2024, "0581", {})
    v = m.evaluate(spec(kalla="elevenkat", fraga="trygg_i_skolan", arskurs="Åk 8", period="2024-04"), src)
    assert v.value is None and v.note == "uppgift saknas: elevenkat.xlsx/.csv/.sav i mappen 2024-04 behövs"
    v = m.evaluate(spec(kalla="rektorsenkat", fraga="samsyn_eht", period="2024-10"), src)
    assert v.note == "uppgift saknas: rektorsenkat.xlsx/.csv i mappen 2024-10 behövs"


def test_unknown_measure_is_a_clear_error():
    with pytest.raises(KeyError, match="okänt mått «franvaro.medel»; kända: .*franvaro.andel_minst"):
        m.get("franvaro.medel")


def _indicator(**kw) -> IndicatorSpec:
    base = {"id": "x", "namn": "X", "kalla": "franvaro", "matt": "andel_minst", "grans": 20, "termin": "HT", "riktning": "lagre"}
    return IndicatorSpec(**{**base, **kw})


def value(v, interval=None, den=100):
    return IndicatorValue(v, None, den, "%", "2024", interval)


def test_assessment_never_judges_without_data_or_direction():
    assert assess(_indicator(malvarde=8), value(None)).word == CANNOT_JUDGE
    ingen = _indicator(kalla="krankningar", matt="per_100_elever", grans=None, termin=None, riktning="ingen")
    assert assess(ingen, IndicatorValue(3.0, 30, 1000, m.PER_100, "2024")).word == CANNOT_JUDGE
    assert assess(_indicator(), value(5.0)).reason == "planen anger inget målvärde"


def test_assessment_by_direction_and_margin():
    assert assess(_indicator(malvarde=8), value(8.04)).word == ACHIEVED  # shown as 8,0 %
    assert assess(_indicator(malvarde=8), value(8.06)).word == NOT_ACHIEVED
    survey = _indicator(
        kalla="elevenkat", matt=None, grans=None, termin=None, fraga="trygg_i_skolan", riktning="hogre", malvarde=90
    )
    assert assess(survey, value(88.0, (85.0, 91.0))).word == WITHIN_MARGIN
    assert assess(survey, value(95.0, (92.0, 97.0))).word == ACHIEVED
    assert assess(survey, value(100.0, den=4)).word == CANNOT_JUDGE


def test_repeated_high_absence_when_a_term_has_no_scheduled_time():
    rows = pd.DataFrame(
        {
            "termin": ["VT 2024", "HT 2024"],
            "elev": ["a", "a"],
            "schemalagd": [float("nan"), 1000.0],
            "giltig": [float("nan"), 300.0],
            "ogiltig": [float("nan"), 0.0],
        }
    )
    assert m.repeated_high_absence(rows, 15, "VT 2024", "HT 2024") == (0, 0)
