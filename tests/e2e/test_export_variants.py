"""Realistic variations of real exports and registers, per instrument, read at loader level.

Each variant is built here from the contracts in ../shared (Forms in Swedish and English,
Google Forms CSV, Excel re-saves that drop leading zeros or date formats, SPSS, registers with
odd rows) and asserts either what is read (counts, codes, notes) or the exact `DataError`
fields: file, column, the value as the file holds it, and the row. Forgiving where a person
is right, strict where a guess would be wrong. The README's table of variants lists these.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

import test_elevenkat as ek
import test_verksamhetsplan as vp
from conftest import EN_META, answers_2024, export_rows, principals, write_csv, write_period, write_register, write_xlsx
from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.instruments.verksamhetsplan.period import load_plan_period
from elevhalsa_analysis.instruments.verksamhetsplan.registers import normalize_personnummer
from elevhalsa_analysis.loaders import list_periods, load_period_meta
from elevhalsa_analysis.registry import get

PERIOD = "2024-10"
CB = load_codebook("rektorsenkat")


def notes(checks) -> dict[str, str]:
    return {c.id: c.summary() for c in checks if c.severity == "information"}


# --- period.yaml -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, shown",
    [("2024", "2024"), ("2024-10-31", "2024-10-31"), ('"2024"', "2024"), ("juni–oktober 2024", "juni–oktober 2024")],
)
def test_a_label_yaml_types_as_a_number_or_date_is_read_as_written(tmp_path, label, shown):
    write_period(tmp_path, label=label)
    assert load_period_meta(tmp_path).label == shown


@pytest.mark.parametrize(
    "population, instrument, phrase, noted",
    [
        (None, "rektorsenkat", "rektorer", False),
        (None, "elevenkat", "elever", False),
        ("rektorer inom grundskolan", "rektorsenkat", "rektorer inom grundskolan", False),
        # One period.yaml, two instruments: the principals' phrase is not the students'.
        ("rektorer inom grundskolan", "elevenkat", "elever", True),
    ],
)
def test_population_is_the_instruments_own_noun_unless_period_yaml_names_it(tmp_path, population, instrument, phrase, noted):
    text = "label: 2024\nstart: 2024-01-01\nend: 2024-12-31\n" + (f"population: {population}\n" if population else "")
    (tmp_path / "period.yaml").write_text(text, encoding="utf-8")
    meta, found = get(instrument).with_population(load_period_meta(tmp_path))
    assert meta.population == phrase
    assert bool(found) == noted
    if noted:
        assert "«rektorer inom grundskolan» nämner inte elever" in found[0].summary()


@pytest.mark.e2e
def test_principals_are_never_called_students_in_the_report(tmp_path, capsys):
    """The one full run here: period.yaml without `population`, label a bare year."""
    from elevhalsa_analysis.cli import main

    folder = tmp_path / "data" / "raw" / PERIOD
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text("label: 2024\nstart: 2024-06-01\nend: 2024-10-31\n", encoding="utf-8")
    write_register(folder, principals())
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(principals(), answers_2024()))
    reports = tmp_path / "reports"
    assert (
        main(
            [
                "run",
                "--period",
                PERIOD,
                "--data-dir",
                str(tmp_path / "data"),
                "--reports-dir",
                str(reports),
                "--run-date",
                "2024-11-01",
            ]
        )
        == 0
    ), capsys.readouterr().err
    page = (reports / PERIOD / "rektorsenkat_ledning.html").read_text(encoding="utf-8")
    assert "Enkäten gick till 18 rektorer;" in page
    assert not re.search(r"\d+ (?:av \d+ )?elever\b", page)
    assert "– 2024" in page


# --- the principal survey ------------------------------------------------------------------------


def survey_folder(root: Path, people=None, export=None, writer=write_xlsx, name="rektorsenkat.xlsx", **kw) -> Path:
    folder = root / "data" / "raw" / PERIOD
    write_period(folder)
    write_register(folder, principals() if people is None else people)
    writer(folder / name, *(export or export_rows(principals(), answers_2024())), **kw)
    return root / "data"


def load(data: Path):
    return load_survey_period(CB, PERIOD, dict(list_periods(data))[PERIOD], data, b"salt")


def seed_counts(sp) -> tuple[int, int, int]:
    v = sp.version
    r = ind.question_result(sp.long, sp.population, v, v.question("tagit_del_av_planen"), PERIOD)
    return r.population, r.answered, r.headline


def english(header, rows):
    return [*EN_META, *header[len(EN_META) :]], rows


@pytest.mark.parametrize(
    "variant", ["xlsx-svenska", "xlsx-engelska", "csv-semikolon-utf8-bom", "csv-komma-cp1252", "csv-engelska"]
)
def test_forms_exports_are_read(tmp_path, variant):
    export = export_rows(principals(), answers_2024())
    if "engelska" in variant:
        export = english(*export)
    if variant.startswith("xlsx"):
        data = survey_folder(tmp_path, export=export)
    else:
        sep, enc = (";", "utf-8-sig") if "semikolon" in variant else (",", "cp1252")
        data = survey_folder(tmp_path, export=export, writer=write_csv, name="rektorsenkat.csv", sep=sep, encoding=enc)
    assert seed_counts(load(data)) == (18, 18, 12)


def test_register_with_odd_rows_is_read(tmp_path):
    """BOM, cp1252-free UTF-8, blank lines, trailing spaces, upper-case headers, `;`."""
    data = survey_folder(tmp_path)
    people = principals()
    lines = ["E-POST ; Namn;Skolenhetskod;Skolenhet ;Skolform", ""]
    lines += [f"{p['e-post']} ;{p['namn']} ; {p['skolenhetskod']} ;{p['skolenhet']} ; {p['skolform'].lower()} " for p in people]
    (data / "raw" / PERIOD / "rektorer.csv").write_bytes(("\ufeff" + "\r\n".join([*lines, "", ";;;;", ""])).encode("utf-8"))
    sp = load(data)
    assert seed_counts(sp) == (18, 18, 12)
    assert sorted(sp.population["skolenhetskod"]) == sorted(p["skolenhetskod"] for p in people)


def test_register_resaved_by_excel_gets_its_zeros_back_with_a_note(tmp_path):
    people = principals()
    people[0]["skolenhetskod"] = "1234567"  # was 01234567
    sp = load(survey_folder(tmp_path, people=people))
    assert "01234567" in set(sp.population["skolenhetskod"])
    note = notes(sp.checks)["register:kod_utfylld"]
    assert "«1234567» som 01234567" in note and "rad: 2" in note and "rektorer.csv" in note


@pytest.mark.parametrize("code, row", [("123456789", "3"), ("12A4567", "3"), ("1234567-8", "3")])
def test_a_code_that_cannot_have_lost_zeros_is_refused_as_written(tmp_path, code, row):
    people = principals()
    people[1]["skolenhetskod"] = code
    with pytest.raises(DataError) as err:
        load(survey_folder(tmp_path, people=people))
    e = err.value
    assert (Path(e.file).name, e.column, e.value, list(e.rows)) == ("rektorer.csv", "skolenhetskod", code, [row])


@pytest.mark.parametrize("written", [45567.5, "45567.5", "45567,5"])
def test_completion_time_as_an_excel_serial_is_a_time_with_a_note(tmp_path, written):
    header, rows = export_rows(principals(), answers_2024())
    rows[3][header.index("Tid för slutförande")] = written
    if isinstance(written, float):
        data = survey_folder(tmp_path, export=(header, rows))
    else:
        data = survey_folder(tmp_path, export=(header, rows), writer=write_csv, name="rektorsenkat.csv")
    sp = load(data)
    assert seed_counts(sp) == (18, 18, 12)
    note = notes(sp.checks)["export:serietid"]
    assert f"«{written}» som 2024-10-02 12:00" in note and "svars-id: 4" in note


def test_google_forms_csv_is_refused_for_want_of_a_response_id(tmp_path):
    """Google Forms writes Tidstämpel and E-postadress but no response id: the contract requires one."""
    header, rows = export_rows(principals(), answers_2024())
    google = [["Tidstämpel", "E-postadress", *header[5:]], *([r[2].strftime("%Y/%m/%d %H:%M:%S"), r[3], *r[5:]] for r in rows)]
    data = survey_folder(tmp_path, export=(google[0], google[1:]), writer=write_csv, name="rektorsenkat.csv", sep=",")
    with pytest.raises(DataError) as err:
        load(data)
    assert (Path(err.value.file).name, err.value.column) == ("rektorsenkat.csv", "ID")


def test_one_principal_for_two_units_counts_once_and_shows_under_both(tmp_path):
    people = principals()
    second = {**people[0], "skolenhetskod": "07654321", "skolenhet": "Testskolan 19", "namn": people[0]["namn"]}
    sp = load(survey_folder(tmp_path, people=[*people, second]))
    # 18 persons asked, 18 answered; the principal of two units is one of the 12 Ja.
    assert seed_counts(sp) == (18, 18, 12)
    units = ind.competence_matrix(sp.long, sp.population, sp.version, sp.version.question("tillgang_kompetenser"), PERIOD)
    assert {"Testskolan 1", "Testskolan 19"} <= set(units.index) and len(units) == 19
    by_form = ind.breakdown(sp.long, sp.population, sp.version, sp.version.question("tagit_del_av_planen"), PERIOD, "skolform")
    assert by_form.set_index("skolform")["population"].to_dict() == {"Anpassad grundskola": 1, "Grundskola": 17}
    note = notes(sp.checks)["register:flera_enheter"]
    assert "rad 2, 20" in note and "räknas en gång" in note
    assert not [c for c in sp.checks if not c.passed]


def test_the_same_principal_twice_for_one_unit_is_refused(tmp_path):
    people = principals()
    with pytest.raises(DataError) as err:
        load(survey_folder(tmp_path, people=[*people, dict(people[4])]))
    assert (Path(err.value.file).name, err.value.column, list(err.value.rows)) == ("rektorer.csv", "e-post", ["6", "20"])
    assert err.value.value is None  # e-mail addresses are never shown


# --- the student survey --------------------------------------------------------------------------


def student_folder(root: Path, write=ek.write_xlsx, rows=None) -> Path:
    folder = root / "data" / "raw" / "2024-04"
    ek.write_common(folder)
    write(folder, ek.responses() if rows is None else rows)
    return root / "data"


def test_spss_file_with_numeric_unit_codes_is_read_with_a_note(tmp_path):
    """SPSS stores Skolenhetskod as a number: 01234567 arrives as 1234567.0."""
    rows = ek.responses()
    data = student_folder(tmp_path, ek.write_sav, rows)
    path = data / "raw" / "2024-04" / "elevenkat.sav"
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    frame["Skolenhetskod"] = frame["Skolenhetskod"].astype(float)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=meta.column_names_to_labels,
        variable_value_labels=meta.variable_value_labels,
        missing_ranges=meta.missing_ranges,
    )
    sp = ek.load(data)
    assert sp.units["svar"].sum() == len(rows)
    assert "«1234567» som 01234567" in notes(sp.checks)["export:kod_utfylld"]


def test_elevantal_resaved_by_excel_is_read_with_a_note(tmp_path):
    data = student_folder(tmp_path)
    path = data / "raw" / "2024-04" / "elevantal.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("01234567", "1234567"), encoding="utf-8")
    sp = ek.load(data)
    assert set(sp.units["skolenhetskod"]) == {"01234567", "23456789", "34567890"}
    assert "«1234567» som 01234567" in notes(sp.checks)["elevantal:kod_utfylld"]


def test_a_year_group_not_asked_is_quoted_as_the_file_writes_it(tmp_path):
    rows = ek.responses()
    rows[6]["year_written"] = "2"
    with pytest.raises(DataError) as err:
        ek.load(student_folder(tmp_path, rows=rows))
    e = err.value
    assert (Path(e.file).name, e.column, e.value, list(e.rows)) == ("elevenkat.xlsx", "Årskurs", "2", [rows[6]["id"]])


def test_a_duplicated_elevantal_row_is_shown_as_the_row(tmp_path):
    data = student_folder(tmp_path)
    path = data / "raw" / "2024-04" / "elevantal.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1].replace("Åk 5", "5")]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        ek.load(data)
    e = err.value
    assert Path(e.file).name == "elevantal.csv" and list(e.rows) == ["2", str(len(lines) + 1)]
    assert (
        e.value == f"rad 2: {lines[1].replace(',', ';')}, rad {len(lines) + 1}: {lines[1].replace(',', ';').replace('Åk 5', '5')}"
    )
    assert "{" not in str(e)


# --- the operations plan's registers -------------------------------------------------------------


def plan(data: Path):
    return load_plan_period("2024", dict(list_periods(data))["2024"], data, b"salt")


def rewrite(path: Path, header, rows, sep=";", encoding="cp1252") -> None:
    vp.write_csv(path, header, rows, sep=sep, encoding=encoding)


REPORT_HEADER = [
    "Ärendenummer",
    "Skolenhetskod",
    "Anmälningsdatum",
    "Anmält till huvudman",
    "Typ",
    "Utövare",
    "Status",
    "Avslutat datum",
    "Beskrivning",
]


def test_a_year_without_reports_is_a_count_of_zero(tmp_path):
    data = vp.write_data(tmp_path)
    rewrite(data / "raw" / "2024" / "krankningar.csv", REPORT_HEADER, [])
    prepared = get("verksamhetsplan").prepare("2024", data)
    anm = prepared.tables["indikatorer"].set_index("id").loc["anm"]
    assert (anm["varde"], anm["taljare"], anm["namnare"]) == (0.0, 0, 208)
    assert not [c for c in prepared.checks if c.severity == "blockerande" and not c.passed]


def test_insatser_without_rows_are_each_ingen_uppgift(tmp_path):
    data = vp.write_data(tmp_path, insatser=False)
    vp.write_xlsx(data / "raw" / "2024" / "insatser.xlsx", ["insats", "status", "ansvarig", "kommentar"], [])
    pp = plan(data)
    assert pp.tables["insatser"].empty
    assert [c for c in pp.checks if c.id == "insatser:utan_rad" and not c.passed]


def test_report_dates_as_excel_serials_and_codes_without_zeros_are_read_with_notes(tmp_path):
    data = vp.write_data(tmp_path, franvaro=False)
    folder = data / "raw" / "2024"
    rows = vp.report_rows()
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
    data = vp.write_data(tmp_path, franvaro=False)
    rows = vp.absence_rows()
    rows[4][7] = "12,5 %"
    rewrite(
        data / "raw" / "2024" / "franvaro.csv",
        [
            "Personnummer",
            "Namn",
            "Skolenhetskod",
            "Skolenhet",
            "Årskurs",
            "Termin",
            "Schemalagd tid (min)",
            "Giltig frånvaro (min)",
            "Ogiltig frånvaro (min)",
        ],
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
    data = vp.write_data(tmp_path, franvaro=False)
    rows = vp.absence_rows()
    for row in rows[:2]:  # one child, both terms, with a school's temporary number
        row[0] = "20120101-T001"
    rewrite(
        data / "raw" / "2024" / "franvaro.csv",
        [
            "Personnummer",
            "Namn",
            "Skolenhetskod",
            "Skolenhet",
            "Årskurs",
            "Termin",
            "Schemalagd tid (min)",
            "Giltig frånvaro (min)",
            "Ogiltig frånvaro (min)",
        ],
        rows,
    )
    pp = plan(data)
    table = pp.tables["franvaro"]
    assert not table["elev"].astype(str).str.contains("T001").any()
    assert table["elev"].iloc[0] == table["elev"].iloc[1]
