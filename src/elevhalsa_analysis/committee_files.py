"""Writing the committee's two documents into a run's staging folder.

Both files are zip archives whose entries carry the time they were written; they are
rewritten with the run date, so a rerun gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from .committee import CommitteeContent, Kommun, documents
from .committee_docx import tjansteskrivelse
from .committee_pptx import presentation
from .fileio import atomic_write_bytes


def _fixed_zip(data: bytes, when: dt.date) -> bytes:
    """The archive again with every entry dated `when`, in the order it was written."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(when.year, when.month, when.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_documents(
    content: CommitteeContent, kommun: Kommun, out_dir: Path, instrument: str, period: str, run_date: dt.date
) -> list[Path]:
    """Both documents into `out_dir` (the run's staging folder); returns their paths."""
    docx_name, pptx_name = documents(instrument)
    basis = [
        f"Tjänsteskrivelse, {content.title.lower()}, {docx_name}, daterad {run_date.isoformat()}",
        f"Presentation, {content.title.lower()}, {pptx_name}, daterad {run_date.isoformat()}",
        f"Rapport för ledningen {instrument}_ledning.html och rapport för analys {instrument}_analys.html, "
        f"daterade {run_date.isoformat()}",
    ]
    written = []
    for name, build in (
        (docx_name, lambda: tjansteskrivelse(content, kommun, basis, run_date)),
        (pptx_name, lambda: presentation(content, kommun, run_date)),
    ):
        target = Path(out_dir) / name
        atomic_write_bytes(target, _fixed_zip(build(), run_date))
        written.append(target)
    return written
