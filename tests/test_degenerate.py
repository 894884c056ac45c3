"""Empty and degenerate data, end to end: every instrument's report is written and says in
words what is missing (no free text, a question nobody answered, all Vet ej, groups of 0 or
1, Kön not asked in a year group, one respondent in all, no previous period, 0 % and 100 %,
an insatser file without its optional comment column, an empty register).

One period folder carries several degenerate features at once, so few notebook runs are
needed (module-scoped fixtures, one run per period).
"""

from __future__ import annotations

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
    return text[at:text.index(end, at + len(start))]


# --- the student survey ------------------------------------------------------------------------

def one_respondent_in_all() -> list[dict]:
    return [{"id": "1", "unit": "01234567", "year": "Åk 8", "kon": "Flicka", "trygg_i_skolan": POSITIVE}]


def degenerate_students() -> list[dict]:
    """Åk 5: Kön never asked, vuxna_agerar all Vet ej, one unit with a single respondent.
    Åk 8: trygg 100 %, blivit kränkt 0 %, four girls and four boys. Gy 2: nobody answered
    the survey. Nobody in any year group answered vet_kontakt or wrote a comment."""
    rows = []
    for i in range(11):
        rows.append({"id": f"5-{i}", "unit": "01234567" if i < 10 else "23456789", "year": "Åk 5",
                     "trygg_i_skolan": POSITIVE if i < 7 else NEGATIVE, "vuxna_agerar": VET_EJ, "blivit_krankt": "Nej"})
    for i in range(8):
        rows.append({"id": f"8-{i}", "unit": "01234567", "year": "Åk 8", "kon": "Flicka" if i % 2 else "Pojke",
                     "trygg_i_skolan": POSITIVE, "vuxna_agerar": SCALE[i % 4], "blivit_krankt": "Nej"})
    return rows


@pytest.fixture(scope="module")
def student_reports(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("elevenkat")
    data, reports = tmp / "data", tmp / "reports"
    old = data / "raw" / "2023-04"
    write_student_common(old, label="våren 2023", start="2023-03-01", end="2023-04-30", enrolled={("01234567", "Åk 8"): 25})
    write_student_xlsx(old, one_respondent_in_all())
    now = data / "raw" / "2024-04"
    write_student_common(now, enrolled={("01234567", "Åk 5"): 30, ("23456789", "Åk 5"): 12, ("01234567", "Åk 8"): 25,
                                        ("34567890", "Gy 2"): 40})
    write_student_xlsx(now, degenerate_students())
    for period in ("2023-04", "2024-04"):
        run(data, reports, period)
    return reports


def test_student_report_with_a_single_respondent_and_no_previous_survey(student_reports):
    for variant in ("ledning", "analys"):
        text = text_of(student_reports / "2023-04" / f"elevenkat_{variant}.html")
        trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
        assert ("Färre än 5 elever i åk 8 har besvarat frågan med ett svar som räknas i andelen "
                "(1 av 1 som svarat på enkäten); ingen svarade Vet ej. Resultatet visas inte.") in trygg
        assert "1 av 25" in text and "Jämfört med" not in text
    assert "ingen elev har skrivit något svar på frågan" in text_of(student_reports / "2023-04" / "elevenkat_analys.html")


def test_all_vet_ej_is_counted_in_words(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    vuxna = section(text, "Fråga: «De vuxna på skolan gör något", "Svar per årskurs")
    assert ("Färre än 5 elever i åk 5 har besvarat frågan med ett svar som räknas i andelen (0 av 11 som svarat på "
            "enkäten); 11 svarade Vet ej. Resultatet visas inte.") in vuxna


def test_a_question_nobody_answered_says_so(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    kontakt = section(text, "Fråga: «Jag vet hur jag får kontakt", "Svar per årskurs")
    for year, n in (("åk 5", 11), ("åk 8", 8)):
        assert (f"Färre än 5 elever i {year} har besvarat frågan med ett svar som räknas i andelen (0 av {n} som svarat "
                f"på enkäten); ingen svarade Vet ej och {n} lämnade frågan obesvarad.") in kontakt


def test_a_year_group_without_respondents_says_so(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "Inga elever i år 2 på gymnasiet har svarat på enkäten; resultatet visas inte." in trygg
    assert "0 av 40" in text


def test_kon_not_asked_in_a_year_group_says_why_there_is_no_comparison(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "7 av 11 elever i åk 5 som besvarat frågan (64 %) känner sig trygga i skolan; ingen svarade Vet ej." in trygg
    assert ("Flickor och pojkar jämförs inte: ingen som besvarat frågan i åk 5 har angett kön som flicka eller pojke."
            in trygg)
    assert "Flickor och pojkar jämförs inte: en av grupperna har färre än 5 svar" in trygg  # åk 8: four and four


def test_100_and_0_percent_have_intervals_and_the_previous_survey_too_few(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_ledning.html")
    trygg = section(text, "Fråga: «Jag känner mig trygg i skolan.»", "Svar per årskurs")
    assert "8 av 8 elever i åk 8 som besvarat frågan (100 %) känner sig trygga i skolan; ingen svarade Vet ej." in trygg
    assert re.search(r"Skattat för alla elever i åk 8: 100 % \(\d+–100 %\)\. Svarsfrekvens 32 % \(8 av 25\)\.", trygg)
    assert "Ingen jämförelse med våren 2023: för få svar i åk 8 ett av åren." in trygg
    krankt = section(text, "Fråga: «Har du blivit kränkt", "Svar per årskurs")
    assert re.search(r"0 av 8 elever i åk 8 som besvarat frågan \(0 %\) .*?Skattat för alla elever i åk 8: 0 % \(0–\d+ %\)", krankt)


def test_an_empty_comment_column_says_there_is_no_free_text(student_reports):
    text = text_of(student_reports / "2024-04" / "elevenkat_analys.html")
    comments = text[text.index("Kommentarer"):]
    assert "Fråga: «Är det något mer du vill berätta om hur du har det i skolan?» – ingen elev har skrivit något svar" in comments
