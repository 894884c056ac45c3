"""Unit profiles of the 2024 sample follow-up: one per unit, suppression kept, no principal's opinion."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from elevhalsa_analysis.cli import main
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.sections_units import write_period_pages

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw"
PLANTED = "UNIK-REKTORSKOMMENTAR-7f3a9c"
SMALL_UNIT = "48170396"  # Klöverskolan: 3–4 pupils in the surveyed year groups


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("enheter")
    data, reports = tmp / "data", tmp / "reports"
    shutil.copytree(SAMPLE, data / "raw")
    # Every principal writes the same unique comment: it must never reach a profile.
    path = data / "raw" / "2024-10" / "rektorsenkat.xlsx"
    wb = load_workbook(path)
    ws = wb.active
    column = next(c.column for c in ws[1] if c.value == "Övriga kommentarer och förslag på förbättringar")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column, f"{PLANTED} rad {row}")
    wb.save(path)
    assert (
        main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-01-15"]) == 0
    )
    return data, reports


def text_of(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def codes() -> list[str]:
    return sorted(pd.read_csv(SAMPLE / "2024" / "elevantal.csv", dtype=str)["skolenhetskod"].unique())


def test_every_unit_has_a_profile_linked_from_the_index(run):
    _, reports = run
    folder = reports / "2024" / "enheter"
    # The plan's registers' units and the units of the surveys it follows (upper secondary and preschools too).
    surveyed = set(pd.read_csv(SAMPLE / "2024-04" / "elevantal.csv", dtype=str)["skolenhetskod"])
    preschools = sorted(set(pd.read_csv(SAMPLE / "2024-03" / "barnantal.csv", dtype=str)["enhetskod"]))
    surveyed |= set(preschools)
    assert sorted(p.stem for p in folder.glob("*.html") if p.stem != "index") == sorted(set(codes()) | surveyed)
    links = re.findall(r'href="([^"]+)"', (folder / "index.html").read_text(encoding="utf-8"))
    assert sorted(links) == sorted(f"{c}.html" for c in set(codes()) | surveyed)
    assert 'href="enheter/index.html"' in (reports / "2024" / "verksamhetsplan_ledning.html").read_text(encoding="utf-8")
    page = text_of(folder / "01274639.html")
    for heading in ("Elevenkäten", "Frånvaro", "Anmälningar", "Tillgång till elevhälsans kompetenser"):
        assert heading in page
    preschool = text_of(folder / f"{preschools[0]}.html")
    assert "Vårdnadshavarenkäten" in preschool and "Svarsfrekvens i vårdnadshavarenkäten" in preschool


def _table(page: str, caption: str) -> list[list[str]]:
    body = page.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in re.findall(r"<tr>(.*?)</tr>", body)]
    return [r for r in rows if r]  # the header row has no data cells


def test_a_suppressed_year_group_shows_only_dashes_and_cannot_be_derived(run):
    data, reports = run
    page = (reports / "2024" / "enheter" / f"{SMALL_UNIT}.html").read_text(encoding="utf-8")
    units = pd.read_parquet(data / "processed" / "2024" / "verksamhetsplan" / "enheter_elevenkat.parquet")
    mine = units[(units["skolenhetskod"] == SMALL_UNIT) & (units["enkatperiod"] == "2024-04")]
    assert mine["dold"].all()
    for arskurs in ("Åk 5", "Åk 8"):
        rows = _table(page, f"{arskurs}, våren 2024")
        assert rows and all(r[1:3] == ["–", "–"] and r[4] == "–" for r in rows)
        trend = _table(page, f"{arskurs}: enhetens andel per enkät")
        assert all(cell == "–" for r in trend for cell in r[1:])
    # No count of the hidden group anywhere on the page, and no survey chart of it.
    survey = page.split('id="elevenkat"', 1)[1].split('id="franvaro"', 1)[0]
    assert "<img" not in survey
    for r in mine.itertuples():
        assert f"av {r.n})" not in survey
    # Across all profiles: a hidden group with answers never stands alone, so the
    # shown units and the year group's total do not give it away (suppress_shares).
    for _, group in units.groupby(["enkatperiod", "fraga", "arskurs"]):
        hidden = group[group["dold"] & (group["n"] > 0)]
        if len(hidden):
            assert len(hidden) >= 2


def test_no_profile_holds_a_principals_opinion(run):
    _, reports = run
    version = load_codebook("rektorsenkat").versions[-1]
    others = [q for q in version.questions if not q.unit_level]
    assert others
    for path in sorted((reports / "2024" / "enheter").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert PLANTED not in text, path
        for q in others:
            assert q.short not in html.unescape(text) and q.text not in html.unescape(text), (path, q.id)


def test_funnels_in_the_report_list_deviations_by_code_never_ranked(run):
    _, reports = run
    page = (reports / "2024" / "verksamhetsplan_ledning.html").read_text(encoding="utf-8")
    assert page.count("Trattdiagram med") >= 5  # four absence funnels and one for reports
    assert "Spiegelhalter 2005" in page
    assert "Visas inte (för få för att visas" in page and "Klöverskolan" in page


def test_profiles_are_byte_identical_when_written_again(run, tmp_path):
    data, reports = run
    processed = data / "processed" / "2024"
    write_period_pages(processed, tmp_path, dt.date(2025, 1, 15))
    for path in sorted((reports / "2024" / "enheter").glob("*.html")):
        assert (tmp_path / "enheter" / path.name).read_bytes() == path.read_bytes(), path


# --- a many-unit student survey alone in its period folder ------------------------------------

MANY_UNITS, UPPER_SECONDARY = 45, 3
TINY_UNIT = "20000000"  # 3 answers: every share of it is hidden
QUESTIONS = [
    "Jag känner mig trygg i skolan.",
    "De vuxna på skolan gör något om en elev blir illa behandlad.",
    "Det finns vuxna på skolan som jag kan prata med om jag mår dåligt.",
    "Jag vet hur jag får kontakt med skolsköterskan, kuratorn eller psykologen.",
    "Har du blivit kränkt eller illa behandlad i skolan under det här läsåret?",
]
SCALE = ["Stämmer helt och hållet", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls"]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A student-survey period of 48 units (3 upper secondary) built from the export contract."""
    tmp = tmp_path_factory.mktemp("manga")
    folder = tmp / "data" / "raw" / "2024-04"
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text(
        "label: våren 2024\nstart: 2024-03-01\nend: 2024-04-30\npopulation: elever\nsyntetisk: true\n", encoding="utf-8"
    )
    units = [(f"{20000000 + u}", "Åk 5", "Grundskola") for u in range(MANY_UNITS)]
    units += [(f"{30000000 + u}", "Gy 2", "Gymnasieskola") for u in range(UPPER_SECONDARY)]
    enrolment, rows = ["skolenhetskod,skolenhet,skolform,årskurs,antal"], []
    for i, (code, year, form) in enumerate(units):
        answers = 3 if code == TINY_UNIT else 6 + i % 5
        enrolment.append(f"{code},Enhet {code},{form},{year},{answers + 4}")
        for j in range(answers):
            rows.append(
                [
                    str(len(rows) + 1),
                    "2024-03-20 10:15",
                    code,
                    year,
                    "Flicka" if j % 2 else "Pojke",
                    *(SCALE[(i + j + k) % 4] for k in range(4)),
                    "Ja" if (i + j) % 5 == 0 else "Nej",
                    "Mer rast." if j == 0 else "",
                ]
            )
    (folder / "elevantal.csv").write_text("\n".join(enrolment) + "\n", encoding="utf-8")
    header = [
        "ID",
        "Datum",
        "Skolenhetskod",
        "Årskurs",
        "Kön",
        *QUESTIONS,
        "Är det något mer du vill berätta om hur du har det i skolan?",
    ]
    (folder / "elevenkat.csv").write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="cp1252")
    reports = tmp / "reports"
    assert (
        main(
            [
                "run",
                "--period",
                "2024-04",
                "--data-dir",
                str(tmp / "data"),
                "--reports-dir",
                str(reports),
                "--run-date",
                "2025-01-15",
            ]
        )
        == 0
    )
    return reports, [c for c, _, _ in units]


