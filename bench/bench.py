"""Timings anyone can rerun (`make bench`); prints a markdown table in Swedish.

1. One period's full report (`elevhalsa run --period 2024-10` on the sample data) against
   the floor measured in the same run: papermill and nbconvert on a trivial notebook that
   imports pandas and seaborn and draws one bar chart. Runs alternate; medians compared.
   The periods a report compares with are kept between runs (`cache.py`) as they are
   for a researcher rerunning a period; a third run in each round starts without them.
2. `elevhalsa run --all --force` over the three sample periods and over twelve (nine more
   made here by copying them with other dates), against twelve times one period.
3. A large municipality's student survey (180 units, 60 000 questionnaires): the whole
   run with its unit profiles against the floor, and the profiles alone (`--stor` measures
   only these and the floor).
4. The indicator functions on a synthetic student-survey table of 1 000 000 respondent ×
   question rows: seconds and the process's peak memory.

Everything runs in fresh processes in a temporary folder; data/ and reports/ are not
touched. Python's bytecode cache goes there too and is filled by a first, uncounted run
of each command (which also keeps the compared periods), as on any installation after its first run (whatever the environment
says about writing bytecode). `--karnor 2` pins every measured process to two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from elevhalsa_analysis.cache import CACHE_FOLDER

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw"
SAMPLE_PERIODS = ("2023-10", "2024-10", "2025-10")
ONE_PERIOD = "2024-10"
EXTRA_YEARS = range(2014, 2023)  # nine more periods, before the samples: twelve in all
INDICATOR_ROWS = 1_000_000
LARGE_UNITS, LARGE_RESPONSES = 180, 60_000

FLOOR_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "parametrar",
            "metadata": {"tags": ["parameters"]},
            "outputs": [],
            "source": "n = 3",
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "diagram",
            "metadata": {},
            "outputs": [],
            "source": "import pandas as pd\nimport seaborn as sns\n\n"
            "sns.barplot(data=pd.DataFrame({'x': ['a', 'b', 'c'], 'y': [1, 2, n]}), x='x', y='y');",
        },
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
FLOOR_SCRIPT = """
import sys
import papermill as pm
from nbconvert import HTMLExporter

pm.execute_notebook(sys.argv[1], sys.argv[2], parameters={"n": 4}, progress_bar=False)
body, _ = HTMLExporter().from_filename(sys.argv[2])
open(sys.argv[3], "w", encoding="utf-8").write(body)
"""


def elevhalsa() -> list[str]:
    script = Path(sys.executable).with_name("elevhalsa")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "elevhalsa_analysis.cli"]


def timed(cmd: list[str], env: dict, cores: set[int] | None, cwd: Path | None = None) -> float:
    """Wall-clock seconds of a command in a fresh process; its output only if it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"Mätningen misslyckades: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return seconds


def sample_copy(target: Path, periods: tuple[str, ...]) -> Path:
    for p in periods:
        shutil.copytree(SAMPLE / p, target / "raw" / p)
    return target


def with_extra_periods(data: Path) -> Path:
    """Nine more periods: copies of the samples under other years, round robin.

    The answers keep their dates, so the gate warns that they fall outside the period;
    the work per period is the same as for a real one.
    """
    import yaml

    for i, year in enumerate(EXTRA_YEARS):
        source = data / "raw" / SAMPLE_PERIODS[i % len(SAMPLE_PERIODS)]
        folder = data / "raw" / f"{year}-10"
        shutil.copytree(source, folder)
        meta = yaml.safe_load((source / "period.yaml").read_text(encoding="utf-8"))
        old = str(meta["end"])[:4]
        meta.update(label=str(meta["label"]).replace(old, str(year)), start=f"{year}-06-01", end=f"{year}-10-31")
        (folder / "period.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def indicator_timing() -> dict:
    """In its own process: build the table, then time what the student survey's report
    computes with `indicators`: every question by unit, year group and gender, and overall."""
    import datetime as dt
    import resource

    import numpy as np
    import pandas as pd

    from elevhalsa_analysis import indicators as ind
    from elevhalsa_analysis.codebook import load_codebook

    codebook = load_codebook("elevenkat")
    version = codebook.version_for(dt.date(2024, 10, 31))
    questions = version.closed_questions
    n = INDICATOR_ROWS // len(questions)
    rng = np.random.default_rng(2024)
    pupils = pd.DataFrame(
        {
            "respondent": np.char.add("e", np.arange(n).astype(str)),
            "skolenhetskod": rng.choice([f"{10000000 + i}" for i in range(120)], n),
            "arskurs": rng.choice(codebook.groups["arskurs"].labels, n),
            "kon": rng.choice(codebook.groups["kon"].labels, n, p=[0.47, 0.47, 0.03, 0.03]),
        }
    )
    parts = []
    for q in questions:
        labels = version.scales[q.scale].labels
        weights = np.full(len(labels) + 1, 0.95 / len(labels))
        weights[-1] = 0.05  # not answered
        parts.append(pupils.assign(question=q.id, answer=rng.choice([*labels, None], n, p=weights)))
    long = pd.concat(parts, ignore_index=True).assign(period="2024-10")
    long["response_id"] = long["respondent"]
    long = long.astype({c: "category" for c in ("period", "question", "answer", "skolenhetskod", "arskurs", "kon")})
    population = pupils.assign(period="2024-10")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    ind.grouped(long, version, ["skolenhetskod", "arskurs", "kon"])
    ind.all_results(long, population, version, "2024-10")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"rows": len(long), "seconds": seconds, "peak_mb": peak / 1024, "table_mb": before / 1024}


