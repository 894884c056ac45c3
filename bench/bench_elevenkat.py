"""Benchmark row: load, check and compute the indicators of a 50 000-response student export.

`bench_student_export(tmpdir)` writes a period folder with an `elevenkat.xlsx` of 50 000
questionnaires (120 units × year groups), then times what `elevhalsa run` does with it
before the notebook: reading the export, the quality gate, the grouped indicators (year
group; gender; unit) and the design-based estimate of every question. The goal is at most
3 seconds. Imports and great_expectations' context are warmed up on a small export first:
they are paid once per process, not per export.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from openpyxl import Workbook

from elevhalsa_analysis import indicators as ind
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.formatting import fmt_int
from elevhalsa_analysis.instruments.elevenkat.loading import load_student_period
from elevhalsa_analysis.periods import list_periods
from elevhalsa_analysis.survey import municipal_estimates

RESPONSES = 50_000
LIMIT_SECONDS = 3.0
YEAR_GROUPS = ("Åk 5", "Åk 8", "Gy 2")
SCALE = ["Stämmer helt och hållet", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls", "Vet ej", None]
QUESTIONS = [
    "Jag känner mig trygg i skolan.",
    "De vuxna på skolan gör något om en elev blir illa behandlad.",
    "Det finns vuxna på skolan som jag kan prata med om jag mår dåligt.",
    "Jag vet hur jag får kontakt med skolsköterskan, kuratorn eller psykologen.",
]
KRANKT = "Har du blivit kränkt eller illa behandlad i skolan under det här läsåret?"
BERATTA = "Är det något mer du vill berätta om hur du har det i skolan?"


def write_period(folder: Path, responses: int, seed: int = 1, units: int = 40, upper_secondary_every: int = 0) -> None:
    """period.yaml, elevantal.csv and an elevenkat.xlsx of `responses` questionnaires.

    With `upper_secondary_every` = k, every k-th unit is an upper-secondary school (Gy 2
    only) and the others compulsory schools (Åk 5, Åk 8), with response rates spread from
    about 30 % to 95 % as in a large municipality; otherwise every unit has every year group.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "period.yaml").write_text(
        "label: våren 2024\nstart: 2024-03-01\nend: 2024-04-30\npopulation: elever\n", encoding="utf-8"
    )
    if upper_secondary_every:
        groups = [
            (f"{10_000_000 + u:08d}", year)
            for u in range(units)
            for year in (("Gy 2",) if u % upper_secondary_every == 0 else ("Åk 5", "Åk 8"))
        ]
    else:
        groups = [(f"{10_000_000 + u:08d}", year) for u in range(units) for year in YEAR_GROUPS]
    per_group = -(-responses // len(groups))
    rates = random.Random(seed + 1)
    lines = ["skolenhetskod,skolenhet,skolform,årskurs,antal"]
    for code, year in groups:
        form = "Gymnasieskola" if year == "Gy 2" else "Grundskola"
        enrolled = round(per_group / rates.uniform(0.3, 0.95)) if upper_secondary_every else per_group + 40
        lines.append(f"{code},Enhet {code},{form},{year},{enrolled}")
    (folder / "elevantal.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Svar")
    ws.append(["Svars-ID", "Skolenhetskod", "Årskurs", "Kön", "Slutförd", *QUESTIONS, KRANKT, BERATTA])
    for i in range(responses):
        code, year = groups[i % len(groups)]
        ws.append(
            [
                i + 1,
                code,
                year,
                rng.choice(["Flicka", "Pojke", "Annat alternativ", "Vill inte svara"]),
                "2024-03-20 10:15",
                *(rng.choice(SCALE) for _ in QUESTIONS),
                rng.choice(["Ja", "Nej", "Nej", "Vill inte svara", None]),
                "Mer studiero, ring 070-123 45 67." if i % 40 == 0 else None,
            ]
        )
    wb.save(folder / "elevenkat.xlsx")


def load_and_compute(data: Path) -> int:
    """What the run does before the notebook; returns the rows of the long table."""
    codebook = load_codebook("elevenkat")
    meta = dict(list_periods(data))["2024-04"]
    sp = load_student_period(codebook, "2024-04", meta, data)
    for by in (["arskurs"], ["arskurs", "kon"], ["arskurs", "skolenhetskod"]):
        ind.grouped(sp.long, sp.version, by)
    municipal_estimates(sp.long, sp.units, sp.version, sp.version.closed_questions, "2024-04")
    return len(sp.long)


def bench_student_export(tmpdir: Path | str, responses: int = RESPONSES) -> dict:
    """Seconds to load, check and compute the indicators of a student export."""
    tmpdir = Path(tmpdir)
    warm = tmpdir / "uppvarmning" / "data"
    write_period(warm / "raw" / "2024-04", 300)
    load_and_compute(warm)
    data = tmpdir / "elevenkat" / "data"
    write_period(data / "raw" / "2024-04", responses)
    started = time.perf_counter()
    load_and_compute(data)
    seconds = time.perf_counter() - started
    return {
        "rad": f"Elevenkät: läsa, kontrollera och räkna {fmt_int(responses)} svar (.xlsx, mål ≤ {LIMIT_SECONDS:g} s)",
        "sekunder": round(seconds, 2),
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        row = bench_student_export(tmp, int(sys.argv[1]) if len(sys.argv) > 1 else RESPONSES)
    print(f"| {row['rad']} | {row['sekunder']} |")
