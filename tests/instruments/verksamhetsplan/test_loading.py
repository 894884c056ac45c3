"""The operations-plan follow-up's loading: the plan's schema, the register loaders and their
figures counted independently here, and realistic variants of the registers.

The data folder is written by `plan_files.py` (not by the sample generator), with what the
contract allows: personnummer in every usual form, a student who moved units mid-term, a
row without scheduled time, comma decimals, children's names and report descriptions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sample_verksamhetsplan as sample
from check_notes import notes
from contract_files import ABSENCE_HEADER, POPULATION_HEADER, REPORT_HEADER, write_csv, write_xlsx
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.verksamhetsplan import PlanInstrument
from elevhalsa_analysis.instruments.verksamhetsplan.period import load_plan_period
from elevhalsa_analysis.instruments.verksamhetsplan.plan import load_plan
from elevhalsa_analysis.instruments.verksamhetsplan.registers import normalize_personnummer
from elevhalsa_analysis.periods import list_periods
from elevhalsa_analysis.registry import get
from plan_files import (
    REPORT_DATES,
    SECRET,
    UNITS,
    absence_rows,
    forms,
    plan_text,
    report_rows,
    students,
    write_data,
)

SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "000_9bb0558aa624b247.txt"


# --- independent counts ------------------------------------------------------------------------


def expected_absence(term: str, limit: int) -> tuple[int, int]:
    """(students at or above `limit` %, students with scheduled time): the mover once, minutes summed."""
    high = sum(1 for s in students() if s[term] * 100 >= limit * 1000)
    return high, len(students())


def expected_both(limit: int) -> int:
    return sum(1 for s in students() if s["VT"] * 100 >= limit * 1000 and s["HT"] * 100 >= limit * 1000)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return PlanInstrument().prepare("2024", write_data(tmp_path_factory.mktemp("plan")))


def values(prepared) -> dict[str, pd.Series]:
    table = prepared.tables["indikatorer"]
    return {r["id"]: r for r in table[table["vilken"] == "aktuell"].to_dict("records")}


def test_absence_indicators_match_an_independent_count(prepared):
    v = values(prepared)
    assert (v["hog_ht"]["taljare"], v["hog_ht"]["namnare"]) == expected_absence("HT", 20)
    assert (v["hog_vt"]["taljare"], v["hog_vt"]["namnare"]) == expected_absence("VT", 15)
    assert (v["bada"]["taljare"], v["bada"]["namnare"]) == (expected_both(15), len(students()))
    assert "1 rader utan schemalagd tid" in v["hog_ht"]["not"]


def test_one_child_one_pseudonym_across_forms(prepared):
    franvaro = prepared.tables["franvaro"]
    assert franvaro["elev"].nunique() == len(students()) + 1  # and the row without scheduled time
    mover = franvaro[franvaro["termin"] == "HT 2024"].groupby("elev")["skolenhetskod"].nunique()
    assert (mover == 2).sum() == 1


def test_report_indicators_match_an_independent_count(prepared):
    v = values(prepared)
    counted = [r for r in REPORT_DATES if r[0] >= "2024-01-01"]
    students_total = 100 + 100 + 8
    assert (v["anm"]["taljare"], v["anm"]["namnare"]) == (len(counted), students_total)
    assert v["anm_personal"]["taljare"] == sum(r[4] == "Personal" for r in counted)
    assert (v["avslutade"]["taljare"], v["avslutade"]["namnare"]) == (sum(r[2] == "Avslutad" for r in counted), len(counted))
    days = sorted((dt.date.fromisoformat(c) - dt.date.fromisoformat(d)).days for d, _, st, c, *_ in counted if st == "Avslutad")
    assert v["dagar"]["varde"] == pd.Series(days).median()
    to_principal = [(dt.date.fromisoformat(h) - dt.date.fromisoformat(d)).days for d, h, *_ in counted if h]
    assert v["huvudman"]["varde"] == pd.Series(to_principal).median()
    assert v["inom"]["taljare"] == sum(x <= 3 for x in to_principal)


def test_missing_sources_say_uppgift_saknas(prepared):
    v = values(prepared)
    assert pd.isna(v["trygga"]["varde"]) and "elevenkat" in v["trygga"]["not"] and "2024-04" in v["trygga"]["not"]
    assert pd.isna(v["examen"]["varde"]) and "kolada.json" in v["examen"]["not"]


def test_no_personal_data_in_prepared_tables(prepared):
    dump = pd.concat([t.astype(str) for t in prepared.tables.values()]).to_csv()
    for s in students():
        assert s["name"] not in dump
        for form in forms(s["pnr"]):
            assert form not in dump
    assert SECRET not in dump
    comment = prepared.tables["insatser"].set_index("insats").at["insats_1", "kommentar"]
    assert comment == "Klart. Se [namn], [personnummer]."


def test_absence_above_schedule_stops_and_names_the_row_not_the_child(tmp_path):
    data = write_data(tmp_path)
    path = data / "raw" / "2024" / "franvaro.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active.cell(row=4, column=8).value = 5000
    wb.save(path)
    with pytest.raises(DataError) as err:
        PlanInstrument().prepare("2024", data)
    assert "Frånvaro över den schemalagda tiden" in str(err.value) and list(err.value.rows) == ["4"]
    for s in students():
        assert s["name"] not in str(err.value) and s["pnr"][2:8] not in str(err.value)


def test_year_groups_are_read_as_the_student_survey_reads_them(tmp_path):
    # One reader of year groups for both instruments (loaders.normalize_arskurs).
    data = write_data(tmp_path)
    forms = ["6", "åk6", "ÅK 6", "Årskurs 6", "Åk\u00a06", "klass 6"]
    write_csv(
        data / "raw" / "2024" / "elevantal.csv",
        POPULATION_HEADER,
        [[c, n, f, forms[i % len(forms)], 100 if f == "Grundskola" else 8] for i, (c, n, f) in enumerate(UNITS)],
        sep=",",
        encoding="utf-8",
    )
    assert set(PlanInstrument().prepare("2024", data).tables["elevantal"]["arskurs"]) == {"Åk 6"}

    write_csv(
        data / "raw" / "2024" / "elevantal.csv",
        POPULATION_HEADER,
        [[c, n, f, "sexan" if i == 1 else "Åk 6", 100] for i, (c, n, f) in enumerate(UNITS)],
        sep=",",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        PlanInstrument().prepare("2024", data)
    message = str(err.value)
    assert "Okänd årskurs" in message and "sexan" in message and "elevantal.csv" in message and "3" in list(err.value.rows)


@pytest.mark.parametrize(
    "edit,key,marker,nth",
    [
        (lambda t: t.replace("  malvarde: 30\n", "  malvarde: 30\n  malvärde: 3\n", 1), "indikatorer.0.malvärde", "malvärde", 0),
        (lambda t: t.replace("kalla: franvaro", "kalla: frånvaro", 1), "indikatorer.0.kalla", "kalla: frånvaro", 0),
        (lambda t: t.replace("matt: andel_minst\n", "matt: medel\n", 1), "indikatorer.0.matt", "medel", 0),
        (lambda t: t.replace("id: hog_vt", "id: hog_ht", 1), "indikatorer.1.id", "id: hog_ht", 1),
        (lambda t: t.replace("  - hog_ht\n", "  - hog_hx\n", 1), "insatser.0.indikatorer.0", "hog_hx", 0),
        # A missing key: the line of the indicator that lacks it.
        (lambda t: t.replace("  grans: 20\n", "", 1), "indikatorer.0.grans", "id: hog_ht", 0),
    ],
)
def test_plan_errors_name_key_and_line(tmp_path, edit, key, marker, nth):
    folder = tmp_path / "p"
    folder.mkdir()
    text = edit(plan_text())
    (folder / "verksamhetsplan.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(folder)
    line = [i for i, row in enumerate(text.splitlines(), 1) if marker in row][nth]
    assert f"på rad {line}, nyckel «{key}»" in str(err.value)


@pytest.mark.slow
def test_sample_plans_hold_the_seeds_ten_insatser_word_for_word(tmp_path):
    sample.write_sample_data(tmp_path)
    if SEED.is_file():
        bullets = [
            line.strip().lstrip("•").strip()
            for line in SEED.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("•")
        ]
    else:
        pytest.skip("shared/seeds saknas")
    for year in ("2023", "2024"):
        plan = load_plan(tmp_path / year)
        assert [i.text for i in plan.insatser] == bullets


@pytest.mark.slow
def test_sample_personnummer_fail_the_check_digit(tmp_path):
    sample.write_sample_data(tmp_path)
    numbers = pd.read_csv(tmp_path / "2024" / "franvaro.csv", sep=";", encoding="cp1252", dtype=str)["Personnummer"]
    digits = numbers.str.replace(r"[\s\-+]", "", regex=True).str[-10:]
    assert len(digits) > 15000
    assert all(sample.luhn_digit(d[:9]) != int(d[9]) for d in digits)


@given(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2024, 12, 31)), st.integers(0, 9999))
def test_every_written_form_of_a_personnummer_is_one_child(day, serial):
    number = f"{day:%Y%m%d}{serial:04d}"
    assert {normalize_personnummer(f, 2024) for f in forms(number)} == {number}


@pytest.mark.slow
def test_sample_follow_ups_prepare_with_every_status(tmp_path):
    raw = tmp_path / "data" / "raw"
    sample.write_sample_data(raw)
    prepared = PlanInstrument().prepare("2024", raw.parent)
    assert set(prepared.tables["perioder"]["period"]) == {"2023", "2024"}
    statuses = set(prepared.tables["insatser"]["status"])
    statuses |= set(PlanInstrument().prepare("2023", raw.parent).tables["insatser"]["status"])
    assert statuses == {"Ej påbörjad", "Påbörjad", "Genomförd", "Avbruten"}
    assert 8000 < prepared.tables["elevantal"]["antal"].sum() < 10000


def plan(data: Path):
    return load_plan_period("2024", dict(list_periods(data))["2024"], data, b"salt")


def rewrite(path: Path, header, rows, sep=";", encoding="cp1252") -> None:
    write_csv(path, header, rows, sep=sep, encoding=encoding)


def test_a_year_without_reports_is_a_count_of_zero(tmp_path):
    data = write_data(tmp_path)
    rewrite(data / "raw" / "2024" / "krankningar.csv", REPORT_HEADER, [])
    prepared = get("verksamhetsplan").prepare("2024", data)
    anm = prepared.tables["indikatorer"].set_index("id").loc["anm"]
    assert (anm["varde"], anm["taljare"], anm["namnare"]) == (0.0, 0, 208)
    assert not [c for c in prepared.checks if c.severity == "blockerande" and not c.passed]


def test_insatser_without_rows_are_each_ingen_uppgift(tmp_path):
    data = write_data(tmp_path, insatser=False)
    write_xlsx(data / "raw" / "2024" / "insatser.xlsx", ["insats", "status", "ansvarig", "kommentar"], [])
    pp = plan(data)
    assert pp.tables["insatser"].empty
    assert [c for c in pp.checks if c.id == "insatser:utan_rad" and not c.passed]


def test_report_dates_as_excel_serials_and_codes_without_zeros_are_read_with_notes(tmp_path):
    data = write_data(tmp_path, franvaro=False)
    folder = data / "raw" / "2024"
    rows = report_rows()
    rows[0][2] = "45323"  # 2024-02-01 as a number
    rows[0][1] = rows[0][1].lstrip("1")  # not a lost zero: 10000001 → 0000001 (seven digits)
    rewrite(folder / "krankningar.csv", REPORT_HEADER, rows)
    pp = plan(data)
    table = pp.tables["krankningar"]
    assert table.loc[table["arende"] == "KB-1", "anmald"].iloc[0] == pd.Timestamp("2024-02-01")
    found = notes(pp.checks)
    assert "«45323» som 2024-02-01" in found["krankningar:seriedatum:anmald"]
    assert "«0000001» som 00000001" in found["krankningar:kod_utfylld"]
    # The padded code is a unit elevantal.csv does not list: a warning that quotes the file.
    unknown = next(c for c in pp.checks if c.id == "krankningar:okand_enhet")
    assert unknown.values == ["0000001"] and unknown.rows == ["2"]
    assert not [c for c in pp.tables if c.endswith("(i filen)")]
    assert not [c for t in pp.tables.values() for c in t.columns if "(i filen)" in c]


def test_a_percentage_in_a_minutes_column_is_quoted_as_written(tmp_path):
    data = write_data(tmp_path, franvaro=False)
    rows = absence_rows()
    rows[4][7] = "12,5 %"
    rewrite(
        data / "raw" / "2024" / "franvaro.csv",
        ABSENCE_HEADER,
        rows,
    )
    with pytest.raises(DataError) as err:
        plan(data)
    e = err.value
    assert (Path(e.file).name, e.column, e.value, list(e.rows)) == ("franvaro.csv", "Giltig frånvaro (min)", "12,5 %", ["6"])


@pytest.mark.parametrize(
    "written, read",
    [
        ("20120315-T123", "20120315T123"),
        ("120315-R123", "20120315R123"),
        ("20120315TF01", "20120315TF01"),
        ("120375-1234", "201203751234"),  # samordningsnummer: day + 60
    ],
)
def test_reservnummer_and_samordningsnummer_are_a_childs_identity(written, read):
    assert normalize_personnummer(written, 2024) == read


@pytest.mark.parametrize("written", ["Kim Ek", "20121315-T123", "2012031-T12", "T123"])
def test_what_is_no_identity_number_is_still_refused(written):
    assert normalize_personnummer(written, 2024) is None


def test_reservnummer_in_the_absence_register_are_pseudonymised(tmp_path):
    data = write_data(tmp_path, franvaro=False)
    rows = absence_rows()
    for row in rows[:2]:  # one child, both terms, with a school's temporary number
        row[0] = "20120101-T001"
    rewrite(
        data / "raw" / "2024" / "franvaro.csv",
        ABSENCE_HEADER,
        rows,
    )
    pp = plan(data)
    table = pp.tables["franvaro"]
    assert not table["elev"].astype(str).str.contains("T001").any()
    assert table["elev"].iloc[0] == table["elev"].iloc[1]
