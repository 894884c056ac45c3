"""End to end: raw files → gate → notebook (papermill) → HTML (nbconvert), read back."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contract_files import EN_META, Q, answers_2024, export_rows, principals, write_csv, write_period, write_register, write_xlsx
from elevhalsa_analysis.cli import main

# Runs notebooks (reports end to end): left out of `make test-fast`.
pytestmark = pytest.mark.e2e

SEED_SENTENCES = [
    "12 av 18 rektorer inom grundskolan (67\u00a0%) har tagit del av den uppdaterade elevhälsoplanen.",
    "17 av 18 rektorer inom grundskolan (94\u00a0%) har tillgång till elevhälsans samtliga fem kompetenser.",
    "6 av 18 rektorer inom grundskolan (33\u00a0%) har tillgång till elevhälsan på ett sätt som möjliggör förebyggande och hälsofrämjande arbete.",
    "14 av 18 rektorer inom grundskolan (78\u00a0%) uppger att det råder samsyn inom elevhälsoteamet kring hur elevhälsoarbetet ska bedrivas.",
    "17 av 18 rektorer inom grundskolan (94\u00a0%) följer kontinuerligt upp och analyserar elevhälsoarbetet.",
    "6 av 12 som besvarat frågan (50\u00a0%) anser att elevhälsan på ett fullgott sätt stödjer elevernas utveckling mot målen; 6 har inte svarat.",
    "16 av 18 rektorer inom grundskolan (89\u00a0%) anser att samarbetet med elevhälsan fungerar bra.",
    "15 av 18 rektorer inom grundskolan (83\u00a0%) anser att det behövs, eller till viss del behövs, gemensamma kompetensutvecklingsinsatser inom elevhälsoarbetet.",
]


def text_of(path: Path) -> str:
    """The visible text of a report: tags removed, entities decoded, spaces folded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def test_sample_report_states_the_seed_figures(sample_run):
    _, reports = sample_run
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    for sentence in SEED_SENTENCES:
        assert sentence in text, sentence
    assert "Syntetiska exempeldata" in text
    assert "Rektorn vid Klöverskolan (anpassad grundskola) saknar två kompetenser" in text
    # Nonresponse bounds (issue 4): 6 av 18 to 12 av 18, 33–67 %.
    assert "33–67\u00a0%" in text and "6 av 18 om ingen, 12 av 18 om alla" in text


def test_known_unused_columns_are_left_out_with_a_note(sample_run):
    # The contract: other columns such as «Senaste ändringstid» are ignored, with a note.
    _, reports = sample_run
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    quality = text[text.index("Kontroller av underlaget") :]
    assert (
        "Kolumner som exporten brukar ha men som inte används information Notering 0 «Senaste ändringstid» lämnades utanför"
        in quality
    )
    assert "Extra kolumner som inte används varning Godkänd" in quality
    assert "alla kontroller är godkända" in text


def test_sample_report_compares_with_previous_period(sample_run):
    _, reports = sample_run
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    assert (
        "12 av 18 (67\u00a0%), jämfört med 5 av 18 (28\u00a0%) juni–oktober 2023. Det är en statistiskt säkerställd ökning"
        in text
    )
    assert "p = 0,016" in text


def test_outputs_hold_no_personal_data(sample_run):
    data, reports = sample_run
    people = []
    for period in ("2023-10", "2024-10", "2025-10"):
        for line in (data / "raw" / period / "rektorer.csv").read_text(encoding="utf-8").splitlines()[1:]:
            email, name = line.split(",")[:2]
            people += [email, name]
    outputs = [p for root in (reports, data / "processed") for p in root.rglob("*") if p.is_file()]
    assert outputs
    for path in outputs:
        blob = path.read_bytes()
        if path.suffix == ".parquet":
            import pandas as pd

            blob = pd.read_parquet(path).to_csv().encode("utf-8")
        for item in people:
            assert item.encode("utf-8") not in blob, (item, path)


