"""`elevhalsa kolada` against a local server that answers in the format of Kolada's API v2."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from elevhalsa_analysis.cli import main
from elevhalsa_analysis.errors import ElevhalsaError
from elevhalsa_analysis.instruments.verksamhetsplan.kolada import URL_ENV, fetch
from elevhalsa_analysis.instruments.verksamhetsplan.registers import read_kolada

PLAN = {
    "namn": "Plan",
    "omrade": "Trygghet",
    "kommunkod": "0581",
    "franvarogranser": [20],
    "indikatorer": [
        {
            "id": "examen",
            "namn": "Examen inom 4 år",
            "kalla": "kolada",
            "kpi": "N17461",
            "jamfor_med": [{"id": "0000", "namn": "Riket"}],
            "riktning": "hogre",
            "malvarde": 75,
        }
    ],
    "insatser": [],
}


def entry(municipality: str, year: int, value: float | None) -> dict:
    return {
        "kpi": "N17461",
        "municipality": municipality,
        "period": year,
        "values": [{"count": 1, "gender": "T", "status": "", "value": value}],
    }


class Replay(BaseHTTPRequestHandler):
    """Answers the data path with two pages, or with a server error when told to."""

    fail = False
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        if type(self).fail:
            self.send_error(500, "Internal Server Error")
            return
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if "page=2" in self.path:
            body = {"count": 2, "values": [entry("0000", 2024, 74.2), entry("0581", 2023, None)]}
        else:
            body = {
                "count": 2,
                "values": [entry("0581", 2024, 71.3), entry("0000", 2023, 73.9)],
                "next_page": f"{base}{self.path}?page=2",
            }
        data = json.dumps(body).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    Replay.fail, Replay.requests = False, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(URL_ENV, f"http://127.0.0.1:{httpd.server_address[1]}/v2")
    yield Replay
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data" / "raw" / "2024"
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text('label: "2024"\nstart: 2024-01-01\nend: 2024-12-31\n', encoding="utf-8")
    (folder / "verksamhetsplan.yaml").write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    return tmp_path / "data"


def test_fetch_follows_next_page_and_saves_every_page(server, data_dir, capsys):
    assert main(["kolada", "--period", "2024", "--data-dir", str(data_dir)]) == 0
    assert server.requests[0] == "/v2/data/kpi/N17461/municipality/0581,0000/year/2020,2021,2022,2023,2024"
    assert len(server.requests) == 2 and server.requests[1].endswith("?page=2")
    saved = data_dir / "raw" / "2024" / "kolada.json"
    assert "kolada.json" in capsys.readouterr().out
    table = read_kolada(saved)
    assert len(table) == 4
    assert table.set_index(["kommun", "ar"]).at[("0000", 2024), "varde"] == 74.2
    assert table.set_index(["kommun", "ar"])["varde"].isna().sum() == 1  # null stays missing


def test_server_error_is_clear_and_writes_nothing(server, data_dir, capsys):
    server.fail = True
    saved = data_dir / "raw" / "2024" / "kolada.json"
    saved.write_text("[]", encoding="utf-8")
    assert main(["kolada", "--period", "2024", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "Kolada svarade med fel 500" in err and "Ingenting har skrivits" in err and "Traceback" not in err
    assert saved.read_text(encoding="utf-8") == "[]"
    assert [p.name for p in saved.parent.iterdir() if p.name.startswith(".")] == []


def test_without_network_it_says_so(data_dir, monkeypatch):
    # A port nobody listens on refuses the connection, as a machine without network would.
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:9/v2")
    with pytest.raises(ElevhalsaError, match="nätverksanslutning"):
        fetch("2024", data_dir)
    assert not (data_dir / "raw" / "2024" / "kolada.json").exists()
