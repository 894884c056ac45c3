"""Deterministic SYNTHETIC sample data for the operations-plan follow-up (verksamhetsplan).

Written by ``make sample-data`` (all instruments) or
:func:`write_sample_data`. Two yearly follow-ups are written, ``2023``
and ``2024``, each with ``period.yaml`` (``syntetisk: true``), ``verksamhetsplan.yaml`` (the
seed's ten insatser word for word), ``insatser``, ``elevantal.csv``, ``franvaro``,
``krankningar``, ``kolada.json`` and ``LÄSMIG.txt``, laid out as in
``shared/data-contract-verksamhetsplan.md``.

Everything is invented. About 9 000 students in the units of the survey sample data
(:data:`sample_data.UNITS`), two terms of absence per year, a few hundred reports a year and
insatser in every status. The data exercise what the pipeline must handle: personnummer in
every usual form (the check digit is wrong on purpose, so that none can belong to a real
child), students who moved units mid-term, rows without scheduled time, numbers with a
comma decimal or a space between thousands, children's names and personnummer in the
reports' descriptions and in a comment, reports outside the period, and a Kolada answer
split into two pages with a missing value.

The survey indicators of the plans point at the principal survey (``2023-10``, ``2024-10``)
and the student survey (``2023-04``, ``2024-04``); the report says "uppgift saknas" for any
that is not in the data folder.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from random import Random

import yaml
from openpyxl import Workbook

from sample_data import README_FILE, SYNTHETIC_COMMENT, UNITS, _csv_text, _write, workbook_bytes

SEED = 581
YEARS = (2023, 2024)
GRADES = ["F", *(f"Åk {g}" for g in range(1, 10))]
KOMMUNKOD = "0581"
KPI = "N17461"

# The seed's ten insatser (shared/seeds/000_9bb0558aa624b247.txt), word for word.
INSATSER = [
    (
        "lokal_elevhalsa",
        "Vidareutveckla stödet och arbetet med organisationsutveckling så att varje enhet har en tillgänglig och "
        "närvarande lokal barn- och elevhälsa där det förebyggande arbetet, dialog, stöd, och tillgänglighet är i fokus.",
    ),
    ("framjande_narvaro", "Implementera huvudmannens rutiner för främjande närvaro."),
    (
        "npf",
        "Fortsätta utveckla plattformen för NPF-piloter på varje skola samt implementera arbetet med att stärka varje "
        "medarbetares kompetens inom arbetet kring barn och elever med neuropsykiatriska funktionsnedsättningar, samt att detta "
        "arbete sker kontinuerligt och över tid.",
    ),
    (
        "genomlysning_samverkan",
        "Genomlysning av samverkansverksamheter som utbildningskontoret leder tillsammans med Socialkontoret, "
        "Vård- och omsorgskontoret och Region Östergötland.",
    ),
    (
        "samverkan_externa",
        "Fortsatt och stärkt samverkan och samarbete med bland annat socialkontoret, vård- och omsorgskontoret, "
        "säkerhetsavdelningen, Region Östergötland samt med polisen.",
    ),
    (
        "sbs",
        "Fortsatt samverkan mellan forsknings- och utvecklingsavdelningen och centrala barn- och elevhälsan i arbetet med "
        "samverkan för bästa skola, SBS Norrköping, med riktade insatser utifrån skolenheternas behov och analyser.",
    ),
    (
        "barnkonventionen",
        "Implementera barnkonventionen och förstärka barnrättsperspektivet i arbete och i processer, samt "
        "systematiskt genomförande av barnkonsekvensanalyser.",
    ),
    (
        "sarskilda_undervisningsgrupper",
        "Ta fram ett forskningsbaserat underlag för politiskt ställningstagande om inriktning "
        "kring särskilda undervisningsgrupper.",
    ),
    (
        "krankande_behandling",
        "Implementering av rutinen Åtgärder mot kränkande behandling, diskriminering och trakasserier i "
        "verksamheten samt Riktlinje för suicidprevention.",
    ),
    (
        "fullfoljda_studier",
        "Utbildningskontoret deltar Sveriges kommuners och regioners, SKR:s, projekt Fullföljda studier som "
        "genomförs under perioden maj 2023-maj 2025 och syftar till att skapa bättre förutsättningar för fler unga att fullfölja "
        "sin utbildning.",
    ),
]
INSATS_POINTERS = {
    "lokal_elevhalsa": ["tillgang_forebyggande", "trygga_ak8"],
    "framjande_narvaro": ["hog_franvaro_ht", "hog_franvaro_vt", "upprepad_franvaro"],
    "npf": ["upprepad_franvaro"],
    "sbs": ["trygga_ak8"],
    "krankande_behandling": [
        "anmalningar",
        "anmalningar_personal",
        "andel_avslutade",
        "dagar_till_avslut",
        "till_huvudman_inom",
        "krankt_ak8",
    ],
    "fullfoljda_studier": ["examen_4_ar", "hog_franvaro_ht"],
}
OWNERS = [
    "Centrala barn- och elevhälsan",
    "Forsknings- och utvecklingsavdelningen",
    "Grundskoleavdelningen",
    "Gymnasie- och vuxenutbildningsavdelningen",
    "Utbildningskontorets ledning",
]
# Status per insats and year; 2023 leaves one insats without a row ("ingen uppgift").
STATUS = {
    2023: ["Påbörjad", "Påbörjad", "Pågår", "Ej påbörjad", "Genomförd", "Påbörjad", "Ej påbörjad", "Avbruten", "Genomförd", None],
    2024: [
        "Genomförd",
        "Genomförd",
        "Påbörjad",
        "Genomförd",
        "Genomförd",
        "Påbörjad",
        "Påbörjad",
        "Ej påbörjad",
        "Genomförd",
        "Genomförd",
    ],
}
FIRST = [
    "Alva",
    "Elsa",
    "Maja",
    "Wilma",
    "Ella",
    "Alice",
    "Olivia",
    "Saga",
    "Astrid",
    "Vera",
    "Ebba",
    "Selma",
    "Freja",
    "Nora",
    "Lilly",
    "Noah",
    "William",
    "Hugo",
    "Liam",
    "Lucas",
    "Oscar",
    "Elias",
    "Adam",
    "Vincent",
    "Arvid",
    "Nils",
    "Theo",
    "Melvin",
    "Leo",
    "Sixten",
    "Ali",
    "Omar",
    "Amira",
    "Yasmin",
    "Mohammed",
    "Aya",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Hassan",
    "Ahmed",
    "Ali",
    "Lindström",
    "Axelsson",
    "Berg",
    "Sandberg",
    "Lundgren",
    "Mattsson",
    "Fredriksson",
    "Henriksson",
]
TYPES = [("Kränkande behandling", 0.8), ("Trakasserier", 0.12), ("Sexuella trakasserier", 0.08)]
PERPETRATORS = [("Elev", 0.85), ("Personal", 0.1), ("Okänd", 0.05)]


def luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


@dataclass
class Student:
    pnr: str  # YYYYMMDDNNNC, check digit wrong on purpose
    name: str
    born: int
    unit: int
    propensity: float  # typical share of absence

    def written(self, form: int) -> str:
        """The personnummer in one of the forms systems write."""
        p = self.pnr
        return [f"{p[:8]}-{p[8:]}", f"{p[2:8]}-{p[8:]}", p, f"{p[:8]} {p[8:]}"][form]


def _students(rng: Random) -> list[Student]:
    """Everyone born 2007–2018 in the units; each year's terms take the age groups at school."""
    students, taken = [], set()
    for u, unit in enumerate(UNITS):
        for born in range(2007, 2019):
            size = rng.randint(3, 6) if unit.skolform == "Anpassad grundskola" else rng.randint(44, 58)
            for _ in range(size):
                while True:
                    day = dt.date(born, 1, 1) + dt.timedelta(days=rng.randrange(365))
                    serial = f"{rng.randrange(1000):03d}"
                    nine = day.strftime("%y%m%d") + serial
                    if nine not in taken:
                        taken.add(nine)
                        break
                wrong = (luhn_digit(nine) + rng.randint(1, 9)) % 10
                propensity = rng.betavariate(2, 40) if rng.random() < 0.82 else rng.betavariate(3, 9)
                students.append(
                    Student(
                        day.strftime("%Y%m%d") + serial + str(wrong),
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        born,
                        u,
                        propensity,
                    )
                )
    return students


