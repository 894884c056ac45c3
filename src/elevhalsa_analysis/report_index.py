"""`reports/index.html` and `index.json`: every report of every period, newest period first,
with the committee's documents and the unit profiles beside them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path, PurePath
from urllib.parse import quote

from .errors import ElevhalsaError
from .fileio import atomic_write_text, plain
from .markup import esc, standalone_page

INDEX_HTML = "index.html"
INDEX_JSON = "index.json"
# Optional: indexes written before the committee's documents existed lack them.
COMMITTEE_KEYS = ("tjansteskrivelse", "presentation")
_ENTRY_KEYS = ("period", "label", "instrument_title", "ledning", "analys", "run_date", "verdict", "synthetic")


def _href(reports_dir: Path, target: str | PurePath) -> str:
    path = PurePath(target)
    if path.is_absolute():
        try:
            path = Path(path).resolve().relative_to(Path(reports_dir).resolve())
        except ValueError:
            raise ValueError(f"report {target} is not inside {reports_dir}") from None
    return path.as_posix()


def _normalise_entry(reports_dir: Path, entry: Mapping) -> dict:
    missing = [k for k in _ENTRY_KEYS if k not in entry]
    if missing:
        raise ValueError(f"index entry lacks {', '.join(missing)}: {dict(entry)!r}")
    out = {str(k): plain(v) for k, v in entry.items()}
    out["period"] = str(entry["period"])
    out["ledning"] = _href(reports_dir, entry["ledning"])
    out["analys"] = _href(reports_dir, entry["analys"])
    for document in COMMITTEE_KEYS:
        if entry.get(document):
            out[document] = _href(reports_dir, entry[document])
    if entry.get("enheter"):
        out["enheter"] = _href(reports_dir, entry["enheter"])
    rd = entry["run_date"]
    out["run_date"] = rd.isoformat() if isinstance(rd, dt.date) else str(rd)
    out["synthetic"] = bool(entry["synthetic"])
    end = entry.get("end", entry.get("period_end"))
    if end is not None:
        out["end"] = end.isoformat() if isinstance(end, dt.date) else str(end)
    out.pop("period_end", None)
    return out


def _period_key(entries: list[dict]) -> tuple[str, str]:
    # Period end decides the order (folder names need not sort by time); without one the
    # period id, which sorts right for the usual YYYY-MM and YYYY-ht/vt names.
    ends = [e["end"] for e in entries if e.get("end")]
    return (max(ends) if ends else "", entries[0]["period"])


def _grouped(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    by_period: dict[str, list[dict]] = {}
    for e in entries:
        by_period.setdefault(e["period"], []).append(e)
    groups = [(p, sorted(es, key=lambda e: (e["instrument_title"], e["ledning"]))) for p, es in by_period.items()]
    return sorted(groups, key=lambda g: _period_key(g[1]), reverse=True)


def _committee_links(entry: dict) -> str:
    links = [
        f'<a href="{esc(quote(entry[key], safe="/"))}">{label}</a>'
        for key, label in zip(COMMITTEE_KEYS, ("Tjänsteskrivelse (Word)", "Presentation (PowerPoint)"))
        if entry.get(key)
    ]
    return "<br>".join(links) or "–"


def _index_html(groups: list[tuple[str, list[dict]]]) -> str:
    title = "Elevhälsans uppföljningar – rapporter"
    parts = [
        "<p>Varje rapport finns i två versioner: <strong>ledning</strong> visar resultat, slutsatser och "
        "datakvalitet; <strong>analys</strong> är samma rapport med programkod och tekniska detaljer för den "
        "som vill granska eller upprepa beräkningarna. Den senaste perioden står först.</p>",
    ]
    if not groups:
        parts.append("<p>Inga rapporter har tagits fram ännu.</p>")
    for period, entries in groups:
        label = entries[0].get("label") or period
        parts.append(f'<section class="index-period" id="period-{esc(period)}">')
        parts.append(f"<h2>{esc(label)}</h2>")
        parts.append(f'<p class="metadata">Period: {esc(period)}</p>')
        if any(e["synthetic"] for e in entries):
            parts.append(
                '<p class="syntetisk">Syntetiska exempeldata: rapporterna bygger på påhittade svar '
                "och beskriver inga verkliga personer eller skolor.</p>"
            )
        rows = []
        for e in entries:
            name = esc(e["instrument_title"])
            rows.append(
                "<tr>"
                f"<td>{name}</td>"
                f'<td><a href="{esc(quote(e["ledning"], safe="/"))}">{name} – ledning</a></td>'
                f'<td><a href="{esc(quote(e["analys"], safe="/"))}">{name} – analys</a></td>'
                f"<td>{_committee_links(e)}</td>"
                f"<td>{esc(e['run_date'])}</td>"
                f"<td>{esc(e['verdict'])}</td>"
                "</tr>"
            )
        parts.append(
            '<div class="tabellram"><table>'
            f"<caption>Rapporter för {esc(label)}</caption>"
            '<thead><tr><th scope="col">Uppföljning</th><th scope="col">För ledningen</th>'
            '<th scope="col">För analys</th><th scope="col">För nämnden</th><th scope="col">Körningsdatum</th>'
            '<th scope="col">Datakvalitet</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
        units = next((e["enheter"] for e in entries if e.get("enheter")), None)
        if units:
            parts.append(
                f'<p>Varje skolenhet har en egen profil: <a href="{esc(quote(units, safe="/"))}">skolenheternas '
                f"profiler för {esc(label)}</a>.</p>"
            )
        parts.append("</section>")
    return standalone_page(title, "\n".join(parts), "index")


def write_index(reports_dir: Path, entries: list[dict]) -> Path:
    """Write `reports/index.json` and `reports/index.html` listing exactly `entries`."""
    reports_dir = Path(reports_dir)
    normalised = [_normalise_entry(reports_dir, e) for e in entries]
    groups = _grouped(normalised)
    ordered = [e for _, es in groups for e in es]
    atomic_write_text(
        reports_dir / INDEX_JSON,
        json.dumps({"entries": ordered}, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
    )
    target = reports_dir / INDEX_HTML
    atomic_write_text(target, _index_html(groups))
    return target


def read_index_entries(reports_dir: Path) -> list[dict]:
    """The entries behind `reports/index.html`; none if there is no index yet."""
    path = Path(reports_dir) / INDEX_JSON
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["entries"]
        if not isinstance(entries, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ElevhalsaError(
            f"Rapportförteckningen {path.name} i rapportmappen är skadad. Ta bort den och kör om alla perioder "
            "(elevhalsa kör alla) för att bygga upp den igen."
        ) from None
    return entries


def update_index(reports_dir: Path, period: str, entries: list[dict]) -> Path:
    """Replace one period's entries in the index and keep every other period's."""
    kept = [e for e in read_index_entries(reports_dir) if str(e.get("period")) != str(period)]
    for e in entries:
        if str(e["period"]) != str(period):
            raise ValueError(f"entry for period {e['period']!r} passed to update_index for {period!r}")
    return write_index(reports_dir, kept + list(entries))
