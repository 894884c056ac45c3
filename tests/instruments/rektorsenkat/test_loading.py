"""Each export variant the contract allows gives the same counted answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from conftest import (
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
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.loaders import list_periods, parse_timestamps

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
