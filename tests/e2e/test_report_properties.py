"""At report level: any small contract-valid input gives a report or a data error, never
anything else. Hypothesis draws 0–3 respondents per group, random missingness, optional
columns and files present or not, and an earlier period or none; each example is one run
of the instrument's notebook through the CLI.

Few examples by default (one run costs 10–20 s); set ELEVHALSA_HYPOTHESIS_EXAMPLES for more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contract_files import (
    ENROLLED,
    GENDERS,
    JA_NEJ,
    SCALE,
    Q,
    export_rows,
    principals,
    write_period,
    write_plan_period,
    write_register,
    write_student_common,
    write_student_csv,
    write_student_xlsx,
    write_xlsx,
)
from elevhalsa_analysis.cli import main

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("ELEVHALSA_HYPOTHESIS_EXAMPLES", "1"))
COMMENTS = ["", "Bra.", "Ring mig på 070-123 45 67.", "<b>fet</b>"]
STATEMENTS = ["trygg_i_skolan", "vuxna_agerar", "vuxen_att_prata_med", "vet_kontakt_elevhalsan"]
COMPETENCES = ["Skolläkare", "Skolsköterska", "Psykolog", "Kurator", "Specialpedagogisk kompetens"]
PRINCIPAL_SCALES = {
    "tagit_del_av_planen": ["Ja", "Nej"],
    "tillgang_kompetenser": None,
    "kommentarer": COMMENTS,
    **{
        qid: ["Ja", "Till viss del", "Nej"]
        for qid in Q
        if qid not in ("tagit_del_av_planen", "tillgang_kompetenser", "kommentarer")
    },
}


def maybe(values: list[str]) -> st.SearchStrategy[str]:
    """An answer or an empty cell (not answered)."""
    return st.sampled_from(["", *values])


# --- the student survey ------------------------------------------------------------------------


@st.composite
def student_period(draw) -> tuple[dict, list[dict]]:
    """(enrolled per unit and year group, responses): 0–3 per group, Kön asked or not per year group."""
    kon_asked = {year: draw(st.booleans()) for year in {y for _, y in ENROLLED}}
    enrolled, rows = {}, []
    for unit, year in ENROLLED:
        size = draw(st.integers(0, 3))
        enrolled[(unit, year)] = size + draw(st.integers(0, 3))
        for _ in range(size):
            rows.append(
                {
                    "id": str(len(rows) + 1),
                    "unit": unit,
                    "year": year,
                    "kon": draw(maybe(GENDERS)) if kon_asked[year] else "",
                    **{qid: draw(maybe(SCALE)) for qid in STATEMENTS},
                    "blivit_krankt": draw(maybe(JA_NEJ)),
                    "vill_beratta": draw(st.sampled_from(COMMENTS)),
                }
            )
    return enrolled, rows


@st.composite
def student_data(draw) -> list[tuple[str, dict, list[dict], bool]]:
    """Period folders (name, enrolled, rows, as csv), an earlier one or none."""
    periods = [("2024-04", *draw(student_period()), draw(st.booleans()))]
    if draw(st.booleans()):
        periods.insert(0, ("2023-04", *draw(student_period()), draw(st.booleans())))
    return periods


def write_students(data: Path, periods) -> str:
    for name, enrolled, rows, as_csv in periods:
        year = name[:4]
        folder = data / "raw" / name
        write_student_common(folder, label=f"våren {year}", start=f"{year}-03-01", end=f"{year}-04-30", enrolled=enrolled)
        (write_student_csv if as_csv else write_student_xlsx)(folder, rows)
    return periods[-1][0]


# --- the principal survey ----------------------------------------------------------------------


@st.composite
def principal_answers(draw) -> dict[str, str]:
    out = {}
    for qid, labels in PRINCIPAL_SCALES.items():
        if labels is None:
            chosen = draw(st.lists(st.sampled_from(COMPETENCES), unique=True, max_size=5))
            out[qid] = "".join(f"{c};" for c in chosen)  # none chosen: an empty cell
        else:
            out[qid] = draw(maybe(labels)) if labels is not COMMENTS else draw(st.sampled_from(COMMENTS))
    return out


@st.composite
def principal_period(draw) -> tuple[int, list[int], list[dict]]:
    """(principals asked, who answered, their answers): 1–3 asked, 0–3 answered."""
    asked = draw(st.integers(1, 3))
    answered = sorted(draw(st.sets(st.integers(0, asked - 1))))
    return asked, answered, [draw(principal_answers()) for _ in answered]


def write_principals(data: Path, periods) -> str:
    for (name, start, end), (asked, answered, answers) in periods:
        folder = data / "raw" / name
        write_period(folder, label=name, start=start, end=end)
        people = principals(asked)
        write_register(folder, people)
        write_xlsx(
            folder / "rektorsenkat.xlsx",
            *export_rows([people[i] for i in answered], answers, start=dt.datetime.fromisoformat(f"{start}T08:00")),
        )
    return periods[-1][0][0]


# --- the operations-plan follow-up -------------------------------------------------------------

PLAN_UNITS = [("10000001", "Norrskolan", "Grundskola"), ("10000002", "Söderskolan", "Anpassad grundskola")]
PLAN = {
    "namn": "Testplan 2024",
    "omrade": "Lärande och trygghet",
    "kommunkod": "0581",
    "franvarogranser": [15, 20],
    "indikatorer": [
        {
            "id": "hog_ht",
            "namn": "Minst 20 % frånvaro HT",
            "kalla": "franvaro",
            "matt": "andel_minst",
            "grans": 20,
            "termin": "HT",
            "riktning": "lagre",
            "malvarde": 10,
        },
        {
            "id": "bada",
            "namn": "Minst 15 % båda terminerna",
            "kalla": "franvaro",
            "matt": "andel_minst_bada_terminerna",
            "grans": 15,
            "riktning": "lagre",
            "malvarde": 5,
        },
        {
            "id": "anm",
            "namn": "Anmälningar per 100 elever",
            "kalla": "krankningar",
            "matt": "per_100_elever",
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
            "id": "trygga",
            "namn": "Trygga elever i åk 8",
            "kalla": "elevenkat",
            "fraga": "trygg_i_skolan",
            "arskurs": "Åk 8",
            "riktning": "hogre",
            "malvarde": 90,
        },
    ],
    "insatser": [
        {"id": "insats_1", "text": "Första insatsen.", "indikatorer": ["hog_ht"]},
        {"id": "insats_2", "text": "Andra insatsen.", "indikatorer": ["anm"]},
    ],
}
STATUSES = ["Ej påbörjad", "Påbörjad", "Genomförd", "Avbruten"]
REPORT_STATUSES = ["Anmäld", "Utreds", "Åtgärder pågår", "Avslutad"]


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """A file's rows, or None: the file is absent."""
    return st.one_of(st.none(), strategy)