def grade(student: Student, term: str) -> str | None:
    kind, year = term.split()
    index = int(year) - student.born - 6 - (1 if kind == "VT" else 0)
    return GRADES[index] if 0 <= index < len(GRADES) else None


def _absence_rows(rng: Random, students: list[Student], term: str) -> list[list[object]]:
    """One row per student, unit and term; a few movers have two units, a few no schedule."""
    rows: list[list[object]] = []
    enrolled = [s for s in students if grade(s, term)]
    movers = set(rng.sample(range(len(enrolled)), 6))
    unscheduled = set(rng.sample(range(len(enrolled)), 4))
    for i, s in enumerate(enrolled):
        scheduled = rng.randint(24000, 31000)
        share = min(0.95, s.propensity * rng.uniform(0.6, 1.4))
        absent = round(scheduled * share)
        invalid = round(absent * rng.uniform(0, 0.3))
        form = rng.choices(range(4), weights=[80, 10, 6, 4])[0]
        unit = UNITS[s.unit]
        if i in unscheduled:
            rows.append([s.written(form), s.name, unit.code, unit.name, grade(s, term), term, "", "", ""])
        elif i in movers:
            # Moved mid-term: the minutes are split and the number written differently.
            other = next(o for o in UNITS[s.unit + 1 :] + UNITS[: s.unit] if o.skolform == unit.skolform)
            valid = absent - invalid
            rows.append(
                [s.written(0), s.name, unit.code, unit.name, grade(s, term), term, scheduled // 3, valid // 3, invalid // 3]
            )
            rows.append(
                [
                    s.written(1),
                    s.name,
                    other.code,
                    other.name,
                    grade(s, term),
                    term,
                    scheduled - scheduled // 3,
                    valid - valid // 3,
                    invalid - invalid // 3,
                ]
            )
        else:
            rows.append(
                [s.written(form), s.name, unit.code, unit.name, grade(s, term), term, scheduled, absent - invalid, invalid]
            )
    return rows


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


def _as_csv_number(rng: Random, value: object) -> str:
    """As an admin system's CSV may write it: sometimes a space between thousands or a decimal comma."""
    if value == "":
        return ""
    r = rng.random()
    if r < 0.05:
        return f"{int(value):,}".replace(",", " ")
    if r < 0.08:
        return f"{value},0"
    return str(value)


def _school_day(rng: Random, year: int) -> dt.date:
    while True:
        day = dt.date(year, 1, 8) + dt.timedelta(days=rng.randrange(340))
        if day.weekday() < 5 and not (dt.date(year, 6, 15) <= day <= dt.date(year, 8, 15)):
            return day


def _reports(rng: Random, students: list[Student], year: int) -> list[list[object]]:
    rows: list[list[object]] = []
    at_school = [s for s in students if grade(s, f"HT {year}")]
    for n in range(rng.randint(280, 340)):
        victim = rng.choice(at_school)
        unit = UNITS[victim.unit]
        reported = _school_day(rng, year)
        if n < 2:
            reported = dt.date(year - 1, 12, 14 + n)  # belongs to the previous year
        kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
        who = rng.choices([t for t, _ in PERPETRATORS], weights=[w for _, w in PERPETRATORS])[0]
        to_principal = reported + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5, 8, 12]))
        age = (dt.date(year, 12, 31) - reported).days
        closed = reported + dt.timedelta(days=rng.randint(4, 90))
        status = (
            "Avslutad"
            if closed <= dt.date(year, 12, 31) and rng.random() < 0.9
            else rng.choice(["Anmäld", "Utreds", "Åtgärder pågår"])
        )
        if age < 20:
            status = rng.choice(["Anmäld", "Utreds"])
        description = (
            f"{victim.name} ({victim.written(rng.randrange(4))}) blev {rng.choice(['knuffad', 'kallad fula ord', 'utfrusen'])} "
            f"{rng.choice(['på rasten', 'i matsalen', 'i omklädningsrummet'])}. Vårdnadshavare kontaktad."
        )
        rows.append(
            [
                f"KB-{year}-{n + 1:04d}",
                unit.code,
                reported,
                None if n % 23 == 5 else to_principal,
                kind,
                who,
                status,
                closed if status == "Avslutad" and n != 7 else None,
                description,
            ]
        )
    return rows


