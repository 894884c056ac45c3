"""Fetching the plan's Kolada KPIs from Kolada's open API (version 2): `elevhalsa kolada`.

The only step that writes under `data/raw/`: it acquires public statistics that a run then
reads like any other input. Every page is fetched (following `next_page`) before
`kolada.json` is written in one step, so a failed fetch leaves the old file, or none.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from pydantic import Field

from ...config import instrument_dir, raw_period_dir
from ...errors import ElevhalsaError
from ...fileio import atomic_write_text
from ...periods import list_periods
from ...schema import Strict, load_yaml
from .plan import load_plan
from .registers import KOLADA_FILE

URL_ENV = "ELEVHALSA_KOLADA_URL"


class KoladaConfig(Strict):
    base_url: str
    years_back: int = Field(ge=0)
    timeout_seconds: float = Field(gt=0)
    max_pages: int = Field(ge=1)


def load_config() -> KoladaConfig:
    config = load_yaml(instrument_dir("verksamhetsplan") / "kolada.yaml", KoladaConfig)
    override = os.environ.get(URL_ENV, "").strip()
    return config.model_copy(update={"base_url": override}) if override else config


def data_url(base_url: str, kpis: list[str], municipalities: list[str], years: list[int]) -> str:
    """Kolada's `data/kpi/<KPI>/municipality/<ID>/year/<YEARS>`, lists comma-separated."""
    return (
        f"{base_url.rstrip('/')}/data/kpi/{','.join(kpis)}/municipality/{','.join(municipalities)}"
        f"/year/{','.join(str(y) for y in years)}"
    )


def _get(url: str, timeout: float) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "elevhalsa_analysis"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise ElevhalsaError(
            f"Kolada svarade med fel {exc.code} ({exc.reason}) för {url}. Ingenting har skrivits; försök igen senare."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ElevhalsaError(
            f"Kolada kan inte nås ({reason}). Datorn verkar sakna nätverksanslutning, eller så är Kolada nere. "
            "Ingenting har skrivits; kör kommandot igen när anslutningen fungerar."
        ) from None
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ElevhalsaError(f"Kolada svarade med något som inte är JSON ({url}). Ingenting har skrivits.") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
        raise ElevhalsaError(f"Koladas svar saknar «values» ({url}). Ingenting har skrivits.")
    return answer


def fetch_pages(url: str, config: KoladaConfig) -> list[dict]:
    """Every page of an answer, following `next_page` until there is none."""
    pages, seen = [], set()
    while url:
        if url in seen or len(pages) >= config.max_pages:
            raise ElevhalsaError(f"Kolada skickar fler sidor än väntat (efter {len(pages)} sidor). Ingenting har skrivits.")
        seen.add(url)
        page = _get(url, config.timeout_seconds)
        pages.append(page)
        url = page.get("next_page") or ""
    return pages


def fetch(period: str, data_dir: Path) -> Path:
    """Fetch the KPIs of the period's plan for the municipality and its comparisons; save them."""
    folder = raw_period_dir(data_dir, period)
    metas = dict(list_periods(data_dir))
    if period not in metas:
        raise ElevhalsaError(f"Perioden {period} finns inte: mappen {folder} saknar period.yaml.")
    plan = load_plan(folder)
    specs = [s for s in plan.indikatorer if s.kalla == "kolada"]
    if not specs:
        raise ElevhalsaError(f"Verksamhetsplanen för {period} har inga indikatorer med kalla: kolada; ingenting att hämta.")
    config = load_config()
    kpis = list(dict.fromkeys(s.kpi for s in specs))
    municipalities = list(dict.fromkeys([plan.kommunkod, *(c.id for s in specs for c in s.jamfor_med)]))
    end = metas[period].end.year
    pages = fetch_pages(data_url(config.base_url, kpis, municipalities, list(range(end - config.years_back, end + 1))), config)
    target = folder / KOLADA_FILE
    atomic_write_text(target, json.dumps(pages, ensure_ascii=False, indent=1) + "\n")
    return target
