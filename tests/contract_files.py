"""Contract-valid period folders written by the tests themselves, one builder per instrument.

Everything here follows /work/shared/data-contract*.md, typed independently of the package's
sample-data generators, so a bug there cannot hide one in the loaders or the reports. The
principal survey's 2024 answers reproduce the seed's table (12 av 18, 17 av 18, ...).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import yaml

from elevhalsa_analysis.config import DATA_DIR

# --- the principal survey (data-contract.md) ---------------------------------------------------

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
    first = [
        "Anna",
        "Bertil",
        "Cecilia",
        "David",
        "Eva",
        "Fredrik",
        "Greta",
        "Hassan",
        "Ingrid",
        "Johan",
        "Karin",
        "Lars",
        "Maria",
        "Nils",
        "Olga",
        "Per",
        "Rut",
        "Sara",
    ]
    rows = []
    for i in range(n):
        name = f"{first[i]} Testsson{i}"
        rows.append(
            {
                "e-post": f"{first[i].lower()}.testsson{i}@skola.example",
                "namn": name,
                "skolenhetskod": f"{i + 1:08d}" if i else "01234567",
                "skolenhet": f"Testskolan {i + 1}",
                "skolform": "Anpassad grundskola" if i == 17 else "Grundskola",
            }
        )
    return rows


def answers_2024() -> list[dict[str, str]]:
    """Per principal (same order as `principals`) the seed's 2024 answers."""
    rows = []
    for i in range(18):
        rows.append(
            {
                "tagit_del_av_planen": "Ja" if i < 12 else "Nej",
                "tillgang_kompetenser": ALL5 if i < 17 else "Skolsköterska;Kurator;Specialpedagogisk kompetens;",
                "tillgang_forebyggande": "Ja" if i < 6 else ("Till viss del" if i < 15 else "Nej"),
                "samsyn_eht": "Ja" if i < 14 else "Till viss del",
                "foljer_upp_analyserar": "Ja" if i < 17 else "Till viss del",
                "stod_mot_malen": "Ja" if i < 6 else ("Nej" if i < 12 else ""),
                "samarbete_fungerar": "Ja" if i < 16 else "Till viss del",
                "behov_kompetensutveckling": "Ja" if i < 9 else ("Till viss del" if i < 15 else "Nej"),
                "kommentarer": "",
            }
        )
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
        f"label: {label}\nstart: {start}\nend: {end}\npopulation: rektorer inom grundskolan\n", encoding="utf-8"
    )


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


# --- the student survey (data-contract-elevenkat.md) --------------------------------------------

