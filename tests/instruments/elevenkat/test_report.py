"""The student survey's reports from the committed sample's generator, two full runs through the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from elevhalsa_analysis.cli import main
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.instruments.elevenkat.loading import load_student_period
from elevhalsa_analysis.periods import list_periods
from elevhalsa_analysis.registry import get
from elevhalsa_analysis.suppression import MIN_GROUP
from sample_elevenkat import write_sample_data

CB = load_codebook("elevenkat")


def load(data: Path, period: str):
    return load_student_period(CB, period, dict(list_periods(data))[period], data)


def text_of(path: Path) -> str:
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("elevenkat")
    data, reports = tmp / "data", tmp / "reports"
    write_sample_data(data / "raw")
    for period in ("2024-04", "2025-04"):
        assert (
            main(["run", "--period", period, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-05-01"])
            == 0
        )
    return data, reports


@pytest.mark.e2e
def test_2024_compares_with_2023_in_the_contracts_sentences(sample_reports):
    _, reports = sample_reports
    text = text_of(reports / "2024-04" / "elevenkat_ledning.html")
    assert "Syntetiska exempeldata" in text
    assert re.search(
        r"\d+ av \d+ elever i åk 8 som besvarat frågan \(\d+ %\) känner sig trygga i skolan; \d+ svarade Vet ej", text
    )
    assert re.search(r"Skattat för alla elever i åk 8: \d+ % \(\d+–\d+ %\)\. Svarsfrekvens \d+ % \(\d+ av \d+\)\.", text)
    assert "förutsätter att de elever som svarade liknar dem som inte svarade" in text
    assert "Jämfört med våren 2023" in text and "statistiskt säkerställd ökning" in text
    assert "Ingen jämförelse" not in text


@pytest.mark.e2e
def test_the_summary_table_states_who_answered_each_question(sample_reports):
    data, reports = sample_reports
    page = (reports / "2024-04" / "elevenkat_ledning.html").read_text(encoding="utf-8")
    table = html.unescape(re.search(r'<h2 id="sammanfattning">.*?</table>.*?</p>', page, flags=re.S).group(0))
    population = pd.read_csv(data / "raw" / "2024-04" / "elevantal.csv", dtype=str)
    year_column = next(c for c in population.columns if c.lower().startswith("årskurs"))
    enrolled = population.assign(antal=population["antal"].astype(int)).groupby(year_column)["antal"].sum()
    cells = re.findall(r"<td[^>]*>([^<]*;[^<]*)</td>", table)
    assert cells
    for cell in cells:
        answered, of = (
            int(x.replace("\u00a0", "").replace(" ", ""))
            for x in re.search(r"; ([\d\s\u00a0]+) av ([\d\s\u00a0]+)$", cell).groups()
        )
        assert answered <= of and of in set(enrolled.tolist()), cell
    assert "elever som besvarade frågan av alla elever i årskursen" in table and "Vet ej" in table


@pytest.mark.e2e
def test_2025_compares_no_statement_with_2024_and_says_why(sample_reports):
    _, reports = sample_reports
    text = text_of(reports / "2025-04" / "elevenkat_ledning.html")
    statements = [q for q in CB.version_for(dt.date(2025, 4, 25)).closed_questions if q.scale == "instammande"]
    sections = {q.id: text.split(f" {q.short} Fråga: «")[1].split(" Svar per årskurs")[0] for q in statements}
    for qid, section in sections.items():
        assert "Jämfört med våren 2024" not in section, qid
        assert section.count("Ingen jämförelse med våren 2024: svarsalternativen har ändrats") == 3, qid
    krankt = text.split(" Blivit kränkt eller illa behandlad Fråga: «")[1].split(" Svar per årskurs")[0]
    assert "Jämfört med våren 2024" in krankt


@pytest.mark.e2e
def test_comments_only_for_researchers_redacted_and_escaped(sample_reports):
    data, reports = sample_reports
    for period in ("2024-04", "2025-04"):
        leadership = (reports / period / "elevenkat_ledning.html").read_text(encoding="utf-8")
        researchers = (reports / period / "elevenkat_analys.html").read_text(encoding="utf-8")
        assert "gruppchatten" not in leadership and "Kommentarer" not in text_of(reports / period / "elevenkat_ledning.html")
        assert "&lt;script&gt;" in researchers and "<script>alert" not in researchers
        assert "[telefonnummer]" in researchers and "070-123 45 67" not in researchers
        # Klöverskolan's groups have fewer than five respondents: its comment is not shown.
        assert "alla vet vem som skrivit" not in researchers
        for name in ("Kerstin Ahl", "Mohammed Rahimi", "Lisa Berg"):
            assert name not in researchers


@pytest.mark.e2e
def test_no_identifying_column_in_any_processed_file(sample_reports):
    data, _ = sample_reports
    files = list((data / "processed").rglob("*.parquet"))
    assert files
    for path in files:
        frame = pd.read_parquet(path)
        assert not {"E-post", "IP-adress", "email", "ip"} & set(frame.columns), path
        blob = frame.astype(str).to_csv()
        assert "@skola.exempel.se" not in blob and "192.0.2." not in blob, path


@pytest.mark.e2e
def test_suppressed_units_are_listed_and_the_plan_gets_an_estimate(sample_reports):
    data, reports = sample_reports
    text = text_of(reports / "2024-04" / "elevenkat_ledning.html")
    assert "Visas inte" in text and "Klöverskolan" in text.split("Visas inte")[1][:200]
    value = get("elevenkat").indicator("2024-04", data, "trygg_i_skolan", arskurs="åk8")
    assert value.unit == "%" and value.interval[0] < value.value < value.interval[1]
    assert 0 < value.numerator < value.denominator


@pytest.mark.e2e
def test_sample_data_is_deterministic_synthetic_and_the_committed_copy(sample_reports, tmp_path):
    from elevhalsa_analysis.config import DATA_DIR

    data, _ = sample_reports
    again = write_sample_data(tmp_path / "raw")
    assert {p.parent.name for p in again} == {"2023-04", "2024-04", "2025-04"}
    for path in again:
        rel = path.relative_to(tmp_path / "raw")
        # Digests, not bytes: pytest's diff of two 100 kB byte strings can run for an hour.
        digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (path, data / "raw" / rel, DATA_DIR / "raw" / rel)}
        assert len(digests) == 1, f"{rel} differs between two runs of the generator or from the committed copy"
    for period in ("2023-04", "2024-04", "2025-04"):
        meta = dict(list_periods(data))[period]
        assert meta.syntetisk and meta.population == "elever"
        assert "SYNTETISKA EXEMPELDATA" in (data / "raw" / period / "LÄSMIG.txt").read_text(encoding="utf-8")
    small = load(data, "2024-04").units
    assert (small["svar"] < MIN_GROUP).any() and len(small["skolenhetskod"].unique()) == 21
    assert load(data, "2025-04").version.version == "2025.1"
