"""The operations-plan follow-up: the plan's schema, the register loaders and their figures
counted independently here, privacy end to end, and a run that lacks some inputs.

The data folder is written by this test (not by the sample generator), with what the
contract allows: personnummer in every usual form, a student who moved units mid-term, a
row without scheduled time, comma decimals, children's names and report descriptions.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import sample_verksamhetsplan as sample
from contract_files import ABSENCE_HEADER, INSATS_HEADER, POPULATION_HEADER, REPORT_HEADER, write_csv, write_xlsx
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.verksamhetsplan import PlanInstrument
from elevhalsa_analysis.instruments.verksamhetsplan.plan import load_plan
from elevhalsa_analysis.instruments.verksamhetsplan.registers import normalize_personnummer

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_9bb0558aa624b247.txt"
UNITS = [
    ("10000001", "Norrskolan", "Grundskola"),
    ("10000002", "Söderskolan", "Grundskola"),
    ("10000003", "Gläntan", "Anpassad grundskola"),
]
INSATS_IDS = [f"insats_{i}" for i in range(1, 11)]
STATUSES = ["Genomförd"] * 6 + ["Påbörjad"] * 3 + ["Ej påbörjad"]
SECRET = "HEMLIG-BESKRIVNING"


def plan_text() -> str:
    indikatorer = [
        {
            "id": "hog_ht",
            "namn": "Minst 20 % frånvaro HT",
            "kalla": "franvaro",
            "matt": "andel_minst",
            "grans": 20,
            "termin": "HT",
            "riktning": "lagre",
            "malvarde": 30,
        },
        {
            "id": "hog_vt",
            "namn": "Minst 15 % frånvaro VT",
            "kalla": "franvaro",
            "matt": "andel_minst",
            "grans": 15,
            "termin": "VT",
            "riktning": "lagre",
            "malvarde": 5,
        },
        {
            "id": "bada",
            "namn": "Minst 15 % båda terminerna",
            "kalla": "franvaro",
            "matt": "andel_minst_bada_terminerna",
            "grans": 15,
            "riktning": "lagre",
            "malvarde": 10,
        },
        {
            "id": "anm",
            "namn": "Anmälningar per 100 elever",
            "kalla": "krankningar",
            "matt": "per_100_elever",
            "riktning": "ingen",
        },
        {
            "id": "anm_personal",
            "namn": "Anmälningar från personal per 100 elever",
            "kalla": "krankningar",
            "matt": "per_100_elever",
            "utovare": "Personal",
            "riktning": "ingen",
        },
        {
            "id": "avslutade",
            "namn": "Avslutade anmälningar",
            "kalla": "krankningar",
            "matt": "andel_avslutade",
            "riktning": "hogre",
            "malvarde": 50,
        },
        {
            "id": "dagar",
            "namn": "Dagar till avslut",
            "kalla": "krankningar",
            "matt": "median_dagar_till_avslut",
            "riktning": "lagre",
            "malvarde": 30,
        },
        {
            "id": "huvudman",
            "namn": "Dagar till huvudmannen",
            "kalla": "krankningar",
            "matt": "median_dagar_till_huvudman",
            "riktning": "lagre",
            "malvarde": 5,
        },
        {
            "id": "inom",
            "namn": "Till huvudmannen inom 3 dagar",
            "kalla": "krankningar",
            "matt": "andel_till_huvudman_inom",
            "dagar": 3,
            "riktning": "hogre",
            "malvarde": 90,
        },
        {
            "id": "trygga",
            "namn": "Trygga elever i åk 8",
            "kalla": "elevenkat",
            "fraga": "trygg_i_skolan",
            "arskurs": "Åk 8",
            "period": "2024-04",
            "riktning": "hogre",
            "malvarde": 90,
        },
        {"id": "examen", "namn": "Examen inom 4 år", "kalla": "kolada", "kpi": "N17461", "riktning": "hogre", "malvarde": 75},
    ]
    insatser = [
        {"id": iid, "text": f"Insats nummer {i + 1}.", "indikatorer": ["hog_ht"] if i == 0 else []}
        for i, iid in enumerate(INSATS_IDS)
    ]
    return yaml.safe_dump(
        {
            "namn": "Testplan 2024",
            "omrade": "Lärande och trygghet",
            "kommunkod": "0581",
            "franvarogranser": [15, 20],
            "indikatorer": indikatorer,
            "insatser": insatser,
        },
        allow_unicode=True,
        sort_keys=False,
    )


def pnr(i: int) -> str:
    return f"2012{(i % 12) + 1:02d}{(i % 28) + 1:02d}{1000 + i:04d}"


def forms(number: str) -> list[str]:
    """Every way the contract allows a personnummer to be written."""
    short = number[2:]
    return [
        number,
        f"{number[:8]}-{number[8:]}",
        f"{number[:8]} {number[8:]}",
        short,
        f"{short[:6]}-{short[6:]}",
        f"{short[:6]}+{short[6:]}",
        f"{short[:6]} {short[6:]}",
    ]


def students() -> list[dict]:
    out = []
    for i in range(30):
        unit = UNITS[0] if i < 14 else (UNITS[1] if i < 27 else UNITS[2])
        out.append(
            {
                "pnr": pnr(i),
                "name": f"Barnet{chr(65 + i % 26)} Testbarnsson{i}",
                "unit": unit,
                # Absence minutes per 1000 scheduled, per term; some at exactly 15 and 20 %.
                "VT": [50, 150, 149, 300, 200][i % 5],
                "HT": [200, 199, 60, 250, 0][i % 5],
            }
        )
    return out


def absence_rows() -> list[list[object]]:
    rows = []
    for i, s in enumerate(students()):
        written = forms(s["pnr"])[i % 7]
        code, name, _ = s["unit"]
        for term in ("VT", "HT"):
            absent = s[term]
            if i == 3 and term == "HT":
                # Moved mid-term: half the schedule in each unit, the number written another way.
                other = UNITS[1]
                rows.append([written, s["name"], code, name, "Åk 6", f"{term} 2024", 500, absent // 2, 0])
                rows.append(
                    [forms(s["pnr"])[4], s["name"], other[0], other[1], "Åk 6", f"{term} 2024", "500,0", absent - absent // 2, 0]
                )
                continue
            rows.append(
                [
                    written,
                    s["name"],
                    code,
                    name,
                    "Åk 6",
                    f"{term} 2024",
                    1000,
                    absent - 10 if absent >= 10 else absent,
                    10 if absent >= 10 else 0,
                ]
            )
    rows.append([forms(pnr(99))[1], "Utan Schemasson", UNITS[0][0], UNITS[0][1], "Åk 6", "HT 2024", "", "", ""])
    return rows


REPORT_DATES = [  # (reported, to principal, status, closed, perpetrator, unit)
    ("2024-02-01", "2024-02-01", "Avslutad", "2024-02-11", "Elev", 0),
    ("2024-03-01", "2024-03-05", "Avslutad", "2024-04-20", "Personal", 0),
    ("2024-04-02", "2024-04-03", "Utreds", "", "Elev", 1),
    ("2024-05-06", "", "Anmäld", "", "Okänd", 1),
    ("2024-09-10", "2024-09-12", "Avslutad", "2024-09-30", "Elev", 2),
    ("2023-12-20", "2023-12-21", "Avslutad", "2024-01-10", "Elev", 0),  # outside the period: not counted
]


def report_rows() -> list[list[object]]:
    kids = students()
    return [
        [
            f"KB-{i + 1}",
            UNITS[u][0],
            d,
            h,
            "Kränkande behandling",
            who,
            st,
            c,
            f"{SECRET} {kids[i]['name']} ({kids[i]['pnr']}) blev retad.",
        ]
        for i, (d, h, st, c, who, u) in enumerate(REPORT_DATES)
    ]


def write_data(root: Path, *, franvaro=True, krankningar=True, elevantal=True, insatser=True) -> Path:
    data = root / "data"
    folder = data / "raw" / "2024"
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text(
        'label: "2024"\nstart: 2024-01-01\nend: 2024-12-31\npopulation: elever\n', encoding="utf-8"
    )
    (folder / "verksamhetsplan.yaml").write_text(plan_text(), encoding="utf-8")
    if franvaro:
        write_xlsx(folder / "franvaro.xlsx", ABSENCE_HEADER, absence_rows())
    if krankningar:
        write_csv(folder / "krankningar.csv", REPORT_HEADER, report_rows(), encoding="cp1252")
    if elevantal:
        write_csv(
            folder / "elevantal.csv",
            POPULATION_HEADER,
            [[c, n, f, "Åk 6", 100 if f == "Grundskola" else 8] for c, n, f in UNITS],
            sep=",",
            encoding="utf-8",
        )
    if insatser:
        kid = students()[5]
        rows = [
            [iid, st, "Centrala elevhälsan", f"Klart. Se {kid['name']}, {kid['pnr']}." if i == 0 else "<b>pågår</b>"]
            for i, (iid, st) in enumerate(zip(INSATS_IDS, STATUSES))
        ]
        write_xlsx(folder / "insatser.xlsx", INSATS_HEADER, rows)
    return data


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


# --- end to end ---------------------------------------------------------------------------


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.mark.e2e
def test_run_leaves_no_personal_data_anywhere(tmp_path, capsys):
    data = write_data(tmp_path)
    reports = tmp_path / "reports"
    assert main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    log = capsys.readouterr()
    text = text_of(reports / "2024" / "verksamhetsplan_ledning.html")
    assert "6 av 10 insatser är genomförda, 3 påbörjade, 1 ej påbörjad" in text
    assert "Målkort" in text and "? Kan inte bedömas: uppgift saknas: elevenkat.xlsx/.csv/.sav i mappen 2024-04 behövs" in text
    scorecard = text[text.index("Målkort") : text.index("Insatser", text.index("Målkort"))]
    for row in ("Anmälningar per 100 elever", "Anmälningar från personal per 100 elever"):
        cells = scorecard[scorecard.index(row) :][:260]
        assert "Uppnått" not in cells and "bättre" not in cells and "sämre" not in cells
    # One row per unit is the researchers' detail; leadership gets the funnel plot at any size.
    assert "Anmälningar per skolenhet" not in text
    assert "Anmälningar per skolenhet" in text_of(reports / "2024" / "verksamhetsplan_analys.html")
    outputs = [p for root in (reports, data / "processed") for p in root.rglob("*") if p.is_file()]
    assert outputs
    blobs = [(str(p), p.read_bytes().decode("utf-8", "replace")) for p in outputs]
    blobs += [(str(p), pd.read_parquet(p).to_csv()) for p in outputs if p.suffix == ".parquet"]
    blobs += [("stdout", log.out), ("stderr", log.err)]
    secrets = [SECRET] + [s["name"] for s in students()] + [f for s in students() for f in forms(s["pnr"])]
    for where, blob in blobs:
        for secret in secrets:
            assert secret not in blob, (secret, where)


@pytest.mark.e2e
def test_run_without_some_inputs_says_what_is_missing(tmp_path):
    data = write_data(tmp_path, franvaro=False, elevantal=False)
    reports = tmp_path / "reports"
    assert main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    text = text_of(reports / "2024" / "verksamhetsplan_ledning.html")
    assert "uppgift saknas: franvaro.xlsx eller franvaro.csv i mappen 2024 behövs" in text
    assert "uppgift saknas: elevantal.csv i mappen 2024 behövs" in text
    scorecard = text[text.index("Målkort") : text.index("Insatser", text.index("Målkort"))]
    row = scorecard[scorecard.index("Minst 20 % frånvaro HT") :][:200]
    assert "Kan inte bedömas" in row and "Uppnått" not in row


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