STUDENT_Q = {
    "trygg_i_skolan": "Jag känner mig trygg i skolan.",
    "vuxna_agerar": "De vuxna på skolan gör något om en elev blir illa behandlad.",
    "vuxen_att_prata_med": "Det finns vuxna på skolan som jag kan prata med om jag mår dåligt.",
    "vet_kontakt_elevhalsan": "Jag vet hur jag får kontakt med skolsköterskan, kuratorn eller psykologen.",
    "blivit_krankt": "Har du blivit kränkt eller illa behandlad i skolan under det här läsåret?",
    "vill_beratta": "Är det något mer du vill berätta om hur du har det i skolan?",
}
SCALE = ["Stämmer helt och hållet", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls", "Vet ej"]
JA_NEJ = ["Ja", "Nej", "Vill inte svara"]
GENDERS = ["Flicka", "Pojke", "Annat alternativ", "Vill inte svara"]
UNITS = {
    "01234567": ("Äppelskolan", "Grundskola"),
    "23456789": ("Päronskolan", "Grundskola"),
    "34567890": ("Plommongymnasiet", "Gymnasieskola"),
}
ENROLLED = {("01234567", "Åk 5"): 30, ("01234567", "Åk 8"): 25, ("23456789", "Åk 5"): 12, ("34567890", "Gy 2"): 40}
STUDENT_HEADER = ["Svars-ID", "Skolenhetskod", "Årskurs", "Kön", "Slutförd", *STUDENT_Q.values()]


def write_student_common(
    folder: Path, label="våren 2024", start="2024-03-01", end="2024-04-30", enrolled=ENROLLED, names=("Kim Ek",)
) -> None:
    """period.yaml, elevantal.csv (with a year group the survey does not ask) and namnlista.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "period.yaml").write_text(f"label: {label}\nstart: {start}\nend: {end}\npopulation: elever\n", encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["skolenhetskod", "skolenhet", "skolform", "årskurs", "antal"])
    for (unit, year), n in enrolled.items():
        w.writerow([unit, *UNITS[unit], year, n])
    w.writerow(["01234567", "Äppelskolan", "Grundskola", "Åk 6", 28])  # every year group may be listed
    (folder / "elevantal.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "namnlista.txt").write_text("# personal\n" + "".join(f"{n}\n" for n in names), encoding="utf-8")


def student_table_rows(rows: list[dict]) -> list[list[str]]:
    """Rows as the export holds them: `year_written` if given, else the canonical year group;
    a question missing from a row is an empty cell."""
    return [
        [
            r["id"],
            r["unit"],
            r.get("year_written", r["year"]),
            r.get("kon", ""),
            "2024-03-20 10:00",
            *(r.get(qid, "") for qid in STUDENT_Q),
        ]
        for r in rows
    ]


def write_student_xlsx(folder: Path, rows: list[dict], header=STUDENT_HEADER, extra: dict | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*header, *(extra or {})])
    for row in student_table_rows(rows):
        ws.append([v or None for v in row] + list((extra or {}).values()))
    wb.save(folder / "elevenkat.xlsx")


def write_student_csv(folder: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(STUDENT_HEADER)
    w.writerows(student_table_rows(rows))
    (folder / "elevenkat.csv").write_bytes(buf.getvalue().encode("cp1252"))


# --- the operations-plan follow-up (data-contract-verksamhetsplan.md) ----------------------------

INSATS_HEADER = ["insats", "status", "ansvarig", "kommentar"]
ABSENCE_HEADER = [
    "Personnummer",
    "Namn",
    "Skolenhetskod",
    "Skolenhet",
    "Årskurs",
    "Termin",
    "Schemalagd tid (min)",
    "Giltig frånvaro (min)",
    "Ogiltig frånvaro (min)",
]
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
POPULATION_HEADER = ["skolenhetskod", "skolenhet", "skolform", "årskurs", "antal"]


def write_plan_period(
    folder: Path,
    plan: dict,
    *,
    label="2024",
    start="2024-01-01",
    end="2024-12-31",
    insatser: list[list[str]] | None = None,
    kommentar=True,
    elevantal: list[list] | None = None,
    franvaro: list[list] | None = None,
    krankningar: list[list] | None = None,
) -> None:
    """A yearly follow-up: period.yaml and verksamhetsplan.yaml always, every other file only
    when its rows are given (an empty list writes the header alone). Without `kommentar` the
    insatser file lacks that optional column."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "period.yaml").write_text(f'label: "{label}"\nstart: {start}\nend: {end}\npopulation: elever\n', encoding="utf-8")
    (folder / "verksamhetsplan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if insatser is not None:
        header = INSATS_HEADER if kommentar else INSATS_HEADER[:3]
        write_xlsx(folder / "insatser.xlsx", header, [row[: len(header)] for row in insatser])
    if elevantal is not None:
        write_csv(folder / "elevantal.csv", POPULATION_HEADER, elevantal, sep=",")
    if franvaro is not None:
        write_xlsx(folder / "franvaro.xlsx", ABSENCE_HEADER, franvaro)
    if krankningar is not None:
        write_csv(folder / "krankningar.csv", REPORT_HEADER, krankningar, encoding="cp1252")


# --- the preschool guardian survey (data-contract-forskola.md) -----------------------------------

GUARDIAN_Q = {
    "tryggt": "Mitt barn känner sig tryggt i förskolan.",
    "trivs": "Mitt barn trivs i förskolan.",
    "bemots_med_respekt": "Personalen bemöter mitt barn med respekt.",
    "arbetar_mot_krankningar": "Förskolan arbetar aktivt för att inget barn ska bli kränkt.",
    "far_stod": "Mitt barn får det stöd det behöver.",
    "information_utveckling": "Jag får information om hur mitt barn utvecklas och lär sig.",
    "nojd_helhet": "Jag är som helhet nöjd med mitt barns förskola.",
    "kommentar": "Vill du berätta något mer om ditt barns förskola?",
}
# As the tool writes them: the endpoints with their words, the middle as bare digits.
FIVE = ["1 Stämmer inte alls", "2", "3", "4", "5 Stämmer helt och hållet", "Vet ej"]
PRESCHOOLS = {"11111111": "Förskolan Ekorren", "22222222": "Förskolan Lärkan", "03333333": "Förskolan Myran"}
CHILDREN = {
    ("11111111", "1–3 år"): 30,
    ("11111111", "4–5 år"): 20,
    ("22222222", "1–3 år"): 12,
    ("22222222", "4–5 år"): 8,
    ("03333333", "1–3 år"): 4,
    ("03333333", "4–5 år"): 3,
}
GUARDIAN_HEADER = ["Svars-ID", "Förskola", "Förskolans namn", "Barnets ålder", "Slutförd", *GUARDIAN_Q.values()]


def write_guardian_common(folder: Path, children=CHILDREN, names=("Tindra",), age_groups: dict | None = None) -> None:
    """period.yaml (spring 2025), barnantal.csv (age groups as written, `1-3` for one row) and namnlista.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "period.yaml").write_text(
        "label: våren 2025\nstart: 2025-02-24\nend: 2025-03-21\npopulation: barn i förskolan\n", encoding="utf-8"
    )
    written = age_groups or {("22222222", "1–3 år"): "1-3"}
    rows = [[unit, PRESCHOOLS[unit], written.get((unit, group), group), n] for (unit, group), n in children.items()]
    write_csv(folder / "barnantal.csv", ["enhetskod", "enhet", "aldersgrupp", "antal"], rows, sep=",")
    (folder / "namnlista.txt").write_text("# barnens namn\n" + "".join(f"{n}\n" for n in names), encoding="utf-8")


def guardian_table_rows(rows: list[dict]) -> list[list[str]]:
    """Rows as the export holds them; `age` as the tool wrote it (`3`, `3 år`, `Under 1 år`)."""
    return [
        [r["id"], r["unit"], PRESCHOOLS.get(r["unit"], ""), r["age"], "2025-03-10 10:00", *(r.get(q, "") for q in GUARDIAN_Q)]
        for r in rows
    ]


def write_guardian_xlsx(folder: Path, rows: list[dict], extra: dict | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*GUARDIAN_HEADER, *(extra or {})])
    for row in guardian_table_rows(rows):
        ws.append([v or None for v in row] + list((extra or {}).values()))
    wb.save(folder / "vardnadshavarenkat.xlsx")


def write_guardian_csv(folder: Path, rows: list[dict]) -> None:
    write_csv(folder / "vardnadshavarenkat.csv", GUARDIAN_HEADER, guardian_table_rows(rows), sep=";", encoding="cp1252")


# --- the committed sample periods ------------------------------------------------------------


def copy_sample(tmp_path: Path, periods=("2023-10", "2024-10", "2025-10")) -> Path:
    """A private copy of the committed sample periods, so runs never touch data/."""
    data = tmp_path / "data"
    for p in periods:
        shutil.copytree(DATA_DIR / "raw" / p, data / "raw" / p)
    return data
