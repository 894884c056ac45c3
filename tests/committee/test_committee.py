"""The committee's documents: read back with python-docx / python-pptx after a real run."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from contract_files import answers_2024, export_rows, principals, write_period, write_register, write_xlsx
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.committee import load_kommun
from elevhalsa_analysis.errors import DataError

PLANTED_COMMENT = "Ring mig gärna om planen"
SEED_FIGURES = ["12 av 18", "17 av 18", "6 av 18", "14 av 18", "6 av 12", "16 av 18", "15 av 18"]
HEADINGS = ["Förslag till beslut", "Sammanfattning", "Bedömning", "Beslutsunderlag"]


# The document tests run the reports end to end (e2e): left out of `make test-fast`.
@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, Path, list[dict]]:
    """The seed's period with a planted comment, run twice into two report folders."""
    tmp = tmp_path_factory.mktemp("committee")
    data = tmp / "data"
    folder = data / "raw" / "2024-10"
    write_period(folder)
    people = principals()
    write_register(folder, people)
    answers = answers_2024()
    answers[3]["kommentarer"] = f"{PLANTED_COMMENT}, {people[3]['e-post']}"
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people, answers))
    first, second = tmp / "reports1", tmp / "reports2"
    for reports in (first, second):
        argv = ["run", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2024-11-01"]
        assert main(argv) == 0
    return data, first, second, people


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def _sections(paragraphs: list[tuple[str, str]]) -> dict[str, str]:
    """Text under each level-2 heading."""
    out, current = {}, None
    for style, text in paragraphs:
        if style == "Heading 2":
            current = text
            out[current] = ""
        elif current:
            out[current] += text + "\n"
    return out


@pytest.mark.e2e
def test_tjansteskrivelse_states_the_seed_figures_under_the_four_headings(runs):
    _, reports, _, _ = runs
    paragraphs = _paragraphs(reports / "2024-10" / "rektorsenkat_tjansteskrivelse.docx")
    sections = _sections(paragraphs)
    assert [h for h in sections if h in HEADINGS] == HEADINGS
    summary = sections["Sammanfattning"]
    for figure in SEED_FIGURES:
        assert f"{figure} " in summary, figure
    assert summary.count("17 av 18") >= 2  # competences and follow-up
    assert "6 har inte svarat" in summary and "Till viss del" in summary
    assert sections["Förslag till beslut"].strip() == "Informationen tas emot"
    assert (
        "Inte alla rektorer inom grundskolan har tagit del av den uppdaterade elevhälsoplanen (12 av 18)."
        in sections["Bedömning"]
    )
    assert "[Handläggarens bedömning" in sections["Bedömning"]
    assert "rektorsenkat_presentation.pptx, daterad 2024-11-01" in sections["Beslutsunderlag"]
    # No kommun.yaml in this data folder: placeholders that say so.
    assert any("platshållare" in text for _, text in paragraphs)
    assert any(style == "Caption" and "18 tillfrågade" in text for style, text in paragraphs)


@pytest.mark.e2e
def test_documents_hold_no_personal_data_or_free_text(runs):
    _, reports, _, people = runs
    for path in (reports / "2024-10").glob("*.[dp][op][c|t]x"):
        with zipfile.ZipFile(path) as archive:
            text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
        assert PLANTED_COMMENT not in text
        for person in people:
            assert person["e-post"] not in text and person["namn"] not in text


@pytest.mark.e2e
def test_every_picture_has_alt_text_and_the_language_is_swedish(runs):
    _, reports, _, _ = runs
    docx = Document(str(reports / "2024-10" / "rektorsenkat_tjansteskrivelse.docx"))
    pictures = docx.element.body.xpath(".//wp:docPr")
    assert pictures and all(
        p.get("descr", "").startswith("Stapeldiagram över svaren: Tagit del av elevhälsoplanen: 12 av 18") for p in pictures
    )
    assert docx.core_properties.language == "sv-SE"
    lang = docx.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang")[0]
    assert lang.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "sv-SE"

    deck = Presentation(str(reports / "2024-10" / "rektorsenkat_presentation.pptx"))
    assert deck.core_properties.language == "sv-SE"
    titles = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text) for slide in deck.slides]
    assert titles[0].startswith("Uppföljning av elevhälsoarbetet")
    assert titles[1:] == ["Sammanfattning", "Svaren på frågorna", "Datakvalitet", "Metod och spårbarhet"]
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures and all(p._element.nvPicPr.cNvPr.get("descr", "").startswith("Stapeldiagram") for p in pictures)
    figure_slide = deck.slides[2]
    assert any("12 av 18 rektorer inom grundskolan (67" in s.text_frame.text for s in figure_slide.shapes if s.has_text_frame)
    runs_ = [
        r for slide in deck.slides for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs
    ]
    assert runs_ and {r._r.get_or_add_rPr().get("lang") for r in runs_} == {"sv-SE"}


@pytest.mark.e2e
def test_rerun_gives_identical_documents_dated_the_run_date(runs):
    _, first, second, _ = runs
    for name in ("rektorsenkat_tjansteskrivelse.docx", "rektorsenkat_presentation.pptx"):
        a, b = (first / "2024-10" / name).read_bytes(), (second / "2024-10" / name).read_bytes()
        assert a == b, name
        with zipfile.ZipFile(first / "2024-10" / name) as archive:
            assert {i.date_time for i in archive.infolist()} == {(2024, 11, 1, 0, 0, 0)}
    assert (
        Document(str(first / "2024-10" / "rektorsenkat_tjansteskrivelse.docx")).core_properties.created.date().isoformat()
        == "2024-11-01"
    )


@pytest.mark.e2e
def test_index_lists_the_documents(runs):
    _, reports, _, _ = runs
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-10/rektorsenkat_tjansteskrivelse.docx"' in index
    assert 'href="2024-10/rektorsenkat_presentation.pptx"' in index


def test_kommun_configuration_is_strict_and_swedish(tmp_path):
    (tmp_path / "kommun.yaml").write_text("mottagare: Nämnden\nfarger:\n  primar: blå\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_kommun(tmp_path)
    assert "rad 3" in str(err.value) and "farger.primar" in str(err.value) and "#RRGGBB" in str(err.value)
    (tmp_path / "kommun.yaml").write_text("mottagare: Nämnden\nunderskrift: []\n", encoding="utf-8")
    with pytest.raises(DataError, match="rad 2.*«underskrift»: okänd nyckel"):
        load_kommun(tmp_path)
    assert load_kommun(tmp_path / "saknas").platshallare


def test_committed_configuration_is_marked_as_invented():
    from elevhalsa_analysis.config import DATA_DIR

    kommun = load_kommun(DATA_DIR)
    assert kommun.exempel and not kommun.platshallare and kommun.forslag_till_beslut == "Informationen tas emot"