def _insatser_rows(rng: Random, students: list[Student], year: int) -> list[list[object]]:
    child = rng.choice(students)
    comments = [
        "Organisationen för lokal elevhälsa är beslutad; uppföljning sker i varje EHT.",
        "Rutinen är införd på alla enheter. Kontakt: 011-15 00 00.",
        f"Piloterna har startat; en elev, {child.name} ({child.written(1)}), har fått anpassningar som exempel.",
        "Genomlysningen är klar och redovisad för nämnden.",
        "<b>Samverkansavtal</b> med polisen undertecknat & följs upp.",
        "Riktade insatser på fyra enheter utifrån SBS-analyserna.",
        "Barnkonsekvensanalyser görs i alla större beslut.",
        "Underlaget skjuts upp till nästa år.",
        "Rutinen och riktlinjen är implementerade.",
        "Deltagandet fortsätter enligt projektplanen.",
    ]
    rows = []
    for (iid, _), status, comment, owner in zip(INSATSER, STATUS[year], comments, OWNERS * 2):
        if status is not None:
            rows.append([iid, status, owner, comment])
    return rows


def _plan(year: int) -> dict:
    survey = {"elevenkat": f"{year}-04", "rektorsenkat": f"{year}-10", "vardnadshavarenkat": f"{year}-03"}
    indikatorer = [
        {
            "id": "trygga_ak8",
            "namn": "Elever i åk 8 som känner sig trygga i skolan",
            "kalla": "elevenkat",
            "fraga": "trygg_i_skolan",
            "arskurs": "Åk 8",
            "period": survey["elevenkat"],
            "riktning": "hogre",
            "malvarde": 87,
            "utgangslage": {"varde": 86, "ar": 2022},
        },
        {
            "id": "krankt_ak8",
            "namn": "Elever i åk 8 som blivit kränkta under läsåret",
            "kalla": "elevenkat",
            "fraga": "blivit_krankt",
            "arskurs": "Åk 8",
            "period": survey["elevenkat"],
            "riktning": "lagre",
            "malvarde": 10,
        },
        {
            "id": "tryggt_forskola",
            "namn": "Andel vårdnadshavare som instämmer i att barnet känner sig tryggt",
            "kalla": "vardnadshavarenkat",
            "fraga": "tryggt",
            "period": survey["vardnadshavarenkat"],
            "riktning": "hogre",
            "malvarde": 90,
        },
        {
            "id": "tillgang_forebyggande",
            "namn": "Rektorer med tillgång till elevhälsan för förebyggande arbete",
            "kalla": "rektorsenkat",
            "fraga": "tillgang_forebyggande",
            "period": survey["rektorsenkat"],
            "riktning": "hogre",
            "malvarde": 50,
        },
        {
            "id": "hog_franvaro_ht",
            "namn": "Elever med minst 20 % frånvaro under höstterminen",
            "kalla": "franvaro",
            "matt": "andel_minst",
            "grans": 20,
            "termin": "HT",
            "riktning": "lagre",
            "malvarde": 11,
        },
        {
            "id": "hog_franvaro_vt",
            "namn": "Elever med minst 15 % frånvaro under vårterminen",
            "kalla": "franvaro",
            "matt": "andel_minst",
            "grans": 15,
            "termin": "VT",
            "riktning": "lagre",
            "malvarde": 12,
        },
        {
            "id": "upprepad_franvaro",
            "namn": "Elever med minst 15 % frånvaro båda terminerna",
            "kalla": "franvaro",
            "matt": "andel_minst_bada_terminerna",
            "grans": 15,
            "riktning": "lagre",
            "malvarde": 6,
        },
        {
            "id": "anmalningar",
            "namn": "Anmälningar om kränkande behandling och trakasserier per 100 elever",
            "kalla": "krankningar",
            "matt": "per_100_elever",
            "riktning": "ingen",
        },
        {
            "id": "anmalningar_personal",
            "namn": "Anmälningar där personal är utövare, per 100 elever",
            "kalla": "krankningar",
            "matt": "per_100_elever",
            "utovare": "Personal",
            "riktning": "ingen",
        },
        {
            "id": "andel_avslutade",
            "namn": "Andel anmälningar som är avslutade",
            "kalla": "krankningar",
            "matt": "andel_avslutade",
            "riktning": "hogre",
            "malvarde": 80,
        },
        {
            "id": "dagar_till_avslut",
            "namn": "Dagar från anmälan till avslut (median)",
            "kalla": "krankningar",
            "matt": "median_dagar_till_avslut",
            "riktning": "lagre",
            "malvarde": 30,
        },
        {
            "id": "till_huvudman_inom",
            "namn": "Anmälningar som når huvudmannen inom 7 dagar",
            "kalla": "krankningar",
            "matt": "andel_till_huvudman_inom",
            "dagar": 7,
            "riktning": "hogre",
            "malvarde": 90,
        },
        {
            "id": "examen_4_ar",
            "namn": "Gymnasieelever med examen inom 4 år (hemkommun)",
            "kalla": "kolada",
            "kpi": KPI,
            "jamfor_med": [{"id": "0000", "namn": "Riket"}],
            "riktning": "hogre",
            "malvarde": 72,
        },
    ]
    insatser = [{"id": iid, "text": text, "indikatorer": INSATS_POINTERS.get(iid, [])} for iid, text in INSATSER]
    return {
        "namn": f"Verksamhetsplan för utbildningskontoret {year}",
        "omrade": "Barn- och elevhälsoarbete med fokus på lärande och trygghet",
        "kommunkod": KOMMUNKOD,
        "franvarogranser": [15, 20],
        "indikatorer": indikatorer,
        "insatser": insatser,
    }


