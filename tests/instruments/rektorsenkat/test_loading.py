"""The principal survey's loading: each export variant the contract allows gives the same
counted answers, and the realistic variants in the README's table (Excel re-saves, Google
Forms, a principal of two units) are read with a note or refused naming file, column and row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from check_notes import notes
from contract_files import (
    EN_META,
    SV_META,
    Q,
    answers_2024,
    export_rows,
    principals,
    write_csv,
    write_period,
    write_register,
    write_xlsx,
)
from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.rektorsenkat import grid
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.periods import list_periods

PERIOD = "2024-10"
CB = load_codebook("rektorsenkat")
SALT = b"salt"


def load(data_dir: Path, period: str = "2024-10"):
    meta = dict(list_periods(data_dir))[period]
    return load_survey_period(CB, period, meta, data_dir, SALT)


def counts(long: pd.DataFrame, qid: str) -> dict[str, int]:
    return long[long["question"] == qid]["answer"].dropna().value_counts().to_dict()


def expected_counts() -> dict[str, dict[str, int]]:
    """Counted independently from the fixture's answers (not from the package)."""
    out: dict[str, dict[str, int]] = {}
    for row in answers_2024():
        for qid, value in row.items():
            if value and qid not in ("kommentarer", "tillgang_kompetenser"):
                out.setdefault(qid, {}).setdefault(value, 0)
                out[qid][value] += 1
    return out


def make(tmp_path: Path, writer, meta=SV_META, mutate=None, **kw) -> Path:
    data = tmp_path / "data"
    folder = data / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    header, rows = export_rows(people, answers_2024(), meta=meta)
    if mutate:
        header, rows = mutate(header, rows)
    writer(folder, header, rows, **kw)
    return data


def xlsx(folder, header, rows, **kw):
    write_xlsx(folder / "rektorsenkat.xlsx", header, rows, **kw)


def csv_(folder, header, rows, **kw):
    write_csv(folder / "rektorsenkat.csv", header, rows, **kw)


VARIANTS = {
    "xlsx-svenska": (xlsx, SV_META, {}),
    "xlsx-engelska": (xlsx, EN_META, {}),
    "csv-semikolon-utf8": (csv_, SV_META, {"sep": ";", "encoding": "utf-8"}),
    "csv-komma-bom": (csv_, SV_META, {"sep": ",", "encoding": "utf-8-sig"}),
    "csv-engelska-cp1252": (csv_, EN_META, {"sep": ";", "encoding": "cp1252"}),
    "csv-komma-cp1252": (csv_, SV_META, {"sep": ",", "encoding": "cp1252"}),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_variant_gives_the_seed_counts(tmp_path, variant):
    writer, meta, kw = VARIANTS[variant]
    sp = load(make(tmp_path, writer, meta, **kw))
    assert sp.population["responded"].sum() == 18
    for qid, want in expected_counts().items():
        assert counts(sp.long, qid) == want, qid
    kompetenser = sp.long[sp.long["question"] == "tillgang_kompetenser"]["answer"]
    assert (kompetenser.str.count(";") == 4).sum() == 17


def test_messy_labels_headers_and_delvis(tmp_path):
    def mutate(header, rows):
        header = [f"  {h.upper()}\u00a0" if h in Q.values() else h for h in header]
        col = header.index(f"  {Q['samsyn_eht'].upper()}\u00a0")
        for row in rows:
            if row[col] == "Till viss del":
                row[col] = " delvis "
            elif row[col] == "Ja":
                row[col] = "ja\u00a0"
        kcol = header.index(f"  {Q['tillgang_kompetenser'].upper()}\u00a0")
        rows[0][kcol] = "kurator; Skolläkare ;PSYKOLOG;Skolsköterska;Specialpedagogisk kompetens"
        return list(reversed(header)), [list(reversed(r)) for r in rows]

    sp = load(make(tmp_path, xlsx, mutate=mutate))
    assert counts(sp.long, "samsyn_eht") == {"Ja": 14, "Till viss del": 4}
    first = sp.long[(sp.long["question"] == "tillgang_kompetenser") & (sp.long["response_id"] == "1")]["answer"].item()
    assert first == "Skolläkare;Skolsköterska;Psykolog;Kurator;Specialpedagogisk kompetens"


def test_duplicate_latest_wins_and_outsider_left_out(tmp_path):
    def mutate(header, rows):
        dup = list(rows[12])  # a principal who said Nej answers again, later, Ja
        dup[0] = "19"
        dup[2] = dup[2] + dt.timedelta(days=3)
        dup[5] = "Ja"
        outsider = list(rows[0])
        outsider[0], outsider[3], outsider[4] = "20", "okand.person@annan.example", "Okänd Person"
        return header, [*rows, dup, outsider]

    sp = load(make(tmp_path, xlsx, mutate=mutate))
    assert counts(sp.long, "tagit_del_av_planen") == {"Ja": 13, "Nej": 5}
    assert sp.long["respondent"].nunique() == 18
    reasons = dict(zip(sp.excluded["response_id"], sp.excluded["orsak"]))
    assert reasons == {"20": "utanför registret", "13": "ersatt av ett senare svar från samma person"}
    failed = {c.id for c in sp.checks if not c.passed}
    assert failed == {"lankning:utanfor", "lankning:dubbletter"}


def test_no_personal_data_in_tables(tmp_path):
    def mutate(header, rows):
        col = header.index(Q["kommentarer"])
        rows[0][col] = "Ring Bertil Testsson1 på 070-123 45 67 eller maila bertil.testsson1@skola.example, pnr 19850101-1234."
        return header, rows

    sp = load(make(tmp_path, xlsx, mutate=mutate))
    dump = pd.concat([sp.long.astype(str), sp.population.astype(str)]).to_csv()
    for person in principals():
        assert person["e-post"] not in dump
        assert person["namn"] not in dump
        assert person["namn"].split()[0] not in dump
    comment = sp.long[sp.long["question"] == "kommentarer"]["answer"].dropna().item()
    assert comment == "Ring [namn] på [telefonnummer] eller maila [e-post], pnr [personnummer]."


@pytest.mark.parametrize(
    "bad,question,value",
    [
        ("Kanske", "samsyn_eht", "Kanske"),
        ("Ja;Tandläkare", "tillgang_kompetenser", "Tandläkare"),
    ],
)
def test_unknown_label_is_a_data_error(tmp_path, bad, question, value):
    def mutate(header, rows):
        rows[3][header.index(Q[question])] = bad
        return header, rows

    with pytest.raises(DataError) as err:
        load(make(tmp_path, xlsx, mutate=mutate))
    e = err.value
    assert e.column == Q[question]
    assert value in str(e.value)
    assert list(e.rows) == ["4"]
    assert "rektorsenkat.xlsx" in str(e)


def test_missing_question_column_is_a_data_error(tmp_path):
    def mutate(header, rows):
        i = header.index(Q["samarbete_fungerar"])
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    with pytest.raises(DataError) as err:
        load(make(tmp_path, csv_, mutate=mutate))
    assert err.value.column == Q["samarbete_fungerar"]
    assert "saknas" in str(err.value)


def survey_folder(root: Path, people=None, export=None, writer=write_xlsx, name="rektorsenkat.xlsx", **kw) -> Path:
    folder = root / "data" / "raw" / PERIOD
    write_period(folder)
    write_register(folder, principals() if people is None else people)
    writer(folder / name, *(export or export_rows(principals(), answers_2024())), **kw)
    return root / "data"


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
    units = grid.competence_matrix(sp.long, sp.population, sp.version, sp.version.question("tillgang_kompetenser"), PERIOD)
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