def large_municipality_rows(tmp: Path, cli: list[str], env: dict, cores: set[int] | None, floor: float) -> list[tuple]:
    """A large municipality's student survey alone in its period folder (LARGE_UNITS units,
    one in six upper secondary, LARGE_RESPONSES questionnaires in one xlsx): the whole run
    with every profile against the floor, and the profiles alone (unit data and pages)."""
    import datetime as dt

    from bench_elevenkat import write_period
    from elevhalsa_analysis.sections_units import write_period_pages

    data = tmp / "stor" / "data"
    write_period(data / "raw" / "2024-04", LARGE_RESPONSES, units=LARGE_UNITS, upper_secondary_every=6)
    whole = timed(
        [*cli, "run", "--period", "2024-04", "--data-dir", str(data), "--reports-dir", str(tmp / "stor" / "r")], env, cores
    )
    started = time.perf_counter()
    pages = write_period_pages(data / "processed" / "2024-04", tmp / "stor" / "profiler", dt.date(2025, 1, 15))
    alone = time.perf_counter() - started
    ratio = whole / floor
    return [
        (
            f"Stor kommun: elevenkät med {sv(LARGE_RESPONSES, 0)} svar, {LARGE_UNITS} enheter, hela körningen med alla profiler",
            f"{sv(whole, 2)} s",
            f"{sv(ratio, 2)} × golvet",
            "≤ 3 × golvet " + ("✓" if ratio <= 3 else "✗"),
        ),
        (
            f"Stor kommun: bara enhetsprofilerna ({len(pages) - 1} profiler och förteckningen)",
            f"{sv(alone, 2)} s",
            f"{sv(alone / floor, 2)} × golvet",
            "",
        ),
    ]


def machine(cores: set[int] | None) -> str:
    usable = len(cores) if cores else len(os.sched_getaffinity(0))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.is_file()
        else []
    )
    cpu = models[0] if models else platform.machine()
    return f"{usable} kärnor ({cpu}), {sv(memory)} GB minne, Python {platform.python_version()}, {platform.system()}"