def test_free_text_is_escaped_never_live(sample_run):
    _, reports = sample_run
    raw = (reports / "2024-10" / "rektorsenkat_ledning.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "=HYPERLINK(" in html.unescape(raw)


def test_index_links_the_period(sample_run):
    _, reports = sample_run
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-10/rektorsenkat_ledning.html"' in index
    assert 'href="2024-10/rektorsenkat_analys.html"' in index


def conformant_data_dir(tmp_path: Path) -> Path:
    """An English-header cp1252 CSV with a duplicate response and an outsider."""
    data = tmp_path / "data"
    folder = data / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    header, rows = export_rows(people, answers_2024(), meta=EN_META)
    earlier = list(rows[2])
    earlier[0], earlier[5] = "30", "Nej"  # an earlier, superseded answer of principal 3
    earlier[2] = rows[2][2].replace(day=1)
    outsider = list(rows[5])
    outsider[0], outsider[3], outsider[4] = "31", "vikarie@annan.example", "Vik Arie"
    write_csv(folder / "rektorsenkat.csv", header, [earlier, *rows, outsider], sep=";", encoding="cp1252")
    return data


def test_any_conformant_data_dir_gives_the_same_figures(tmp_path, capsys):
    data = conformant_data_dir(tmp_path)
    reports = tmp_path / "out"
    assert main(["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    assert "rektorsenkat_ledning.html" in capsys.readouterr().out
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    for sentence in SEED_SENTENCES:
        assert sentence in text, sentence
    assert "Flera svar från samma person" in text and "Svar från e-postadresser som inte finns i registret" in text


def test_bad_label_stops_and_leaves_earlier_report_untouched(tmp_path, capsys):
    data = conformant_data_dir(tmp_path)
    reports = tmp_path / "out"
    assert main(["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports)]) == 0
    before = {p: p.read_bytes() for root in (reports, data / "processed") for p in root.rglob("*") if p.is_file()}
    raw_before = {p: p.read_bytes() for p in (data / "raw").rglob("*") if p.is_file()}
    folder = data / "raw" / "2024-10"
    people = principals()
    header, rows = export_rows(people, answers_2024())
    rows[4][header.index(Q["samsyn_eht"])] = "Kanske"
    (folder / "rektorsenkat.csv").unlink()
    write_xlsx(folder / "rektorsenkat.xlsx", header, rows)
    raw_before = {p: p.read_bytes() for p in (data / "raw").rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for part in ("rektorsenkat.xlsx", Q["samsyn_eht"], "Kanske", "svars-id: 5"):
        assert part in err, part
    after = {p: p.read_bytes() for root in (reports, data / "processed") for p in root.rglob("*") if p.is_file()}
    assert after == before
    assert {p: p.read_bytes() for p in (data / "raw").rglob("*") if p.is_file()} == raw_before


def test_missing_question_column_stops(tmp_path, capsys):
    data = tmp_path / "data"
    folder = data / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    header, rows = export_rows(people, answers_2024())
    i = header.index(Q["foljer_upp_analyserar"])
    write_xlsx(folder / "rektorsenkat.xlsx", header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    assert main(["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert Q["foljer_upp_analyserar"] in err and "saknas" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "2024-10").exists()


def test_rerun_gives_byte_identical_html(sample_run, tmp_path):
    data, reports = sample_run
    again = tmp_path / "again"
    argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(again), "--run-date", "2024-11-01"]
    assert main(argv) == 0
    names = sorted(p.name for p in (reports / "2024-10").glob("*.html"))
    assert names == ["rektorsenkat_analys.html", "rektorsenkat_ledning.html", "validering.html"]
    for name in names:
        assert (again / "2024-10" / name).read_bytes() == (reports / "2024-10" / name).read_bytes(), name


class _Resources(HTMLParser):
    """Every src/href and every <img> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.imgs: list[dict] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "img":
            self.imgs.append(a)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_leadership_html_is_self_contained_and_accessible(sample_run):
    _, reports = sample_run
    raw = (reports / "2024-10" / "rektorsenkat_ledning.html").read_text(encoding="utf-8")
    page = _Resources()
    page.feed(raw)
    assert page.lang == "sv"
    # Nothing is fetched: images are inline; links go only to sibling pages of the same report folder.
    outside = [
        u
        for u in page.urls
        if not u.startswith(("data:", "#")) and not (u.endswith(".html") and ":" not in u and not u.startswith(("/", "..")))
    ]
    assert not outside, outside
    assert "enheter/index.html" in page.urls  # the unit profiles, from every report
    assert len(page.imgs) >= 9  # overview, one per question, competences, trend
    for img in page.imgs:
        alt = img.get("alt", "")
        assert len(alt) > 30 and "png" not in alt.lower(), alt
        assert any(ch.isdigit() for ch in alt), alt  # states its main figure
    assert "open_report" not in raw and "<pre" not in raw and "In&nbsp;[" not in raw
    analysis = (reports / "2024-10" / "rektorsenkat_analys.html").read_text(encoding="utf-8")
    assert "open_report(&quot;rektorsenkat&quot;" in analysis or 'open_report("rektorsenkat"' in analysis


def test_headings_are_in_order(sample_run):
    _, reports = sample_run
    raw = (reports / "2024-10" / "rektorsenkat_ledning.html").read_text(encoding="utf-8")
    levels = [int(m) for m in re.findall(r"<h([1-6])\b", raw)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_trend_covers_every_sample_period(sample_run):
    _, reports = sample_run
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    trend = text[text.index("Utveckling över tid") :]
    for label in ("juni–oktober 2023", "juni–oktober 2024", "juni–oktober 2025"):
        assert label in trend


def test_every_question_is_compared_with_the_previous_period(sample_run):
    _, reports = sample_run
    text = text_of(reports / "2024-10" / "rektorsenkat_ledning.html")
    section = text[text.index("Resultat per fråga") : text.index("Utveckling över tid")]
    assert section.count("juni–oktober 2023.") == 8
    assert section.count("Exakt McNemar-test") >= 16  # in the sentence and in the test table
