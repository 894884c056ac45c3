"""Deterministic SYNTHETIC sample data for the preschool guardian survey (vårdnadshavarenkät).

Written by ``make sample-data`` (all instruments) or :func:`write_sample_data`. Two spring
surveys, each as ``DIR/<period>/`` with ``period.yaml`` (``syntetisk: true``),
``barnantal.csv``, ``namnlista.txt``, ``LÄSMIG.txt`` and the export, laid out as in
``shared/data-contract-forskola.md``. Everything is invented.

25 preschool units answer; Förskolan Myrstigen is tiny (three children of 1–3 and two of
4–5), so its groups are hidden.

* ``2024-03``: ``vardnadshavarenkat.csv`` (Windows-1252, ``;``), headers ``ID`` and
  ``Enhetskod``, ages written ``3 år``, answers with the middle as bare digits.
* ``2025-03``: ``vardnadshavarenkat.xlsx``; the tool added ``E-post``, ``IP-adress`` and
  ``Förskolans namn``; unit codes are number cells (leading zeros lost).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from random import Random

from openpyxl import Workbook

from elevhalsa_analysis.privacy import NAMES_FILE
from sample_data import SYNTHETIC_COMMENT, workbook_bytes
from sample_elevenkat import _csv

SEED = 2503
README_FILE = "LÄSMIG.txt"
POPULATION = "barn i förskolan"

NAMES = [
    "Ängen",
    "Blåklinten",
    "Citronfjärilen",
    "Dammen",
    "Ekorren",
    "Fågelsången",
    "Granen",
    "Humlan",
    "Igelkotten",
    "Järnet",
    "Kastanjen",
    "Lärkan",
    "Myrstigen",
    "Nyponet",
    "Ormbunken",
    "Pilträdet",
    "Regnbågen",
    "Solrosen",
    "Tallkotten",
    "Ugglan",
    "Vitsippan",
    "Ängsmyran",
    "Ekbacken",
    "Björkhagen",
    "Lönnen",
]
UNITS = [
    (f"{83100000 + 137 * i:08d}", f"{name}s förskola" if not name.endswith("n") else f"Förskolan {name}")
    for i, name in enumerate(NAMES)
]
TINY = 12  # Myrstigen
AGE_GROUPS = {"1–3 år": (1, 2, 3), "4–5 år": (4, 5)}
QUESTIONS = {
    "tryggt": "Mitt barn känner sig tryggt i förskolan.",
    "trivs": "Mitt barn trivs i förskolan.",
    "bemots_med_respekt": "Personalen bemöter mitt barn med respekt.",
    "arbetar_mot_krankningar": "Förskolan arbetar aktivt för att inget barn ska bli kränkt.",
    "far_stod": "Mitt barn får det stöd det behöver.",
    "information_utveckling": "Jag får information om hur mitt barn utvecklas och lär sig.",
    "nojd_helhet": "Jag är som helhet nöjd med mitt barns förskola.",
    "kommentar": "Vill du berätta något mer om ditt barns förskola?",
}
STATEMENTS = list(QUESTIONS)[:-1]
SCALE = ["1 Stämmer inte alls", "2", "3", "4", "5 Stämmer helt och hållet", "Vet ej"]
# Probability of 4 or 5 per question; the support question is lower, as in national surveys.
AGREE = {
    "tryggt": 0.93,
    "trivs": 0.92,
    "bemots_med_respekt": 0.94,
    "arbetar_mot_krankningar": 0.82,
    "far_stod": 0.78,
    "information_utveckling": 0.72,
    "nojd_helhet": 0.88,
}
DONT_KNOW = {"arbetar_mot_krankningar": 0.12, "far_stod": 0.06}
SKIPPED = 0.01
CHILD_NAMES = ["Elvira", "Noel", "Saga"]
COMMENTS = [
    "Fantastisk personal som ser varje barn.",
    "Önskar mer information om vad barnen gör under dagen.",
    "Barngrupperna är för stora.",
    "Vi är mycket nöjda med inskolningen.",
    "Utegården behöver rustas upp.",
    "Mer personal behövs vid lämning på morgonen.",
]
RISKY = [
    "Elvira har berättat att hon blir retad vid sandlådan.",
    "Ring mig gärna på 070-765 43 21 så berättar jag mer.",
    "Skriv till mig: foralder.exempel@hem.exempel.se",
    "Noel och Saga leker så fint tillsammans.",
    "<b>mer</b> utevistelse & <script>alert('hej')</script>",
]


@dataclass(frozen=True)
class Survey:
    pid: str
    label: str
    start: dt.date
    end: dt.date
    export: str


SURVEYS = [
    Survey("2024-03", "våren 2024", dt.date(2024, 2, 26), dt.date(2024, 3, 22), "vardnadshavarenkat.csv"),
    Survey("2025-03", "våren 2025", dt.date(2025, 2, 24), dt.date(2025, 3, 21), "vardnadshavarenkat.xlsx"),
]


def enrolment(rng: Random) -> dict[tuple[str, str], int]:
    out = {}
    for i, (code, _) in enumerate(UNITS):
        for group in AGE_GROUPS:
            out[(code, group)] = ({"1–3 år": 3, "4–5 år": 2}[group]) if i == TINY else rng.randint(14, 48)
    return out


def _answer(rng: Random, qid: str) -> str:
    u = rng.random()
    if u < SKIPPED:
        return ""
    if u < SKIPPED + DONT_KNOW.get(qid, 0.02):
        return SCALE[5]
    if rng.random() < AGREE[qid]:
        return SCALE[4] if rng.random() < 0.6 else SCALE[3]
    return rng.choice(SCALE[:3])


def responses(rng: Random, survey: Survey, enrolled: dict[tuple[str, str], int]) -> list[dict]:
    rows = []
    for (code, group), n in sorted(enrolled.items()):
        answered = n - 1 if n <= 5 else round(n * rng.uniform(0.45, 0.85))
        for _ in range(answered):
            row = {"enhetskod": code, "alder": rng.choice(AGE_GROUPS[group])}
            row.update({qid: _answer(rng, qid) for qid in STATEMENTS})
            row["kommentar"] = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
            rows.append(row)
    rng.shuffle(rows)
    large = [r for r in rows if r["enhetskod"] != UNITS[TINY][0]]
    for text, row in zip(RISKY, rng.sample(large, len(RISKY))):
        row["kommentar"] = text
    small = [r for r in rows if r["enhetskod"] == UNITS[TINY][0]]
    small[0]["kommentar"] = "Vi är så få här att alla vet vem som skrivit det här."
    days = [survey.start + dt.timedelta(days=i) for i in range((survey.end - survey.start).days)]
    days = [d for d in days if d.weekday() < 5]
    stamps = sorted(dt.datetime.combine(rng.choice(days), dt.time(rng.randint(7, 21), rng.randint(0, 59))) for _ in rows)
    for i, (row, stamp) in enumerate(zip(rows, stamps), start=1):
        row["id"], row["completed"] = str(i), stamp
    return rows


def _period_yaml(survey: Survey) -> str:
    return (
        f"{SYNTHETIC_COMMENT}\nlabel: {survey.label}\nstart: {survey.start.isoformat()}\nend: {survey.end.isoformat()}\n"
        f"population: {POPULATION}\nsyntetisk: true\n"
    )


def _readme(survey: Survey) -> str:
    return (
        "SYNTETISKA EXEMPELDATA – inte verkliga svar.\n\n"
        f"Filerna i den här mappen ({survey.pid}, vårdnadshavarenkäten i förskolan {survey.label}) är påhittade.\n"
        "De har skapats av programmet tools/sample_vardnadshavarenkat.py för att visa och testa analysen.\n"
        "Förskolor, barnantal, svar, kommentarer och namnen i namnlista.txt är fiktiva;\n"
        "likheter med verkliga personer eller enheter är oavsiktliga.\n\n"
        "period.yaml innehåller därför syntetisk: true, vilket gör att varje rapport anger att\n"
        "uppgifterna är syntetiska.\n"
    )


def _population_csv(enrolled: dict[tuple[str, str], int]) -> bytes:
    names = dict(UNITS)
    rows = [["enhetskod", "enhet", "aldersgrupp", "antal"]]
    rows += [[code, names[code], group, n] for (code, group), n in enrolled.items()]
    return _csv(rows).encode("utf-8")


def _export_csv(rows: list[dict]) -> bytes:
    header = ["ID", "Datum", "Enhetskod", "Barnets ålder", *QUESTIONS.values()]
    body = [
        [r["id"], r["completed"].strftime("%Y-%m-%d %H:%M"), r["enhetskod"], f"{r['alder']} år", *(r[q] for q in QUESTIONS)]
        for r in rows
    ]
    return _csv([header, *body], ";").encode("cp1252")


def _export_xlsx(rng: Random, rows: list[dict]) -> bytes:
    names = dict(UNITS)
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    ws.append(
        ["Svars-ID", "Slutförd", "E-post", "IP-adress", "Förskola", "Förskolans namn", "Barnets ålder", *QUESTIONS.values()]
    )
    for r in rows:
        ws.append(
            [
                int(r["id"]),
                r["completed"],
                f"vh{rng.randint(1000, 9999)}@hem.exempel.se",
                f"192.0.2.{rng.randint(1, 254)}",
                int(r["enhetskod"]),
                names[r["enhetskod"]],
                r["alder"],
                *(r[q] or None for q in QUESTIONS),
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    return workbook_bytes(wb)


def write_sample_data(raw_dir: Path) -> list[Path]:
    """Write the two synthetic guardian-survey periods under `raw_dir`; return the files."""
    raw_dir = Path(raw_dir)
    rng = Random(SEED)
    base = enrolment(rng)
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for k, survey in enumerate(SURVEYS):
        enrolled = {key: n if n <= 5 else n + k * rng.randint(-3, 3) for key, n in base.items()}
        rows = responses(rng, survey, enrolled)
        folder = raw_dir / survey.pid
        write(folder / "period.yaml", _period_yaml(survey).encode("utf-8"))
        write(folder / README_FILE, _readme(survey).encode("utf-8"))
        write(
            folder / NAMES_FILE,
            ("# Barns namn som aldrig får visas i en rapport (fiktiva).\n" + "\n".join(CHILD_NAMES) + "\n").encode(),
        )
        write(folder / "barnantal.csv", _population_csv(enrolled))
        write(folder / survey.export, _export_csv(rows) if survey.export.endswith(".csv") else _export_xlsx(rng, rows))
    return written
