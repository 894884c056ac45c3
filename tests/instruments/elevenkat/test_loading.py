"""The student survey's loading: every export format the contract allows, realistic variants
of them, and the gate's stops."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from check_notes import notes
from contract_files import ENROLLED, GENDERS, JA_NEJ, SCALE, STUDENT_Q
from contract_files import write_student_common as write_common
from contract_files import write_student_csv as write_csv
from contract_files import write_student_xlsx as write_xlsx
from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.elevenkat.loading import load_student_period, normalize_arskurs
from elevhalsa_analysis.periods import list_periods
from elevhalsa_analysis.registry import get

CB = load_codebook("elevenkat")
Q = STUDENT_Q


def responses() -> list[dict]:
    """Answers typed out by a rule (not drawn from the package): every label, empty cells,
    every gender, year groups in the forms a tool writes."""
    rows, i = [], 0
    forms = {"Åk 5": ["5", "åk5", "Årskurs 5", "Åk 5"], "Åk 8": ["ÅK 8", "8"], "Gy 2": ["Gy2", "År 2 gymnasiet"]}
    for (unit, year), n in ENROLLED.items():
        for k in range(n - 4 - (n // 5)):
            i += 1
            rows.append(
                {
                    "id": str(i),
                    "unit": unit,
                    "year": year,
                    "year_written": forms[year][k % len(forms[year])],
                    "kon": "" if k % 17 == 16 else GENDERS[k % 7 % 4 if k % 7 < 4 else k % 2],
                    **{qid: "" if (i + j) % 23 == 0 else SCALE[(i * (j + 2)) % 5] for j, qid in enumerate(list(Q)[:4])},
                    "blivit_krankt": "" if i % 29 == 0 else JA_NEJ[0 if i % 6 == 0 else (2 if i % 13 == 0 else 1)],
                    "vill_beratta": "Ring mig på 070-123 45 67, jag heter Kim Ek." if i % 11 == 0 else "",
                }
            )
    return rows


def write_sav(folder: Path, rows: list[dict]) -> None:
    """Short names, questions as variable labels, coded answers, 99 "Ej svar" user-missing."""
    codes = {lbl: i for i, lbl in enumerate(SCALE, 1)}
    yes_no = {lbl: i for i, lbl in enumerate(JA_NEJ, 1)}
    gender = {lbl: i for i, lbl in enumerate(GENDERS, 1)}
    years = {"Åk 5": 5.0, "Åk 8": 8.0, "Gy 2": 12.0}
    data = {
        "ID": [r["id"] for r in rows],
        "Skolenhetskod": [r["unit"] for r in rows],
        "Arskurs": [years[r["year"]] for r in rows],
        "Kon": [float(gender.get(r["kon"], 99)) for r in rows],
    }
    for i, qid in enumerate(list(Q)[:5], 1):
        scale = yes_no if qid == "blivit_krankt" else codes
        data[f"q{i}"] = [float(scale.get(r[qid], 99)) for r in rows]
    data["q6"] = [r["vill_beratta"] for r in rows]
    labels = {"Arskurs": "Årskurs", "Kon": "Kön", **{f"q{i}": text for i, text in enumerate(Q.values(), 1)}}
    value_labels = {
        "Arskurs": {5.0: "Årskurs 5", 8.0: "Årskurs 8", 12.0: "År 2 gymnasiet"},
        "Kon": {**{float(c): g for g, c in gender.items()}, 99.0: "Ej svar"},
        **{
            f"q{i}": {**{float(c): lbl for lbl, c in (yes_no if i == 5 else codes).items()}, 99.0: "Ej svar"} for i in range(1, 6)
        },
    }
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(folder / "elevenkat.sav"),
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges={name: [99] for name in value_labels if name != "Arskurs"},
    )


def load(data: Path, period="2024-04"):
    return load_student_period(CB, period, dict(list_periods(data))[period], data)


def indicator_tables(sp) -> dict[str, pd.DataFrame]:
    out = {}
    for by in (["arskurs"], ["arskurs", "kon"], ["arskurs", "skolenhetskod"]):
        g = ind.grouped(sp.long, sp.version, by)
        key = ["question", *by]
        out["/".join(by)] = g.summary.astype({k: str for k in key}).sort_values(key).reset_index(drop=True)
        out["/".join(by) + ":n"] = (
            g.counts.astype({k: str for k in [*key, "answer"]}).sort_values([*key, "answer"]).reset_index(drop=True)
        )
    return out


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory):
    rows = responses()
    loaded = {}
    for fmt, writer in (("xlsx", write_xlsx), ("csv", write_csv), ("sav", write_sav)):
        data = tmp_path_factory.mktemp(fmt) / "data"
        write_common(data / "raw" / "2024-04")
        writer(data / "raw" / "2024-04", rows)
        loaded[fmt] = load(data)
    return rows, loaded


def test_xlsx_csv_and_sav_give_identical_indicator_tables(three_formats):
    _, loaded = three_formats
    tables = {fmt: indicator_tables(sp) for fmt, sp in loaded.items()}
    for name, reference in tables["xlsx"].items():
        for fmt in ("csv", "sav"):
            pd.testing.assert_frame_equal(tables[fmt][name], reference, check_dtype=False, obj=f"{fmt}: {name}")


def test_counts_agree_with_a_plain_count_of_what_was_written(three_formats):
    rows, loaded = three_formats
    for fmt, sp in loaded.items():
        counts = indicator_tables(sp)["arskurs:n"]
        for year in ("Åk 5", "Åk 8", "Gy 2"):
            for qid in list(Q)[:5]:
                want = Counter(r[qid] for r in rows if r["year"] == year and r[qid])
                got = counts[(counts["question"] == qid) & (counts["arskurs"] == year)].set_index("answer")["n"].to_dict()
                assert got == dict(want), (fmt, year, qid)
        summary = indicator_tables(sp)["arskurs"]
        trygg = summary[(summary["question"] == "trygg_i_skolan") & (summary["arskurs"] == "Åk 5")].iloc[0]
        written = [r["trygg_i_skolan"] for r in rows if r["year"] == "Åk 5"]
        assert trygg["respondents"] == len(written)
        assert trygg["headline"] == sum(a in SCALE[:2] for a in written)
        assert trygg["answered"] == sum(a in SCALE[:4] for a in written)
        assert trygg["outside"] == written.count("Vet ej")


def test_free_text_is_redacted_with_the_configured_names(three_formats):
    _, loaded = three_formats
    for sp in loaded.values():
        texts = set(sp.long.loc[sp.long["question"] == "vill_beratta", "answer"].dropna().astype(str))
        assert texts == {"Ring mig på [telefonnummer], jag heter [namn]."}


@pytest.mark.parametrize(
    "written,canonical",
    [
        ("5", "Åk 5"),
        ("åk5", "Åk 5"),
        ("ÅK 5", "Åk 5"),
        ("Årskurs 5", "Åk 5"),
        ("Åk\u00a08", "Åk 8"),
        ("8", "Åk 8"),
        ("Gy2", "Gy 2"),
        ("GY 2", "Gy 2"),
        ("År 2 gymnasiet", "Gy 2"),
        ("F", "F"),
        ("Förskoleklass", "F"),
        ("Åk 12", "Åk 12"),
        ("sexan", "sexan"),
        ("", None),
    ],
)
def test_year_groups_in_the_forms_tools_write(written, canonical):
    assert normalize_arskurs(written) == canonical


def test_identifying_columns_are_dropped_and_never_stored(tmp_path):
    data = tmp_path / "data"
    write_common(data / "raw" / "2024-04")
    write_xlsx(
        data / "raw" / "2024-04",
        responses(),
        extra={"E-post": "kim.ek@skola.example", "IP-adress": "192.0.2.17", "Namn": "Kim Ek"},
    )
    prepared = get("elevenkat").prepare("2024-04", data)
    dump = "".join(t.astype(str).to_csv() for t in prepared.tables.values())
    for secret in ("kim.ek@skola.example", "192.0.2.17", "Kim Ek", "E-post", "IP-adress"):
        assert secret not in dump
    dropped = next(c for c in prepared.checks if c.id == "export:personuppgifter")
    assert not dropped.passed and dropped.severity == "varning" and set(dropped.values) == {"E-post", "IP-adress", "Namn"}


@pytest.mark.parametrize(
    "change,title,value",
    [
        (lambda rows: rows[0].update(unit="99999999"), "Skolenhetskoden finns inte", "99999999"),
        (lambda rows: rows[0].update(year_written="Åk 6"), "Årskurs som enkäten inte frågar", "Åk 6"),
        (lambda rows: rows[0].update(kon="Kanske"), "Okänt värde för kön", "Kanske"),
        (lambda rows: rows[0].update(trygg_i_skolan="Stämmer typ"), "Svar utanför frågans svarsalternativ", "Stämmer typ"),
    ],
)
def test_unknown_values_stop_the_run(tmp_path, change, title, value):
    data = tmp_path / "data"
    write_common(data / "raw" / "2024-04")
    rows = responses()
    change(rows)
    write_csv(data / "raw" / "2024-04", rows)
    with pytest.raises(DataError) as err:
        load(data)
    assert title in str(err.value) and value in str(err.value) and "elevenkat.csv" in str(err.value)
    assert list(err.value.rows) == ["1"]


def test_more_responses_than_pupils_is_a_blocking_error(tmp_path):
    data = tmp_path / "data"
    write_common(data / "raw" / "2024-04", enrolled={**ENROLLED, ("23456789", "Åk 5"): 5})
    write_xlsx(data / "raw" / "2024-04", responses())
    with pytest.raises(DataError) as err:
        load(data)
    assert "Fler svar än elever" in str(err.value) and "23456789 Åk 5" in str(err.value)


def test_the_plans_indicator_says_why_when_there_is_no_figure(tmp_path):
    data = tmp_path / "data"
    write_common(data / "raw" / "2024-04")
    missing = get("elevenkat").indicator("2024-04", data, "trygg_i_skolan", arskurs="Åk 8")
    assert missing.value is None and "elevenkat.xlsx" in missing.note
    write_xlsx(data / "raw" / "2024-04", [r for r in responses() if r["unit"] != "34567890" or int(r["id"]) % 9 == 0])
    few = get("elevenkat").indicator("2024-04", data, "trygg_i_skolan", arskurs="Gy 2")
    assert few.value is None and "färre än 5" in few.note
    every = get("elevenkat").indicator("2024-04", data, "blivit_krankt")
    assert every.value is not None and every.interval is not None


def student_folder(root: Path, write=write_xlsx, rows=None) -> Path:
    folder = root / "data" / "raw" / "2024-04"
    write_common(folder)
    write(folder, responses() if rows is None else rows)
    return root / "data"


def test_spss_file_with_numeric_unit_codes_is_read_with_a_note(tmp_path):
    """SPSS stores Skolenhetskod as a number: 01234567 arrives as 1234567.0."""
    rows = responses()
    data = student_folder(tmp_path, write_sav, rows)
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
    sp = load(data)
    assert sp.units["svar"].sum() == len(rows)
    assert "«1234567» som 01234567" in notes(sp.checks)["export:kod_utfylld"]


def test_elevantal_resaved_by_excel_is_read_with_a_note(tmp_path):
    data = student_folder(tmp_path)
    path = data / "raw" / "2024-04" / "elevantal.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("01234567", "1234567"), encoding="utf-8")
    sp = load(data)
    assert set(sp.units["skolenhetskod"]) == {"01234567", "23456789", "34567890"}
    assert "«1234567» som 01234567" in notes(sp.checks)["elevantal:kod_utfylld"]


def test_a_year_group_not_asked_is_quoted_as_the_file_writes_it(tmp_path):
    rows = responses()
    rows[6]["year_written"] = "2"
    with pytest.raises(DataError) as err:
        load(student_folder(tmp_path, rows=rows))
    e = err.value
    assert (Path(e.file).name, e.column, e.value, list(e.rows)) == ("elevenkat.xlsx", "Årskurs", "2", [rows[6]["id"]])


def test_a_duplicated_elevantal_row_is_shown_as_the_row(tmp_path):
    data = student_folder(tmp_path)
    path = data / "raw" / "2024-04" / "elevantal.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1].replace("Åk 5", "5")]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data)
    e = err.value
    assert Path(e.file).name == "elevantal.csv" and list(e.rows) == ["2", str(len(lines) + 1)]
    assert (
        e.value == f"rad 2: {lines[1].replace(',', ';')}, rad {len(lines) + 1}: {lines[1].replace(',', ';').replace('Åk 5', '5')}"
    )
    assert "{" not in str(e)
