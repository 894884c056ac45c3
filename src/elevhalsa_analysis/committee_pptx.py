"""The committee's slide deck: title, summary, one slide per headline figure, data quality,
method and provenance; in the municipality's colours."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from .committee import LANGUAGE, CommitteeContent, Kommun, core_properties, notices, provenance_lines

KIND = "Presentation"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BAR = Inches(1.15)
DARK = RGBColor(0x22, 0x22, 0x22)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BLANK_LAYOUT = 6


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _text(
    slide, lines: list[str], left, top, width, height, size: int, colour=DARK, bullets: bool = False, bold_first: bool = False
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = f"• {line}" if bullets else line
        run.font.size = Pt(size)
        run.font.color.rgb = colour
        run.font.bold = bold_first and i == 0
        paragraph.space_after = Pt(size * 0.6)


def _size_for(lines: list[str], roomy: int = 20) -> int:
    """Smaller type for more text, so a long summary still fits its slide."""
    chars = sum(len(line) for line in lines)
    return roomy if chars < 450 else 16 if chars < 800 else 13 if chars < 1300 else 11


def _slide(prs, kommun: Kommun, content: CommitteeContent, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, BAR)
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(kommun.farger.primar)
    bar.line.fill.background()
    bar.name = "Rubrikfält"
    frame = bar.text_frame
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = MARGIN
    run = frame.paragraphs[0].add_run()
    run.text = title
    run.font.size, run.font.bold, run.font.color.rgb = Pt(28), True, WHITE
    accent = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, BAR, WIDTH, Inches(0.08))
    accent.fill.solid()
    accent.fill.fore_color.rgb = _rgb(kommun.farger.accent)
    accent.line.fill.background()
    accent.name = "Dekorlinje"
    footer = [f"{kommun.forvaltning} · {content.title} – {content.label}"]
    if content.synthetic:
        footer = ["Syntetiska exempeldata – påhittade uppgifter", *footer]
    _text(
        slide,
        [" · ".join(footer)],
        MARGIN,
        HEIGHT - Inches(0.5),
        WIDTH - 2 * MARGIN,
        Inches(0.4),
        10,
        colour=RGBColor(0x55, 0x55, 0x55),
    )
    return slide


def _figure_slide(prs, kommun: Kommun, content: CommitteeContent, figure) -> None:
    slide = _slide(prs, kommun, content, figure.title)
    box_top, box_height = BAR + Inches(0.3), Inches(4.3)
    box_width = WIDTH - 2 * MARGIN
    with Image.open(io.BytesIO(figure.png)) as image:
        w, h = image.size
    scale = min(box_width / w, box_height / h)
    width, height = Emu(int(w * scale)), Emu(int(h * scale))
    picture = slide.shapes.add_picture(io.BytesIO(figure.png), (WIDTH - width) // 2, box_top, width, height)
    picture.name = "Diagram"
    picture._element.nvPicPr.cNvPr.set("descr", figure.alt)
    text_top = box_top + height + Inches(0.15)
    _text(
        slide,
        [figure.sentence, figure.caption],
        MARGIN,
        text_top,
        box_width,
        HEIGHT - text_top - Inches(0.55),
        _size_for([figure.sentence], 16),
        bold_first=True,
    )


def _language(prs) -> None:
    """sv-SE on every run and default run of every slide, layout and master."""
    for part in prs.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            continue
        for rpr in element.iter("{*}rPr", "{*}endParaRPr", "{*}defRPr"):
            rpr.set("lang", LANGUAGE)


def presentation(content: CommitteeContent, kommun: Kommun, run_date: dt.date) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    core_properties(prs.core_properties, content, kommun, KIND, run_date)

    title = prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])
    background = title.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, HEIGHT)
    background.fill.solid()
    background.fill.fore_color.rgb = _rgb(kommun.farger.primar)
    background.line.fill.background()
    background.name = "Bakgrund"
    _text(title, [content.title], MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(1.8), 36, colour=WHITE, bold_first=True)
    _text(
        title,
        [content.label, f"{kommun.mottagare} · {kommun.forvaltning}", run_date.isoformat(), *notices(content, kommun)],
        MARGIN,
        Inches(4.0),
        WIDTH - 2 * MARGIN,
        Inches(3.0),
        18,
        colour=WHITE,
    )

    body = BAR + Inches(0.35)
    summary = _slide(prs, kommun, content, "Sammanfattning")
    _text(
        summary,
        content.highlights,
        MARGIN,
        body,
        WIDTH - 2 * MARGIN,
        HEIGHT - body - Inches(0.6),
        _size_for(content.highlights),
        bullets=True,
    )
    for figure in content.figures:
        _figure_slide(prs, kommun, content, figure)
    quality = _slide(prs, kommun, content, "Datakvalitet")
    _text(
        quality,
        content.quality,
        MARGIN,
        body,
        WIDTH - 2 * MARGIN,
        HEIGHT - body - Inches(0.6),
        _size_for(content.quality),
        bullets=True,
    )
    method = _slide(prs, kommun, content, "Metod och spårbarhet")
    lines = [content.method, *provenance_lines(content, run_date)]
    _text(method, lines, MARGIN, body, WIDTH - 2 * MARGIN, HEIGHT - body - Inches(0.6), _size_for(lines, 16))
    _language(prs)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
