"""Empty and degenerate data, end to end: every instrument's report is written and says in
words what is missing (no free text, a question nobody answered, all Vet ej, groups of 0 or
1, Kön not asked in a year group, one respondent in all, no previous period, 0 % and 100 %,
an insatser file without its optional comment column, an empty register).

One period folder carries several degenerate features at once, so few notebook runs are
needed (module-scoped fixtures, one run per period).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from contract_files import (
    SCALE,
    answers_2024,
    export_rows,
    principals,
    write_period,
    write_plan_period,
    write_register,
    write_student_common,
    write_student_xlsx,
    write_xlsx,
)
from elevhalsa_analysis.cli import main

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

POSITIVE, NEGATIVE, VET_EJ = SCALE[0], SCALE[3], SCALE[4]


def text_of(path: Path) -> str:
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw))).replace("\u00a0", " ")


def run(data: Path, reports: Path, period: str) -> None:
    argv = ["run", "--period", period, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-01-15"]
    assert main(argv) == 0, period


def section(text: str, start: str, end: str) -> str:
    """The text from `start` to the next `end` (a question's part of a report)."""
    at = text.index(start)
    return text[at : text.index(end, at + len(start))]


# --- the student survey ------------------------------------------------------------------------


def one_respondent_in_all() -> list[dict]:
    return [{"id": "1", "unit": "01234567", "year": "Åk 8", "kon": "Flicka", "trygg_i_skolan": POSITIVE}]


def degenerate_students() -> list[dict]:
    """Åk 5: Kön never asked, vuxna_agerar all Vet ej, one unit with a single respondent.
    Åk 8: trygg 100 %, blivit kränkt 0 %, four girls and four boys. Gy 2: nobody answered
    the survey. Nobody in any year group answered vet_kontakt or wrote a comment."""
    rows = []
    for i in range(11):
        rows.append(
            {
                "id": f"5-{i}",
                "unit": "01234567" if i < 10 else "23456789",
                "year": "Åk 5",
                "trygg_i_skolan": POSITIVE if i < 7 else NEGATIVE,
                "vuxna_agerar": VET_EJ,
                "blivit_krankt": "Nej",
            }
        )
    for i in range(8):
        rows.append(
            {
                "id": f"8-{i}",
                "unit": "01234567",
                "year": "Åk 8",
                "kon": "Flicka" if i % 2 else "Pojke",
                "trygg_i_skolan": POSITIVE,
                "vuxna_agerar": SCALE[i % 4],
                "blivit_krankt": "Nej",
            }
        )
    return rows


@pytest.fixture(scope="module")
def student_reports(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("elevenkat")
    data, reports = tmp / "data", tmp / "reports"
    old = data / "raw" / "2023-04"
    write_student_common(old, label="våren 2023", start="2023-03-01", end="2023-04-30", enrolled={("01234567", "Åk 8"): 25})
    write_student_xlsx(old, one_respondent_in_all())
    now = data / "raw" / "2024-04"
    write_student_common(
        now, enrolled={("01234567", "Åk 5"): 30, ("23456789", "Åk 5"): 12, ("01234567", "Åk 8"): 25, ("34567890", "Gy 2"): 40}
    )
    write_student_xlsx(now, degenerate_students())
    for period in ("2023-04", "2024-04"):
        run(data, reports, period)
    return reports


def test_student_report_with_a_single_respondent_and_no_previous_survey(student_reports):
    for variant in ("ledning", "analys"):
        text = text_of(student_reports / "2023-04" / f"elevenkat_{variant}.html")
        trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
        assert (
            "Färre än 5 elever i åk 8 har besvarat frågan med ett svar som räknas i andelen "
            "(1 av 1 som svarat på enkäten); ingen svarade Vet ej. Resultatet visas inte."
        ) in trygg
        assert "1 av 25" in text and "Jämfört med" not in text
        assert "Det finns ingen tidigare enkät att jämföra med." in section(text, "Sammanfattning", "Svarsfrekvens")
    assert "ingen elev har skrivit något svar på frågan" in text_of(student_reports / "2023-04" / "elevenkat_analys.html")


def test_all_vet_ej_is_counted_in_words(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    vuxna = section(text, "Fråga: «De vuxna på skolan gör något", "Svar per årskurs")
    assert (
        "Färre än 5 elever i åk 5 har besvarat frågan med ett svar som räknas i andelen (0 av 11 som svarat på "
        "enkäten); 11 svarade Vet ej. Resultatet visas inte."
    ) in vuxna


def test_a_question_nobody_answered_says_so(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    kontakt = section(text, "Fråga: «Jag vet hur jag får kontakt", "Svar per årskurs")
    for year, n in (("åk 5", 11), ("åk 8", 8)):
        assert (
            f"Färre än 5 elever i {year} har besvarat frågan med ett svar som räknas i andelen (0 av {n} som svarat "
            f"på enkäten); ingen svarade Vet ej och {n} lämnade frågan obesvarad."
        ) in kontakt


def test_a_year_group_without_respondents_says_so(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "Inga elever i år 2 på gymnasiet har svarat på enkäten; resultatet visas inte." in trygg
    assert "0 av 40" in text


def test_kon_not_asked_in_a_year_group_says_why_there_is_no_comparison(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "7 av 11 elever i åk 5 som besvarat frågan (64 %) känner sig trygga i skolan; ingen svarade Vet ej." in trygg
    assert "Flickor och pojkar jämförs inte: ingen som besvarat frågan i åk 5 har angett kön som flicka eller pojke." in trygg
    assert "Flickor och pojkar jämförs inte: en av grupperna har färre än 5 svar" in trygg  # åk 8: four and four


def test_100_and_0_percent_have_intervals_and_the_previous_survey_too_few(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "8 av 8 elever i åk 8 som besvarat frågan (100 %) känner sig trygga i skolan; ingen svarade Vet ej." in trygg
    assert re.search(r"Skattat för alla elever i åk 8: 100 % \(\d+–100 %\)\. Svarsfrekvens 32 % \(8 av 25\)\.", trygg)
    assert "Ingen jämförelse med våren 2023: för få svar i åk 8 ett av åren." in trygg
    krankt = section(text, "Fråga: «Har du blivit kränkt", "Svar per årskurs")
    assert re.search(
        r"0 av 8 elever i åk 8 som besvarat frågan \(0 %\) .*?Skattat för alla elever i åk 8: 0 % \(0–\d+ %\)", krankt
    )


def test_an_empty_comment_column_says_there_is_no_free_text(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_analys.html")
    comments = text[text.index("Kommentarer") :]
    assert "Fråga: «Är det något mer du vill berätta om hur du har det i skolan?» – ingen elev har skrivit något svar" in comments


# --- the principal survey ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def principal_reports(tmp_path_factory) -> Path:
    """Three principals asked each year. 2023: one answered, only the competences (Kurator);
    no earlier period. 2024: one answered, Ja on the plan (100 %), Nej on preventive access
    (0 %), nothing on the competences or anything else, no comment."""
    tmp = tmp_path_factory.mktemp("rektorsenkat")
    data, reports = tmp / "data", tmp / "reports"
    people = principals(3)
    empty = {k: "" for k in answers_2024()[0]}
    years = {
        "2023-10": ("2023", empty | {"tillgang_kompetenser": "Kurator;"}),
        "2024-10": ("2024", empty | {"tagit_del_av_planen": "Ja", "tillgang_forebyggande": "Nej"}),
    }
    for period, (year, answer) in years.items():
        folder = data / "raw" / period
        write_period(folder, label=f"juni–oktober {year}", start=f"{year}-06-01", end=f"{year}-10-31")
        write_register(folder, people)
        write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people[:1], [answer], start=dt.datetime(int(year), 9, 2, 8)))
        run(data, reports, period)
    return reports


def test_principal_report_with_one_respondent_states_every_denominator(principal_reports):
    text = text_of(principal_reports / "2024-10" / "rektorsenkat_ledning.html")
    assert "Enkäten gick till 3 rektorer inom grundskolan; 1 av 3 (33 %) svarade. 2 svarade inte." in text
    assert "1 av 1 som besvarat frågan (100 %) har tagit del av den uppdaterade elevhälsoplanen; 2 har inte svarat." in text
    assert "0 av 1 som besvarat frågan (0 %) har tillgång till elevhälsan" in text
    first = text_of(principal_reports / "2023-10" / "rektorsenkat_ledning.html")
    assert "Det finns ingen tidigare period att jämföra med." in first


def test_a_competence_grid_of_one_principal(principal_reports):
    text = text_of(principal_reports / "2023-10" / "rektorsenkat_ledning.html")
    competences = section(text, "Fråga: «Vilka av elevhälsans kompetenser har du tillgång till?»", "Fråga: «")
    assert "0 av 1 som besvarat frågan (0 %)" in competences
    assert "saknar fyra kompetenser: skolläkare, skolsköterska, psykolog, specialpedagogisk kompetens" in competences
    assert "Tillgång per kompetens, 1 som svarat" in competences


def test_a_competence_question_nobody_answered_says_so_without_an_empty_grid(principal_reports):
    text = text_of(principal_reports / "2024-10" / "rektorsenkat_ledning.html")
    competences = section(text, "Fråga: «Vilka av elevhälsans kompetenser har du tillgång till?»", "Fråga: «")
    assert (
        "Ingen av de 3 rektorer inom grundskolan har besvarat frågan «Vilka av elevhälsans kompetenser har du tillgång till?»."
    ) in competences
    assert "Tillgång per kompetens" not in competences and "Rutnät" not in competences


def test_no_principal_comment_is_said_in_words(principal_reports):
    text = text_of(principal_reports / "2024-10" / "rektorsenkat_analys.html")
    assert "Fråga: «Övriga kommentarer och förslag på förbättringar» – ingen har skrivit något svar på frågan." in text


# --- the operations-plan follow-up -------------------------------------------------------------

PLAN_UNITS = [("10000001", "Norrskolan", "Grundskola"), ("10000002", "Söderskolan", "Grundskola")]


def indicator(iid: str, namn: str, kalla: str, **more) -> dict:
    return {"id": iid, "namn": namn, "kalla": kalla, **more}


def degenerate_plan() -> dict:
    return {
        "namn": "Testplan 2024",
        "omrade": "Lärande och trygghet",
        "kommunkod": "0581",
        "franvarogranser": [15, 20],
        "indikatorer": [
            indicator(
                "hog_ht",
                "Minst 20 % frånvaro HT",
                "franvaro",
                matt="andel_minst",
                grans=20,
                termin="HT",
                riktning="lagre",
                malvarde=10,
            ),
            indicator(
                "hog_vt",
                "Minst 15 % frånvaro VT",
                "franvaro",
                matt="andel_minst",
                grans=15,
                termin="VT",
                riktning="lagre",
                malvarde=10,
            ),
            indicator("anm", "Anmälningar per 100 elever", "krankningar", matt="per_100_elever", riktning="ingen"),
            indicator("avslutade", "Avslutade anmälningar", "krankningar", matt="andel_avslutade", riktning="hogre", malvarde=50),
            indicator(
                "inom",
                "Till huvudmannen inom 3 dagar",
                "krankningar",
                matt="andel_till_huvudman_inom",
                dagar=3,
                riktning="hogre",
                malvarde=90,
            ),
            indicator(
                "dagar", "Dagar till avslut", "krankningar", matt="median_dagar_till_avslut", riktning="lagre", malvarde=30
            ),
        ],
        "insatser": [
            {"id": "insats_1", "text": "Första insatsen.", "indikatorer": ["hog_ht"]},
            {"id": "insats_2", "text": "Andra insatsen.", "indikatorer": []},
        ],
    }


@pytest.fixture(scope="module")
def plan_report(tmp_path_factory) -> str:
    """Three pupils, all above 15 % in the spring and none above 20 % in the autumn (100 % and
    0 %), a report register with headers and no rows, an insatser file without the optional
    kommentar column and a row for only one insats; no earlier follow-up."""
    tmp = tmp_path_factory.mktemp("plan")
    data, reports = tmp / "data", tmp / "reports"
    absence = []
    for i in range(3):
        code, name, _ = PLAN_UNITS[i % 2]
        for term, minutes in (("VT 2024", 300), ("HT 2024", 0)):
            absence.append([f"2012010{i + 1}123{i}", f"Barn{i} Testsson", code, name, "Åk 6", term, 1000, minutes, 0])
    write_plan_period(
        data / "raw" / "2024",
        degenerate_plan(),
        insatser=[["insats_1", "Påbörjad", "Centrala elevhälsan"]],
        kommentar=False,
        elevantal=[[c, n, f, "Åk 6", 3] for c, n, f in PLAN_UNITS],
        franvaro=absence,
        krankningar=[],
    )
    run(data, reports, "2024")
    return text_of(reports / "2024" / "verksamhetsplan_ledning.html")


def test_plan_at_0_and_100_percent_is_assessed(plan_report):
    scorecard = section(plan_report, "Målkort", "Insatser")
    assert "Minst 20 % frånvaro HT 0,0 % (0 av 3) – – högst 10,0 % ✔ Uppnått" in scorecard
    assert "Minst 15 % frånvaro VT 100,0 % (3 av 3) – – högst 10,0 % ✖ Inte uppnått" in scorecard
    assert "Det finns ingen föregående period att jämföra med." in scorecard


def test_an_empty_report_register_counts_zero_and_says_what_cannot_be_judged(plan_report):
    scorecard = section(plan_report, "Målkort", "Insatser")
    assert "Anmälningar per 100 elever 0,0 per 100 elever (0 anmälningar, 6 elever)" in scorecard
    for row in ("Avslutade anmälningar", "Till huvudmannen inom 3 dagar"):
        cells = scorecard[scorecard.index(row) :][:200]
        assert "Kan inte bedömas: uppgift saknas: inga elever eller ärenden att räkna" in cells, row
    assert "Kan inte bedömas: uppgift saknas: inga ärenden med avslutsdatum" in scorecard
    assert "Inga ärenden att följa upp: ingen anmälan gjordes under perioden." in plan_report


def test_insatser_without_the_comment_column(plan_report):
    insatser = section(plan_report, "Insatser 0 av 2", "Frånvaro")
    assert "0 av 2 insatser är genomförda, 1 påbörjad, 1 utan uppgift. Ingen ansvarig har lämnat någon kommentar." in insatser
    assert "Kommentar" not in insatser.replace("kommentar.", "") and "None" not in insatser