@st.composite
def absence_rows(draw) -> list[list]:
    terms = draw(st.sampled_from([["VT 2024", "HT 2024"], ["HT 2024"], ["VT 2024"]]))
    rows = []
    for i in range(draw(st.integers(0, 3))):
        code, name, _ = PLAN_UNITS[i % 2]
        for term in terms:
            scheduled = draw(st.sampled_from([0, 1000]))
            absent = draw(st.integers(0, scheduled))
            rows.append(
                [
                    f"2012010{i + 1}123{i}",
                    f"Barn{i} Testsson",
                    code,
                    name,
                    "Åk 6",
                    term,
                    scheduled or "",
                    absent if scheduled else "",
                    0 if scheduled else "",
                ]
            )
    return rows


@st.composite
def report_rows(draw) -> list[list]:
    rows = []
    for i in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from(REPORT_STATUSES))
        day = draw(st.integers(1, 20))
        rows.append(
            [
                f"KB-{i + 1}",
                PLAN_UNITS[i % 2][0],
                f"2024-03-{day:02d}",
                draw(st.sampled_from(["", f"2024-03-{day + 1:02d}"])),
                "Kränkande behandling",
                draw(st.sampled_from(["Elev", "Personal", "Okänd"])),
                status,
                f"2024-04-{day:02d}" if status == "Avslutad" else "",
                "Beskrivning som aldrig visas.",
            ]
        )
    return rows


@st.composite
def plan_files(draw) -> dict:
    insatser = draw(
        optional(
            st.lists(
                st.tuples(st.sampled_from(["insats_1", "insats_2"]), st.sampled_from(STATUSES), st.sampled_from(COMMENTS)),
                max_size=2,
                unique_by=lambda r: r[0],
            )
        )
    )
    return {
        "insatser": None
        if insatser is None
        else [[iid, status, "Centrala elevhälsan", comment] for iid, status, comment in insatser],
        "kommentar": draw(st.booleans()),
        "elevantal": draw(optional(st.just([[c, n, f, "Åk 6", 3] for c, n, f in PLAN_UNITS]))),
        "franvaro": draw(optional(absence_rows())),
        "krankningar": draw(optional(report_rows())),
    }


# --- the property ------------------------------------------------------------------------------


def assert_report_or_data_error(data: Path, period: str, instrument: str) -> None:
    reports = data.parent / "reports"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["run", "--period", period, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-01-15"]
        )
    err, folder = err.getvalue(), reports / period
    # --hypothesis-show-statistics tells how many examples reached a report, and why the others stopped.
    event(f"exit {code}" + (f": {err.splitlines()[-1][:90]}" if code else ""))
    if code == 0:
        page = folder / f"{instrument}_ledning.html"
        assert page.is_file() and "<h2" in page.read_text(encoding="utf-8"), err
        return
    # A data error's message says what is wrong with the input; a notebook that stopped on
    # anything else, or a kernel that could not run, is a bug however it is worded.
    assert code == 1, (code, err)
    assert not re.search(r"avbröts i (?:kod)?cell \d+: (?!DataError|ConfigError)", err), err
    assert "kunde inte köras" not in err and "Traceback" not in err, err


@contextlib.contextmanager
def fresh_data():
    root = Path(tempfile.mkdtemp(prefix="elevhalsa-prop-"))
    try:
        yield root / "data"
    finally:
        shutil.rmtree(root, ignore_errors=True)


SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@SETTINGS
@given(student_data())
def test_student_survey_gives_a_report_or_a_data_error(periods):
    with fresh_data() as data:
        assert_report_or_data_error(data, write_students(data, periods), "elevenkat")


@SETTINGS
@given(principal_period(), st.one_of(st.none(), principal_period()))
def test_principal_survey_gives_a_report_or_a_data_error(current, earlier):
    periods = [(("2024-10", "2024-06-01", "2024-10-31"), current)]
    if earlier is not None:
        periods.insert(0, (("2023-10", "2023-06-01", "2023-10-31"), earlier))
    with fresh_data() as data:
        assert_report_or_data_error(data, write_principals(data, periods), "rektorsenkat")


@SETTINGS
@given(plan_files())
def test_plan_follow_up_gives_a_report_or_a_data_error(files):
    with fresh_data() as data:
        write_plan_period(data / "raw" / "2024", PLAN, **files)
        assert_report_or_data_error(data, "2024", "verksamhetsplan")