def _kolada(rng: Random, year: int) -> list[dict]:
    """Kolada's answer for the plan's KPI, split into two pages as the API may."""
    entries = []
    for municipality, level in ((KOMMUNKOD, 71.0), ("0000", 74.0)):
        for y in range(year - 4, year + 1):
            total = round(level + rng.uniform(-2, 2) + (y - year) * 0.3, 1)
            values = [
                {"count": 1, "gender": "T", "status": "", "value": total},
                {"count": 1, "gender": "K", "status": "", "value": round(total + 3.1, 1)},
                {
                    "count": 1,
                    "gender": "M",
                    "status": "",
                    "value": None if (municipality, y) == (KOMMUNKOD, year - 3) else round(total - 3.0, 1),
                },
            ]
            entries.append({"kpi": KPI, "municipality": municipality, "period": y, "values": values})
    half = len(entries) // 2
    return [
        {"count": half, "values": entries[:half], "next_page": "https://api.kolada.se/v2/data/kpi/...&page=2"},
        {"count": len(entries) - half, "values": entries[half:]},
    ]


def _xlsx(header: list[str], rows: list[list[object]], dates: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(header)
    for row in rows:
        ws.append(row)
    if dates:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(wb)


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    text_rows = [header] + [
        ["" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v)) for v in row] for row in rows
    ]
    return _csv_text(text_rows, ";", "\r\n").encode("cp1252")


