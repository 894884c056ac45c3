"""The preschool guardian survey's report, one run through the CLI shared by the tests: the
contract's sentences with counts made here, comments only for researchers, and bad values
that stop a later run and change nothing."""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from contract_files import CHILDREN, FIVE, PRESCHOOLS, write_guardian_common, write_guardian_csv, write_guardian_xlsx
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.formatting import fmt_int, fmt_pct
from guardian_files import AGREE, CHILD, EMAIL, PERIOD, PHONE, responses


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
def test_preschools_are_called_preschools_not_school_units(run):
    _, reports = run
    units = reports / PERIOD / "enheter"
    pages = [
        text_of(units / "index.html"),
        text_of(units / "03333333.html"),
        text_of(reports / PERIOD / "vardnadshavarenkat_ledning.html"),
    ]
    assert "Förskolornas profiler" in pages[0] and "En profil per förskola" in pages[0]
    assert "Alla förskolor" in pages[1] and "Enhetskod 03333333" in pages[1]
    assert "varje punkt är en förskola" in pages[2]
    for page in pages:
        assert "skolenhet" not in page.lower()


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
