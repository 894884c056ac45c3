"""Deterministic SYNTHETIC sample data for the student survey (elevenkät).

Written by ``make sample-data`` (all instruments) or
:func:`write_sample_data`. Three spring surveys are
written, each as ``DIR/<period>/`` with ``period.yaml`` (``syntetisk: true``),
``elevantal.csv``, ``namnlista.txt``, ``LÄSMIG.txt`` and the export, laid out as in
``shared/data-contract-elevenkat.md``. Everything is invented.

The 18 compulsory-school units of the principal survey's sample (``sample_data.UNITS``)
and three upper-secondary schools answer in the year groups they have: Åk 5 (F–6 and F–9
schools), Åk 8 (7–9 and F–9 schools) and Gy 2. Klöverskolan (anpassad grundskola) has
four pupils in Åk 5 and three in Åk 8, so its groups have fewer than five respondents.

* ``2023-04``: ``elevenkat.csv`` (Windows-1252, ``;``), headers ``ID`` and ``Datum``,
  year groups written as a tool might (``5``, ``åk8``, ``Gy2``, ``År 2 gymnasiet``).
* ``2024-04``: ``elevenkat.xlsx``; the tool added ``E-post`` and ``IP-adress`` (dropped on
  reading), unit codes are number cells (leading zeros lost). Åk 8 feels safer than in
  2023 (a change the report can call secured).
* ``2025-04``: ``elevenkat.sav`` (SPSS): short variable names with the questions as
  variable labels, coded answers with value labels, 99 = "Ej svar" declared user-missing;
  the statements use the new scale (Helt och hållet … Vet inte).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from random import Random

from openpyxl import Workbook

from elevhalsa_analysis.privacy import NAMES_FILE
from sample_data import SYNTHETIC_COMMENT, UNITS, Unit, workbook_bytes

SEED = 4711
README_FILE = "LÄSMIG.txt"
POPULATION = "elever"

GY_UNITS = [
    Unit("52839164", "Vårdinge gymnasium", "Gymnasieskola"),
    Unit("61407258", "Kungsgårdsgymnasiet", "Gymnasieskola"),
    Unit("77215903", "Hamnstadens gymnasium", "Gymnasieskola"),
]
ANPASSAD = 11  # Klöverskolan: tiny year groups
# School stages of the compulsory units, by index in UNITS.
F_9 = {0, 3, 6, 9, 11, 14}
SEVEN_TO_NINE = {8, 13, 16}

QUESTIONS = {
    "trygg_i_skolan": "Jag känner mig trygg i skolan.",
    "vuxna_agerar": "De vuxna på skolan gör något om en elev blir illa behandlad.",
    "vuxen_att_prata_med": "Det finns vuxna på skolan som jag kan prata med om jag mår dåligt.",
    "vet_kontakt_elevhalsan": "Jag vet hur jag får kontakt med skolsköterskan, kuratorn eller psykologen.",
    "blivit_krankt": "Har du blivit kränkt eller illa behandlad i skolan under det här läsåret?",
    "vill_beratta": "Är det något mer du vill berätta om hur du har det i skolan?",
}
STATEMENTS = list(QUESTIONS)[:4]
SCALE_2024 = ["Stämmer helt och hållet", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls", "Vet ej"]
SCALE_2025 = ["Helt och hållet", "Till stor del", "Till viss del", "Inte alls", "Vet inte"]
JA_NEJ = ["Ja", "Nej", "Vill inte svara"]
GENDERS = ["Flicka", "Pojke", "Annat alternativ", "Vill inte svara"]
GENDER_WEIGHTS = [0.48, 0.465, 0.02, 0.03]

# Probability of a positive answer (headline) per question and year group; period shifts.
POSITIVE = {
    "trygg_i_skolan": {"Åk 5": 0.88, "Åk 8": 0.76, "Gy 2": 0.86},
    "vuxna_agerar": {"Åk 5": 0.80, "Åk 8": 0.62, "Gy 2": 0.66},
    "vuxen_att_prata_med": {"Åk 5": 0.84, "Åk 8": 0.70, "Gy 2": 0.72},
    "vet_kontakt_elevhalsan": {"Åk 5": 0.86, "Åk 8": 0.88, "Gy 2": 0.80},
}
SHIFT = {("2024-04", "trygg_i_skolan", "Åk 8"): 0.10, ("2025-04", "trygg_i_skolan", "Åk 8"): 0.08}
# The 2025 scale moves "partly" out of the headline: fewer positive answers, not a change.
NEW_SCALE_DROP = 0.10
OFFENDED = {"Åk 5": 0.14, "Åk 8": 0.17, "Gy 2": 0.09}
GIRLS_LESS_SAFE = 0.05  # girls in Åk 8 and Gy 2 feel somewhat less safe
DONT_KNOW, SKIPPED, PREFER_NOT = 0.04, 0.015, 0.03

NAMES = ["Kerstin Ahl", "Mohammed Rahimi", "Lisa Berg", "Tove Lindqvist"]
COMMENTS = [
    "Det är för stökigt i matsalen.",
    "Jag vill att det finns fler vuxna ute på rasterna.",
    "Bra lärare men det är ofta stökigt på lektionerna.",
    "Skolsköterskan är jättesnäll.",
    "Det är svårt att få tid hos kuratorn.",
    "Toaletterna är äckliga och man vill inte gå dit.",
    "Jag trivs i min klass.",
    "Några i klassen säger elaka saker i gruppchatten.",
    "Mer studiero tack.",
    "Det känns otryggt i omklädningsrummet.",
]
RISKY = [
    "Kerstin Ahl lyssnar alltid när man behöver prata.",
    "Ring mig på 070-123 45 67 om ni vill veta mer.",
    "Skriv till mig: elev.exempel@skola.exempel.se",
    "Mitt personnummer är 110312-1234 om ni behöver det.",
    "<b>bättre mat</b> & <script>alert('hej')</script>",
    "Mohammed Rahimi och Lisa Berg borde få beröm.",
]


@dataclass(frozen=True)
class Survey:
    pid: str
    label: str
    start: dt.date
    end: dt.date
    export: str


SURVEYS = [
    Survey("2023-04", "våren 2023", dt.date(2023, 3, 13), dt.date(2023, 4, 28), "elevenkat.csv"),
    Survey("2024-04", "våren 2024", dt.date(2024, 3, 11), dt.date(2024, 4, 26), "elevenkat.xlsx"),
    Survey("2025-04", "våren 2025", dt.date(2025, 3, 10), dt.date(2025, 4, 25), "elevenkat.sav"),
]


def year_groups(index: int, unit: Unit) -> list[str]:
    """Every year group a unit has (for elevantal.csv)."""
    if unit.skolform == "Gymnasieskola":
        return ["Gy 1", "Gy 2", "Gy 3"]
    if index in SEVEN_TO_NINE:
        return ["Åk 7", "Åk 8", "Åk 9"]
    last = 9 if index in F_9 else 6
    return ["F", *(f"Åk {i}" for i in range(1, last + 1))]


def all_units() -> list[tuple[int, Unit]]:
    return list(enumerate(UNITS)) + [(len(UNITS) + i, u) for i, u in enumerate(GY_UNITS)]


def enrolment(rng: Random) -> dict[tuple[str, str], int]:
    """Enrolled pupils per (unit code, year group) in 2023; later years drift a little."""
    out = {}
    for index, unit in all_units():
        for year in year_groups(index, unit):
            if index == ANPASSAD:
                n = {"Åk 5": 4, "Åk 8": 3}.get(year, rng.randint(2, 5))
            elif year.startswith("Gy"):
                n = rng.randint(160, 320)
            elif year in ("Åk 7", "Åk 8", "Åk 9") and index in SEVEN_TO_NINE:
                n = rng.randint(90, 150)
            else:
                n = rng.randint(22, 68)
            out[(unit.code, year)] = n
    return out


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _statement(rng: Random, p: float, scale: list[str]) -> str:
    u = rng.random()
    if u < SKIPPED:
        return ""
    if u < SKIPPED + DONT_KNOW:
        return scale[4]
    if rng.random() < p:
        return scale[0] if rng.random() < 0.55 else scale[1]
    return scale[2] if rng.random() < 0.65 else scale[3]


def responses(
    rng: Random, survey: Survey, enrolled: dict[tuple[str, str], int], effects: dict[str, float]
) -> list[dict[str, str]]:
    """Canonical answers of every submitted questionnaire, in submission order.

    `effects` (per unit, on the logit scale) stay from year to year, so that only `SHIFT`
    makes a real change between surveys.
    """
    year = int(survey.pid[:4])
    scale = SCALE_2025 if year >= 2025 else SCALE_2024
    rows = []
    for (code, group), n in sorted(enrolled.items()):
        if group not in ("Åk 5", "Åk 8", "Gy 2"):
            continue
        rate = {"Åk 5": (0.78, 0.93), "Åk 8": (0.6, 0.84), "Gy 2": (0.45, 0.7)}[group]
        answered = min(n, round(n * rng.uniform(*rate))) if n > 5 else n - 1
        for _ in range(answered):
            gender = rng.choices(GENDERS, GENDER_WEIGHTS)[0] if rng.random() > 0.005 else ""
            row = {"skolenhetskod": code, "arskurs": group, "kon": gender}
            for qid in STATEMENTS:
                p = POSITIVE[qid][group] + SHIFT.get((survey.pid, qid, group), 0.0)
                if year >= 2025:
                    p -= NEW_SCALE_DROP
                if gender == "Flicka" and qid == "trygg_i_skolan" and group != "Åk 5":
                    p -= GIRLS_LESS_SAFE
                row[qid] = _statement(rng, _expit(_logit(p) + effects[code]), scale)
            u = rng.random()
            row["blivit_krankt"] = (
                ""
                if u < 0.01
                else ("Vill inte svara" if u < 0.01 + PREFER_NOT else ("Ja" if rng.random() < OFFENDED[group] else "Nej"))
            )
            row["vill_beratta"] = rng.choice(COMMENTS) if rng.random() < 0.06 else ""
            rows.append(row)
    rng.shuffle(rows)
    # The risky comments land in groups large enough to be shown, and one in a small group.
    large = [r for r in rows if r["skolenhetskod"] != UNITS[ANPASSAD].code]
    for text, row in zip(RISKY, rng.sample(large, len(RISKY))):
        row["vill_beratta"] = text
    small = [r for r in rows if r["skolenhetskod"] == UNITS[ANPASSAD].code]
    small[0]["vill_beratta"] = "Vi är så få i klassen att alla vet vem som skrivit det här."
    days = [survey.start + dt.timedelta(days=i) for i in range((survey.end - survey.start).days - 3)]
    days = [d for d in days if d.weekday() < 5]
    stamps = sorted(dt.datetime.combine(rng.choice(days), dt.time(rng.randint(8, 15), rng.randint(0, 59))) for _ in rows)
    for i, (row, stamp) in enumerate(zip(rows, stamps), start=1):
        row["id"], row["completed"] = str(i), stamp
    return rows


# --- writing -------------------------------------------------------------------------------


def _period_yaml(survey: Survey) -> str:
    return (
        f"{SYNTHETIC_COMMENT}\nlabel: {survey.label}\nstart: {survey.start.isoformat()}\nend: {survey.end.isoformat()}\n"
        f"population: {POPULATION}\nsyntetisk: true\n"
    )


def _readme(survey: Survey) -> str:
    return (
        "SYNTETISKA EXEMPELDATA – inte verkliga svar.\n\n"
        f"Filerna i den här mappen ({survey.pid}, elevenkäten {survey.label}) är påhittade. De har skapats av\n"
        "programmet tools/sample_elevenkat.py för att visa och testa analysen.\n"
        "Skolenheter, elevantal, svar, kommentarer och namnen i namnlista.txt är fiktiva;\n"
        "likheter med verkliga personer eller enheter är oavsiktliga.\n\n"
        "period.yaml innehåller därför syntetisk: true, vilket gör att varje rapport anger att\n"
        "uppgifterna är syntetiska.\n"
    )


def _csv(rows: list[list[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if delimiter == ";" else "\n").writerows(rows)
    return buf.getvalue()


def _population_csv(enrolled: dict[tuple[str, str], int]) -> bytes:
    units = {u.code: u for _, u in all_units()}
    rows = [["skolenhetskod", "skolenhet", "skolform", "årskurs", "antal"]]
    rows += [[code, units[code].name, units[code].skolform, group, n] for (code, group), n in enrolled.items()]
    return _csv(rows).encode("utf-8")


# A tool writes the year group in its own way; the loader must accept each of these.
CSV_YEAR_FORMS = {"Åk 5": ["5", "åk5", "Årskurs 5"], "Åk 8": ["8", "ÅK 8", "åk8"], "Gy 2": ["Gy2", "År 2 gymnasiet"]}


def _export_csv(rng: Random, rows: list[dict]) -> bytes:
    header = ["ID", "Datum", "Skolenhetskod", "Årskurs", "Kön", *QUESTIONS.values()]
    body = [
        [
            r["id"],
            r["completed"].strftime("%Y-%m-%d %H:%M"),
            r["skolenhetskod"],
            rng.choice(CSV_YEAR_FORMS[r["arskurs"]]),
            r["kon"],
            *(r[qid] for qid in QUESTIONS),
        ]
        for r in rows
    ]
    return _csv([header, *body], ";").encode("cp1252")


def _export_xlsx(rng: Random, rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    ws.append(["Svars-ID", "Starttid", "Slutförd", "E-post", "IP-adress", "Skolenhetskod", "Årskurs", "Kön", *QUESTIONS.values()])
    for r in rows:
        started = r["completed"] - dt.timedelta(minutes=rng.randint(3, 14))
        ws.append(
            [
                int(r["id"]),
                started,
                r["completed"],
                f"elev{rng.randint(1000, 9999)}@skola.exempel.se",
                f"192.0.2.{rng.randint(1, 254)}",
                int(r["skolenhetskod"]),
                r["arskurs"],
                r["kon"] or None,
                *(r[qid] or None for qid in QUESTIONS),
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    return workbook_bytes(wb)


MISSING_CODE = 99
# SPSS stamps the creation time into the file header (bytes 92–108); a fixed one keeps
# the file identical between runs.
SAV_STAMP = (slice(92, 109), b"03 Nov 2508:00:00")


def sav_bytes(rows: list[dict], statements: list[str], year_labels: dict[str, str]) -> bytes:
    """An SPSS export as vendors deliver it: q1…q6 with the questions as variable labels,
    coded answers with value labels and 99 "Ej svar" declared user-missing."""
    import pandas as pd
    import pyreadstat

    codes = {lbl: i for i, lbl in enumerate(statements, start=1)}
    ja_nej = {lbl: i for i, lbl in enumerate(JA_NEJ, start=1)}
    gender = {lbl: i for i, lbl in enumerate(GENDERS, start=1)}
    year_codes = {group: i for i, group in enumerate(year_labels, start=1)}
    qnames = {qid: f"q{i}" for i, qid in enumerate(QUESTIONS, start=1)}
    frame = pd.DataFrame(
        {
            "Svars_ID": [r["id"] for r in rows],
            "Slutford": [r["completed"].strftime("%Y-%m-%d %H:%M") for r in rows],
            "Skolenhetskod": [r["skolenhetskod"] for r in rows],
            "Arskurs": [float(year_codes[r["arskurs"]]) for r in rows],
            "Kon": [float(gender[r["kon"]]) if r["kon"] else float(MISSING_CODE) for r in rows],
            **{
                qnames[qid]: [float((ja_nej if qid == "blivit_krankt" else codes).get(r[qid], MISSING_CODE)) for r in rows]
                for qid in STATEMENTS + ["blivit_krankt"]
            },
            qnames["vill_beratta"]: [r["vill_beratta"] for r in rows],
        }
    )
    labels = {
        "Svars_ID": "Svars-ID",
        "Slutford": "Slutförd",
        "Arskurs": "Årskurs",
        "Kon": "Kön",
        **{qnames[qid]: text for qid, text in QUESTIONS.items()},
    }
    missing = {"Ej svar": MISSING_CODE}
    value_labels = {
        "Arskurs": {float(c): year_labels[g] for g, c in year_codes.items()},
        "Kon": {**{float(c): g for g, c in gender.items()}, float(MISSING_CODE): "Ej svar"},
        **{
            qnames[qid]: {
                **{float(c): lbl for lbl, c in (ja_nej if qid == "blivit_krankt" else codes).items()},
                float(MISSING_CODE): next(iter(missing)),
            }
            for qid in STATEMENTS + ["blivit_krankt"]
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "elevenkat.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            row_compress=True,
            missing_ranges={name: [MISSING_CODE] for name in value_labels if name != "Arskurs"},
        )
        data = bytearray(path.read_bytes())
    where, stamp = SAV_STAMP
    data[where] = stamp
    return bytes(data)


def write_sample_data(raw_dir: Path) -> list[Path]:
    """Write the three synthetic student-survey periods under `raw_dir`; return the files."""
    raw_dir = Path(raw_dir)
    rng = Random(SEED)
    base = enrolment(rng)
    effects = {code: rng.gauss(0, 0.35) for code in sorted({c for c, _ in base})}
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for k, survey in enumerate(SURVEYS):
        enrolled = {key: n if n <= 5 else max(6, round(n * (1 + 0.03 * k) + rng.randint(-4, 4))) for key, n in base.items()}
        rows = responses(rng, survey, enrolled, effects)
        folder = raw_dir / survey.pid
        write(folder / "period.yaml", _period_yaml(survey).encode("utf-8"))
        write(folder / README_FILE, _readme(survey).encode("utf-8"))
        write(
            folder / NAMES_FILE,
            ("# Namn som aldrig får visas i en rapport (fiktiva).\n" + "\n".join(NAMES) + "\n").encode("utf-8"),
        )
        write(folder / "elevantal.csv", _population_csv(enrolled))
        if survey.export.endswith(".csv"):
            export = _export_csv(rng, rows)
        elif survey.export.endswith(".xlsx"):
            export = _export_xlsx(rng, rows)
        else:
            export = sav_bytes(rows, SCALE_2025, {"Åk 5": "Årskurs 5", "Åk 8": "Årskurs 8", "Gy 2": "År 2 gymnasiet"})
        write(folder / survey.export, export)
    return written
