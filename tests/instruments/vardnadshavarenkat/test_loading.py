"""The preschool guardian survey (data-contract-forskola.md): the three export formats, the
gate's stops, the contract's sentences with counts made here, and personal data kept out of
every output. Input files are typed from the contract (`contract_files.py`); one notebook
run is shared by the end-to-end tests."""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from contract_files import CHILDREN, FIVE, GUARDIAN_Q, PRESCHOOLS, write_guardian_common, write_guardian_csv, write_guardian_xlsx
from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.formatting import fmt_int, fmt_pct
from elevhalsa_analysis.instruments.vardnadshavarenkat import INSTRUMENT
from elevhalsa_analysis.instruments.vardnadshavarenkat.loading import load_preschool_period
from elevhalsa_analysis.loaders import list_periods

CB = load_codebook("vardnadshavarenkat")
PERIOD = "2025-03"
CHILD = "Tindra"
PHONE = "070-123 45 67"
EMAIL = "foralder.test@exempel.se"
PLANTED = f"{CHILD} blir retad vid sandlådan, ring mig på {PHONE} eller skriv till {EMAIL}"
AGES = {"1–3 år": ["1", "2 år", "3"], "4–5 år": ["4 år", "5"]}
AGREE = {"4", "5 Stämmer helt och hållet"}


