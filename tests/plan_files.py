"""The plan follow-up's data folder written by the tests (data-contract-verksamhetsplan.md).

A plan with every kind of indicator, personnummer in every usual form, a student who moved
units mid-term, a row without scheduled time, comma decimals, and children's names and
report descriptions planted where the reports must never show them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from contract_files import ABSENCE_HEADER, INSATS_HEADER, POPULATION_HEADER, REPORT_HEADER, write_csv, write_xlsx

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