def sv(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mät en period mot golvet, run --all och indikatorerna.")
    parser.add_argument("--upprepningar", type=int, default=5, help="körningar per mätning av en period och golvet")
    parser.add_argument("--karnor", type=int, default=None, help="kör på så här många kärnor (standard: alla)")
    parser.add_argument("--indikatorer", action="store_true", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--stor", action="store_true", help="mät bara golvet och den stora kommunens elevenkät")
    args = parser.parse_args(argv)
    if args.indikatorer:
        print(json.dumps(indicator_timing()))
        return 0

    cores = set(sorted(os.sched_getaffinity(0))[: args.karnor]) if args.karnor else None
    cli = elevhalsa()
    with tempfile.TemporaryDirectory(prefix="elevhalsa-bench-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        floor_dir = tmp / "golv"
        floor_dir.mkdir()
        (floor_dir / "golv.ipynb").write_text(json.dumps(FLOOR_NOTEBOOK), encoding="utf-8")
        (floor_dir / "golv.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        floor_cmd = [sys.executable, "golv.py", "golv.ipynb", "ut.ipynb", "ut.html"]
        data = sample_copy(tmp / "data", tuple(p.name for p in SAMPLE.iterdir() if (p / "period.yaml").is_file()))

        def one_period(i: int) -> list[str]:
            return [*cli, "run", "--period", ONE_PERIOD, "--data-dir", str(data), "--reports-dir", str(tmp / f"r{i}")]

        if args.stor:
            timed(floor_cmd, env, cores, floor_dir)  # fills the caches; not counted
            rows = large_municipality_rows(tmp, cli, env, cores, timed(floor_cmd, env, cores, floor_dir))
            print(f"Dator: {machine(cores)}. Golvet och körningen mätta en gång var.\n")
            print("| Mätning | Tid | Jämförelse | Mål |")
            print("|---|---|---|---|")
            for row in rows:
                print("| " + " | ".join(row) + " |")
            return 0
        print("Mäter en period mot golvet …", file=sys.stderr)
        timed(floor_cmd, env, cores, floor_dir)  # first runs fill the caches; not counted
        timed(one_period(0), env, cores)
        floors, periods, colds = [], [], []
        for i in range(1, args.upprepningar + 1):
            floors.append(timed(floor_cmd, env, cores, floor_dir))
            periods.append(timed(one_period(i), env, cores))
            shutil.rmtree(data / "processed" / CACHE_FOLDER)
            colds.append(timed(one_period(f"k{i}"), env, cores))
        floor, period, cold = statistics.median(floors), statistics.median(periods), statistics.median(colds)

        print("Mäter run --all …", file=sys.stderr)
        three = sample_copy(tmp / "tre", SAMPLE_PERIODS)
        twelve = with_extra_periods(sample_copy(tmp / "tolv", SAMPLE_PERIODS))
        all_three = timed(
            [*cli, "run", "--all", "--force", "--data-dir", str(three), "--reports-dir", str(tmp / "r3")], env, cores
        )
        all_twelve = timed(
            [*cli, "run", "--all", "--force", "--data-dir", str(twelve), "--reports-dir", str(tmp / "r12")], env, cores
        )
        nothing = timed([*cli, "run", "--all", "--data-dir", str(twelve), "--reports-dir", str(tmp / "r12")], env, cores)

        print("Mäter indikatorerna …", file=sys.stderr)
        child = subprocess.run(
            [sys.executable, __file__, "--indikatorer"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
        )
        ind = json.loads(child.stdout.strip().splitlines()[-1])

        print("Mäter en elevenkät med 50 000 svar …", file=sys.stderr)
        from bench_elevenkat import LIMIT_SECONDS, bench_student_export

        student = bench_student_export(tmp / "elevenkat")

        print("Mäter enhetsprofilerna …", file=sys.stderr)
        from bench_units import bench_unit_profiles

        units = bench_unit_profiles(tmp / "enheter")

        print("Mäter en stor kommuns elevenkät …", file=sys.stderr)
        large = large_municipality_rows(tmp, cli, env, cores, floor)

    ratio, ratio12 = period / floor, all_twelve / period
    rows = [
        ("Golv: papermill + nbconvert, trivial notebook (pandas, seaborn, ett stapeldiagram)", f"{sv(floor, 2)} s", "", ""),
        (
            f"En period: `elevhalsa run --period {ONE_PERIOD}`, exempeldata",
            f"{sv(period, 2)} s",
            f"{sv(ratio, 2)} × golvet",
            "≤ 1,5 × golvet " + ("✓" if ratio <= 1.5 else "✗"),
        ),
        (
            "Samma period utan sparade jämförelseperioder (första körningen)",
            f"{sv(cold, 2)} s",
            f"{sv(cold / floor, 2)} × golvet",
            "",
        ),
        ("`run --all --force`, 3 perioder", f"{sv(all_three)} s", f"{sv(all_three / period)} × en period", ""),
        (
            "`run --all --force`, 12 perioder",
            f"{sv(all_twelve)} s",
            f"{sv(ratio12)} × en period (12 × en period = {sv(12 * period)} s)",
            "≤ 7 × en period " + ("✓" if ratio12 <= 7 else "✗"),
        ),
        ("`run --all` igen, inget ändrat (12 perioder)", f"{sv(nothing, 2)} s", "", "< 2 s " + ("✓" if nothing < 2 else "✗")),
        (
            f"Indikatorfunktionerna, {sv(ind['rows'], 0)} rader (elevenkät, svarande × fråga)",
            f"{sv(ind['seconds'], 2)} s",
            f"toppminne {sv(ind['peak_mb'], 0)} MB (tabellen: {sv(ind['table_mb'], 0)} MB)",
            "≤ 1 s och ≤ 1 GB " + ("✓" if ind["seconds"] <= 1 and ind["peak_mb"] <= 1024 else "✗"),
        ),
        (
            student["rad"],
            f"{sv(student['sekunder'], 2)} s",
            "",
            f"≤ {sv(LIMIT_SECONDS, 0)} s " + ("✓" if student["sekunder"] <= LIMIT_SECONDS else "✗"),
        ),
        (
            units["rad"],
            f"{sv(units['profiler_sekunder'], 2)} s",
            f"{sv(units['kvot'], 2)} × periodens rapport ({sv(units['rapport_sekunder'], 1)} s)",
            f"≤ {sv(units['grans'], 0)} × rapporten " + ("✓" if units["ok"] else "✗"),
        ),
        *large,
    ]
    print(f"Dator: {machine(cores)}.")
    print(
        f"En period och golvet: median av {args.upprepningar} körningar var, omväxlande; "
        f"enskilda tider {', '.join(sv(t, 2) for t in periods)} s mot {', '.join(sv(t, 2) for t in floors)} s "
        f"(utan sparade jämförelseperioder {', '.join(sv(t, 2) for t in colds)} s).\n"
    )
    print("| Mätning | Tid | Jämförelse | Mål |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
