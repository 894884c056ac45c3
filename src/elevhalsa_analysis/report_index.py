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
from .markup import Html, links_html, render, standalone_page, table_html

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


def _url(target: str) -> str:
    return quote(target, safe="/")


def _reports_table(label: str, entries: list[dict]) -> Html:
    import pandas as pd  # here, not at the top: `elevhalsa status` reads the index without pandas

    committee = tuple(zip(COMMITTEE_KEYS, ("Tjänsteskrivelse (Word)", "Presentation (PowerPoint)")))
    rows = {
        "Uppföljning": [e["instrument_title"] for e in entries],
        "För ledningen": [links_html([(_url(e["ledning"]), f"{e['instrument_title']} – ledning")]) for e in entries],
        "För analys": [links_html([(_url(e["analys"]), f"{e['instrument_title']} – analys")]) for e in entries],
        "För nämnden": [links_html([(_url(e[k]), text) for k, text in committee if e.get(k)]) for e in entries],
        "Körningsdatum": [e["run_date"] for e in entries],
        "Datakvalitet": [e["verdict"] for e in entries],
    }
    # dtype=object: a column of links only would otherwise become strings and be escaped.
    return table_html(pd.DataFrame(rows, dtype=object), f"Rapporter för {label}", framed=True)


def _index_html(groups: list[tuple[str, list[dict]]]) -> str:
    periods = []
    for period, entries in groups:
        label = entries[0].get("label") or period
        units = next((e["enheter"] for e in entries if e.get("enheter")), None)
        periods.append(
            {
                "period": period,
                "label": label,
                "synthetic": any(e["synthetic"] for e in entries),
                "table": _reports_table(label, entries),
                "units": _url(units) if units else "",
            }
        )
    return standalone_page("Elevhälsans uppföljningar – rapporter", render("report_index.html.j2", periods=periods), "index")


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