def test_every_unit_of_a_survey_only_period_has_a_profile_in_the_index(many):
    reports, codes_ = many
    folder = reports / "2024-04" / "enheter"
    assert sorted(p.stem for p in folder.glob("*.html") if p.stem != "index") == sorted(codes_)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'href="([^"]+)"', index)) == sorted(f"{c}.html" for c in codes_)
    # Grouped by school form, alphabetical: Grundskola before Gymnasieskola.
    assert index.index("<h2>Grundskola</h2>") < index.index("<h2>Gymnasieskola</h2>") < index.index("Enhet 30000000")
    assert 'href="2024-04/enheter/index.html"' in (reports / "index.html").read_text(encoding="utf-8")
    for variant in ("ledning", "analys"):
        assert 'href="enheter/index.html"' in (reports / "2024-04" / f"elevenkat_{variant}.html").read_text(encoding="utf-8")


def test_a_suppressed_unit_shows_dashes_in_its_profile(many):
    reports, _ = many
    page = (reports / "2024-04" / "enheter" / f"{TINY_UNIT}.html").read_text(encoding="utf-8")
    rows = _table(page, "Åk 5, våren 2024")
    assert len(rows) == len(QUESTIONS)
    assert all(r[1:3] == ["–", "–"] and r[4] == "–" for r in rows)
    assert "Profilen har inga uppgifter för våren 2024 om" in text_of(reports / "2024-04" / "enheter" / f"{TINY_UNIT}.html")


def test_no_leadership_table_exceeds_forty_rows_while_the_analysis_keeps_every_unit(many):
    reports, codes_ = many
    for variant, check in (("ledning", lambda n: n <= 40), ("analys", lambda n: n >= len(codes_))):
        page = (reports / "2024-04" / f"elevenkat_{variant}.html").read_text(encoding="utf-8")
        longest = max(len(re.findall(r"<tr>", t.split("</thead>")[-1])) for t in re.findall(r"<table.*?</table>", page, re.S))
        assert check(longest), (variant, longest)
