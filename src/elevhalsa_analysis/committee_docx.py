"""The tjänsteskrivelse as a Word document, in the structure the committee's secretariat uses.

Mottagare, title, Förslag till beslut, Sammanfattning, Bedömning, Beslutsunderlag, the
signatures and Skickas till; built-in heading styles so the document system and screen
readers see its outline.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .committee import LANGUAGE, OFFICER_PLACEHOLDER, CommitteeContent, Kommun, core_properties, notices

KIND = "Tjänsteskrivelse"


def _language(document) -> None:
    """sv-SE as the default language of every run (spell checking, screen readers, hyphenation)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)


def _picture(document, png: bytes, alt: str, caption: str) -> None:
    run = document.add_paragraph().add_run()
    run.add_picture(io.BytesIO(png), width=Cm(16))
    doc_pr = run._r.xpath(".//wp:docPr")[-1]
    doc_pr.set("descr", alt)
    doc_pr.set("title", caption)
    document.add_paragraph(caption, style="Caption")


def tjansteskrivelse(content: CommitteeContent, kommun: Kommun, basis: list[str], run_date: dt.date) -> bytes:
    document = Document()
    _language(document)
    core_properties(document.core_properties, content, kommun, KIND, run_date)
    header = document.add_paragraph()
    header.add_run(f"{kommun.forvaltning}\n{KIND}\n{run_date.isoformat()}").font.size = Pt(9)
    for notice in notices(content, kommun):
        warn = document.add_paragraph().add_run(notice)
        warn.bold = True
        warn.font.color.rgb = RGBColor(0x9C, 0x3B, 0x00)

    document.add_heading("Mottagare", level=2)
    document.add_paragraph(kommun.mottagare)
    document.add_heading(f"{content.title} – {content.label}", level=1)
    document.add_heading("Förslag till beslut", level=2)
    document.add_paragraph(kommun.forslag_till_beslut)

    document.add_heading("Sammanfattning", level=2)
    for paragraph in content.summary:
        document.add_paragraph(paragraph)
    if content.figures:
        figure = content.figures[0]
        _picture(document, figure.png, figure.alt, figure.caption)
    document.add_paragraph("Datakvalitet: " + " ".join(content.quality))

    document.add_heading("Bedömning", level=2)
    for statement in content.assessment:
        document.add_paragraph(statement)
    own = document.add_paragraph().add_run(OFFICER_PLACEHOLDER)
    own.italic = True
    own.font.highlight_color = WD_COLOR_INDEX.YELLOW

    document.add_heading("Beslutsunderlag", level=2)
    for item in basis:
        document.add_paragraph(item, style="List Bullet")

    document.add_paragraph(kommun.forvaltning).runs[0].bold = True
    for person in kommun.underskrifter:
        signature = document.add_paragraph()
        signature.add_run(person.namn).bold = True
        signature.add_run(f"\n{person.titel}")

    document.add_heading("Skickas till", level=2)
    for recipient in kommun.skickas_till:
        document.add_paragraph(recipient)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
