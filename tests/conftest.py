"""Shared fixtures: contract-conformant period folders written by the tests themselves.

The 2024 answers below reproduce the seed's table (12 av 18, 17 av 18, …) but are typed
here independently of the package's sample-data generator, so a bug there cannot hide one
in the loaders.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import shutil

import openpyxl
import pytest

from elevhalsa_analysis.cli import main
from elevhalsa_analysis.config import DATA_DIR

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ELEVHALSA_SALT", "test-salt")

Q = {
    "tagit_del_av_planen": "Har du tagit del av den uppdaterade övergripande elevhälsoplanen?",
    "tillgang_kompetenser": "Vilka av elevhälsans kompetenser har du tillgång till?",
    "tillgang_forebyggande": "Har du tillgång till elevhälsan på ett sätt som möjliggör förebyggande och hälsofrämjande arbete?",
    "samsyn_eht": "Råder det samsyn inom elevhälsoteamet kring hur elevhälsoarbetet ska bedrivas?",
    "foljer_upp_analyserar": "Följer du kontinuerligt upp och analyserar elevhälsoarbetet?",
    "stod_mot_malen": "Anser du att elevhälsan på ett fullgott sätt stödjer elevernas utveckling mot målen?",
    "samarbete_fungerar": "Fungerar samarbetet med elevhälsan bra?",
    "behov_kompetensutveckling": "Behövs gemensamma kompetensutvecklingsinsatser inom elevhälsoarbetet?",
    "kommentarer": "Övriga kommentarer och förslag på förbättringar",
}
ALL5 = "Skolläkare;Skolsköterska;Psykolog;Kurator;Specialpedagogisk kompetens;"
SV_META = ["ID", "Starttid", "Tid för slutförande", "E-post", "Namn"]
EN_META = ["ID", "Start time", "Completion time", "Email", "Name"]


def principals(n: int = 18) -> list[dict[str, str]]:
    first = ["Anna", "Bertil", "Cecilia", "David", "Eva", "Fredrik", "Greta", "Hassan", "Ingrid", "Johan",
             "Karin", "Lars", "Maria", "Nils", "Olga", "Per", "Rut", "Sara"]
    rows = []
    for i in range(n):
        name = f"{first[i]} Testsson{i}"
        rows.append({"e-post": f"{first[i].lower()}.testsson{i}@skola.example",
                     "namn": name, "skolenhetskod": f"{i + 1:08d}" if i else "01234567",
                     "skolenhet": f"Testskolan {i + 1}", "skolform": "Anpassad grundskola" if i == 17 else "Grundskola"})
    return rows


def answers_2024() -> list[dict[str, str]]:
    """Per principal (same order as `principals`) the seed's 2024 answers."""
    rows = []
    for i in range(18):
        rows.append({
            "tagit_del_av_planen": "Ja" if i < 12 else "Nej",
            "tillgang_kompetenser": ALL5 if i < 17 else "Skolsköterska;Kurator;Specialpedagogisk kompetens;",
            "tillgang_forebyggande": "Ja" if i < 6 else ("Till viss del" if i < 15 else "Nej"),
            "samsyn_eht": "Ja" if i < 14 else "Till viss del",
            "foljer_upp_analyserar": "Ja" if i < 17 else "Till viss del",
            "stod_mot_malen": "Ja" if i < 6 else ("Nej" if i < 12 else ""),
            "samarbete_fungerar": "Ja" if i < 16 else "Till viss del",
            "behov_kompetensutveckling": "Ja" if i < 9 else ("Till viss del" if i < 15 else "Nej"),
            "kommentarer": "",
        })
    return rows


def export_rows(people, answers, meta=SV_META, start=dt.datetime(2024, 9, 2, 8, 0)):
    header = [*meta, *Q.values()]
    rows = []
    for i, (p, a) in enumerate(zip(people, answers)):
        t0 = start + dt.timedelta(hours=5 * i)
        rows.append([str(i + 1), t0, t0 + dt.timedelta(minutes=7), p["e-post"], p["namn"], *[a[k] for k in Q]])
    return header, rows


def write_period(folder: Path, label="juni–oktober 2024", start="2024-06-01", end="2024-10-31") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "period.yaml").write_text(
        f"label: {label}\nstart: {start}\nend: {end}\npopulation: rektorer inom grundskolan\n", encoding="utf-8")


def write_register(folder: Path, people) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["e-post", "namn", "skolenhetskod", "skolenhet", "skolform"], lineterminator="\n")
    w.writeheader()
    w.writerows(people)
    (folder / "rektorer.csv").write_text(buf.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, header, rows, sheet="Sheet1") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    wb.save(path)


def write_csv(path: Path, header, rows, sep=";", encoding="utf-8") -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime) else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))


@pytest.fixture
def period_2024(tmp_path: Path) -> Path:
    """A data dir with one period 2024-10 reproducing the seed (xlsx, Swedish headers)."""
    folder = tmp_path / "data" / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people, answers_2024()))
    return tmp_path / "data"


def copy_sample(tmp_path: Path, periods=("2023-10", "2024-10", "2025-10")) -> Path:
    """A private copy of the committed sample periods, so runs never touch data/."""
    data = tmp_path / "data"
    for p in periods:
        shutil.copytree(DATA_DIR / "raw" / p, data / "raw" / p)
    return data


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> tuple[Path, Path]:
    """The 2024-10 sample period run once through the CLI: (data dir, reports dir)."""
    tmp = tmp_path_factory.mktemp("sample")
    data = copy_sample(tmp)
    reports = tmp / "reports"
    argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
    assert main(argv) == 0
    return data, reports