def _readme(year: int) -> str:
    return (
        "SYNTETISKA EXEMPELDATA – inte verkliga uppgifter.\n\n"
        f"Filerna i den här mappen (uppföljningen av verksamhetsplanen {year}) är påhittade. De har skapats av\n"
        "programmet tools/sample_verksamhetsplan.py för att visa och testa analysen.\n"
        "Elever, namn, personnummer, anmälningar, frånvaro och Kolada-värden är fiktiva. Personnumren\n"
        "har avsiktligt fel kontrollsiffra, så att inget av dem kan tillhöra ett verkligt barn.\n\n"
        "Insatserna i verksamhetsplan.yaml är ordagrant de tio insatserna i utbildningskontorets\n"
        "verksamhetsplan 2023; indikatorer, målvärden och status är påhittade.\n\n"
        "period.yaml innehåller syntetisk: true, vilket gör att varje rapport anger att uppgifterna är syntetiska.\n"
    )


def write_sample_data(raw_dir: Path) -> list[Path]:
    """Write the follow-ups 2023 and 2024 under `raw_dir`; return the files written."""
    raw_dir = Path(raw_dir)
    rng = Random(SEED)
    students = _students(rng)
    written: list[Path] = []
    for year in YEARS:
        folder = raw_dir / str(year)
        meta = (
            f'{SYNTHETIC_COMMENT}\nlabel: "{year}"\nstart: {year}-01-01\nend: {year}-12-31\npopulation: elever\nsyntetisk: true\n'
        )
        _write(folder / "period.yaml", meta.encode("utf-8"), written)
        plan = yaml.safe_dump(_plan(year), allow_unicode=True, sort_keys=False, width=100)
        _write(folder / "verksamhetsplan.yaml", f"{SYNTHETIC_COMMENT}\n{plan}".encode(), written)
        _write(folder / README_FILE, _readme(year).encode("utf-8"), written)
        insatser = _insatser_rows(rng, students, year)
        header = ["insats", "status", "ansvarig", "kommentar"]
        if year == 2023:
            _write(folder / "insatser.csv", _csv(header, insatser), written)
        else:
            _write(folder / "insatser.xlsx", _xlsx(header, insatser), written)
        absence = _absence_rows(rng, students, f"VT {year}") + _absence_rows(rng, students, f"HT {year}")
        enrolment: dict[tuple[str, str], int] = {}
        for row in absence:
            if row[5].startswith("HT"):
                enrolment[(row[2], row[4])] = enrolment.get((row[2], row[4]), 0) + 1
        by_code = {u.code: u for u in UNITS}
        rows = [[code, by_code[code].name, by_code[code].skolform, g, n] for (code, g), n in sorted(enrolment.items())]
        _write(
            folder / "elevantal.csv",
            _csv_text([["skolenhetskod", "skolenhet", "skolform", "årskurs", "antal"], *rows], ",", "\n").encode("utf-8"),
            written,
        )
        reports = _reports(rng, students, year)
        if year == 2023:
            _write(folder / "franvaro.xlsx", _xlsx(ABSENCE_HEADER, absence), written)
            _write(folder / "krankningar.csv", _csv(REPORT_HEADER, reports), written)
        else:
            _write(
                folder / "franvaro.csv",
                _csv(ABSENCE_HEADER, [[_as_csv_number(rng, v) if i >= 6 else v for i, v in enumerate(r)] for r in absence]),
                written,
            )
            _write(folder / "krankningar.xlsx", _xlsx(REPORT_HEADER, reports, dates=True), written)
        pages = _kolada(rng, year)
        # 2023 as one saved answer, 2024 as the list of pages the fetch saves.
        saved = (
            pages
            if year == 2024
            else {"count": sum(p["count"] for p in pages), "values": [v for p in pages for v in p["values"]]}
        )
        _write(folder / "kolada.json", (json.dumps(saved, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), written)
    return written