def responses() -> list[dict]:
    """Answers typed out by a rule: every label, empty cells, ages in the forms a tool writes,
    one planted comment at the largest unit."""
    rows, i = [], 0
    for (unit, group), n in CHILDREN.items():
        for k in range(n - 2 - n // 5):
            i += 1
            row = {"id": str(i), "unit": unit, "group": group, "age": AGES[group][k % len(AGES[group])]}
            for j, qid in enumerate(list(GUARDIAN_Q)[:-1]):
                row[qid] = "" if (i + j) % 19 == 0 else FIVE[(i * (j + 3) + k) % 6]
            row["kommentar"] = "Bra förskola." if i % 9 == 0 else ""
            rows.append(row)
    rows[3]["kommentar"] = PLANTED
    return rows


def write_sav(folder: Path, rows: list[dict]) -> None:
    """Short names, questions as variable labels, coded answers (6 Vet ej), 9 "Vill inte svara" user-missing."""
    codes = {lbl: i for i, lbl in enumerate(FIVE, 1)}
    data = {
        "ID": [r["id"] for r in rows],
        "Enhetskod": [r["unit"] for r in rows],
        "Barnets_alder": [float(r["age"].split()[0]) for r in rows],
    }
    for i, qid in enumerate(list(GUARDIAN_Q)[:-1], 1):
        data[f"q{i}"] = [float(codes.get(r[qid], 9)) for r in rows]
    data["q8"] = [r["kommentar"] for r in rows]
    answers = {**{float(c): lbl for lbl, c in codes.items()}, 9.0: "Vill inte svara"}
    pyreadstat.write_sav(
        pd.DataFrame(data),
        str(folder / "vardnadshavarenkat.sav"),
        column_labels={"Barnets_alder": "Barnets ålder", **{f"q{i}": t for i, t in enumerate(GUARDIAN_Q.values(), 1)}},
        variable_value_labels={
            "Barnets_alder": {float(a): f"{a} år" for a in range(1, 6)},
            **{f"q{i}": answers for i in range(1, 8)},
        },
        missing_ranges={f"q{i}": [9] for i in range(1, 8)},
    )


def load(data: Path):
    return load_preschool_period(CB, PERIOD, dict(list_periods(data))[PERIOD], data)


def tables(loaded) -> dict[str, pd.DataFrame]:
    out = {}
    for by in (["aldersgrupp"], ["aldersgrupp", "skolenhetskod"]):
        g = ind.grouped(loaded.long, loaded.version, by)
        key = ["question", *by]
        out["/".join(by)] = g.summary.astype({k: str for k in key}).sort_values(key).reset_index(drop=True)
        out["/".join(by) + ":n"] = (
            g.counts.astype({k: str for k in [*key, "answer"]}).sort_values([*key, "answer"]).reset_index(drop=True)
        )
    out["enheter"] = loaded.units.astype(str).sort_values(["skolenhetskod", "aldersgrupp"]).reset_index(drop=True)
    return out


def test_xlsx_csv_and_sav_give_identical_tables(tmp_path):
    rows = responses()
    loaded = {}
    for fmt, writer in (("xlsx", write_guardian_xlsx), ("csv", write_guardian_csv), ("sav", write_sav)):
        data = tmp_path / fmt / "data"
        write_guardian_common(data / "raw" / PERIOD)
        writer(data / "raw" / PERIOD, rows)
        loaded[fmt] = tables(load(data))
    for name, table in loaded["xlsx"].items():
        pd.testing.assert_frame_equal(table, loaded["csv"][name], obj=f"csv {name}")
        pd.testing.assert_frame_equal(table, loaded["sav"][name], obj=f"sav {name}")
    # And the tables hold what was written: the headline of one age group counted here.
    summary = loaded["xlsx"]["aldersgrupp"].set_index(["question", "aldersgrupp"])
    young = [r for r in rows if r["group"] == "1–3 år"]
    assert summary.at[("tryggt", "1–3 år"), "headline"] == sum(r["tryggt"] in AGREE for r in young)
    assert summary.at[("tryggt", "1–3 år"), "answered"] == sum(r["tryggt"] in FIVE[:5] for r in young)


def test_an_unknown_age_group_in_barnantal_stops_the_run(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD, age_groups={("22222222", "4–5 år"): "yngre"})
    write_guardian_xlsx(data / "raw" / PERIOD, responses())
    with pytest.raises(DataError) as err:
        load(data)
    assert "Okänd åldersgrupp" in str(err.value) and "«yngre»" in str(err.value) and "barnantal.csv" in str(err.value)


def test_identifying_columns_are_dropped_with_a_note(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD)
    write_guardian_xlsx(data / "raw" / PERIOD, responses(), extra={"E-post": EMAIL, "IP-adress": "192.0.2.7"})
    loaded = load(data)
    assert EMAIL not in loaded.long.to_csv() and "192.0.2.7" not in loaded.long.to_csv()
    notes = [c for c in loaded.checks if "E-post" in str(c.observed) or "E-post" in " ".join(c.values)]
    assert notes, [c.summary() for c in loaded.checks]


def test_the_plans_indicator_is_the_estimate_of_all_children(tmp_path):
    data = tmp_path / "data"
    write_guardian_common(data / "raw" / PERIOD)
    write_guardian_xlsx(data / "raw" / PERIOD, responses())
    value = INSTRUMENT.indicator(PERIOD, data, "tryggt")
    rows = responses()
    assert (value.numerator, value.denominator) == (
        sum(r["tryggt"] in AGREE for r in rows),
        sum(r["tryggt"] in FIVE[:5] for r in rows),
    )
    assert value.interval[0] < value.value < value.interval[1]
    young = INSTRUMENT.indicator(PERIOD, data, "tryggt", aldersgrupp="1-3")
    assert young.denominator == sum(r["tryggt"] in FIVE[:5] for r in rows if r["group"] == "1–3 år")
    with pytest.raises(DataError, match="yngre"):
        INSTRUMENT.indicator(PERIOD, data, "tryggt", aldersgrupp="yngre")


# --- one run through the CLI, shared -----------------------------------------------------------


def text_of(path: Path) -> str:
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def hashes(*folders: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder.parent)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("forskola")
    data, reports = tmp / "data", tmp / "reports"
    write_guardian_common(data / "raw" / PERIOD, names=(CHILD,))
    write_guardian_xlsx(data / "raw" / PERIOD, responses())
    argv = ["run", "--period", PERIOD, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-04-01"]
    assert main(argv) == 0
    return data, reports


def ratio_estimate(rows: list[dict], qid: str) -> float:
    """Σ_h N_h/n_h · (agreeing) / Σ_h N_h/n_h · (answered): strata unit × age group, n_h questionnaires."""
    sent = {}
    for r in rows:
        sent[(r["unit"], r["group"])] = sent.get((r["unit"], r["group"]), 0) + 1
    weight = {h: CHILDREN[h] / n for h, n in sent.items()}
    top = sum(weight[(r["unit"], r["group"])] for r in rows if r[qid] in AGREE)
    bottom = sum(weight[(r["unit"], r["group"])] for r in rows if r[qid] in FIVE[:5])
    return top / bottom


@pytest.mark.e2e
def test_the_contracts_sentences_with_counts_made_here(run):
    _, reports = run
    text = text_of(reports / PERIOD / "vardnadshavarenkat_ledning.html")
    rows = responses()
    for qid, statement in (
        ("tryggt", "instämmer i att barnet känner sig tryggt i förskolan"),
        ("trivs", "instämmer i att barnet trivs i förskolan"),
    ):
        agree = sum(r[qid] in AGREE for r in rows)
        answered = sum(r[qid] in FIVE[:5] for r in rows)
        dont_know = sum(r[qid] == "Vet ej" for r in rows)
        blank = sum(r[qid] == "" for r in rows)
        sentence = (
            f"{agree} av {answered} vårdnadshavare som besvarat frågan ({fmt_pct(agree / answered)}) {statement}; "
            f"{dont_know} svarade Vet ej" + (f" och {blank} lämnade frågan obesvarad" if blank else "") + "."
        )
        assert " ".join(sentence.split()) in text, sentence
        estimate = f"Skattat för alla barn i förskolan: {fmt_pct(ratio_estimate(rows, qid))} ("
        rate = f"Svarsfrekvens {fmt_pct(len(rows) / sum(CHILDREN.values()))} ({len(rows)} av {fmt_int(sum(CHILDREN.values()))})."
        assert " ".join(estimate.split()) in text and " ".join(rate.split()) in text
    # The tiny unit is hidden in the funnels, by name.
    assert "Visas inte" in text and PRESCHOOLS["03333333"] in text


@pytest.mark.e2e
def test_comments_only_for_researchers_redacted(run):
    data, reports = run
    lead = text_of(reports / PERIOD / "vardnadshavarenkat_ledning.html")
    research = text_of(reports / PERIOD / "vardnadshavarenkat_analys.html")
    assert "blir retad vid sandlådan" in research and "blir retad vid sandlådan" not in lead
    assert "Bra förskola." not in lead

    def texts(path: Path) -> str:
        if path.suffix == ".parquet":
            return pd.read_parquet(path).to_csv()
        if path.suffix in (".docx", ".pptx"):
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
                return " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        return path.read_bytes().decode("utf-8", "ignore")

    outputs = [p for folder in (reports, data / "processed") for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in outputs) and any(p.suffix == ".html" for p in outputs)
    for path in outputs:
        content = html.unescape(texts(path))
        for planted in (CHILD, PHONE, EMAIL, "070-1234567"):
            assert planted not in content, (planted, path)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "change,column,value,unit",
    [
        (lambda rows, children: rows[0].update(age="Under 1 år"), "Barnets ålder", "Under 1 år", "förskola 11111111"),
        (lambda rows, children: rows[0].update(unit="99999999"), "Förskola", "99999999", "förskola 99999999"),
        (lambda rows, children: children.update({("22222222", "4–5 år"): 4}), "Förskola", "5 enkäter, 4 barn", "22222222"),
    ],
)
def test_bad_values_stop_the_run_and_change_nothing(run, tmp_path, capsys, change, column, value, unit):
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(run[0], data)
    shutil.copytree(run[1], reports)
    before = hashes(data / "processed", reports)
    rows, children = responses(), dict(CHILDREN)
    change(rows, children)
    folder = data / "raw" / PERIOD
    write_guardian_common(folder, children=children, names=(CHILD,))
    (folder / "vardnadshavarenkat.xlsx").unlink()
    write_guardian_csv(folder, rows)
    argv = ["run", "--period", PERIOD, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-04-02"]
    capsys.readouterr()
    assert main(argv) == 1
    _, err = capsys.readouterr()
    assert err.startswith("Fel: ") and "Traceback" not in err
    for part in ("vardnadshavarenkat.csv", f"«{column}»", value, unit):
        assert part in err, (part, err)
    assert hashes(data / "processed", reports) == before
