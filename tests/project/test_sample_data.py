"""The synthetic sample data: deterministic, in the contract's form, and reproducing the
2024 follow-up's table. The checks here read the written files back on their own (pandas
with calamine, their own normalisation), independent of the package's loaders."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sample_data as sd
from elevhalsa_analysis.config import codebook_file

PERIODS = ["2023-10", "2024-10", "2025-10"]
KOMPETENSER = ["Skolläkare", "Skolsköterska", "Psykolog", "Kurator", "Specialpedagogisk kompetens"]
SYNONYMS = {"delvis": "till viss del"}
COMMENT_Q = "Övriga kommentarer och förslag på förbättringar"


def norm(value: object) -> str:
    """Case-, space- and NBSP-insensitive form; '' for an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = " ".join(str(value).replace("\u00a0", " ").split()).casefold()
    return SYNONYMS.get(s, s)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("sample") / "raw"
    return root, sd.write_sample_data(root)


def read_export(root: Path, period: str) -> pd.DataFrame:
    folder = root / period
    if (folder / "rektorsenkat.xlsx").exists():
        return pd.read_excel(folder / "rektorsenkat.xlsx", engine="calamine", sheet_name="Sheet1", dtype=object)
    return pd.read_csv(folder / "rektorsenkat.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)


def read_register(root: Path, period: str) -> pd.DataFrame:
    return pd.read_csv(root / period / "rektorer.csv", dtype=str, encoding="utf-8", keep_default_na=False)


def load_codebook() -> dict:
    return yaml.safe_load(codebook_file("rektorsenkat").read_text(encoding="utf-8"))


def question_columns(df: pd.DataFrame) -> dict[str, str]:
    """question id -> column, matched on the codebook's text or aliases."""
    book = load_codebook()
    out = {}
    for q in book["versions"][-1]["questions"]:
        names = {norm(q["text"]), *(norm(a) for a in q.get("aliases", []))}
        hits = [c for c in df.columns if norm(c) in names]
        assert len(hits) == 1, (q["id"], hits)
        out[q["id"]] = hits[0]
    return out


def meta_column(df: pd.DataFrame, role: str) -> str:
    names = {norm(n) for n in load_codebook()["metadata_columns"][role]}
    hits = [c for c in df.columns if norm(c) in names]
    assert len(hits) == 1, (role, hits)
    return hits[0]


def counted_responses(root: Path, period: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """Responses linked to the register, latest per e-mail, outsiders removed."""
    df = read_export(root, period)
    cols = question_columns(df)
    email, completed = meta_column(df, "email"), meta_column(df, "completed")
    df = df.assign(_email=df[email].map(norm), _completed=pd.to_datetime(df[completed]))
    register = set(read_register(root, period)["e-post"].map(norm))
    inside = df[df["_email"].isin(register)]
    latest = inside.sort_values("_completed").groupby("_email").tail(1)
    with (root / period / "period.yaml").open(encoding="utf-8") as f:
        end = pd.Timestamp(yaml.safe_load(f)["end"]) + pd.Timedelta(days=1)
    info = {
        "rows": len(df),
        "outside_register": int((~df["_email"].isin(register)).sum()),
        "duplicates_dropped": len(inside) - len(latest),
        "respondents": len(latest),
        "late": int((latest["_completed"] >= end).sum()),
    }
    return latest, cols, info


def count(df: pd.DataFrame, cols: dict[str, str]) -> dict[str, dict[str, int]]:
    out = {}
    for qid, labels in sd.SINGLE_QUESTIONS.items():
        values = Counter(norm(v) for v in df[cols[qid]])
        assert set(values) <= {norm(label) for label in labels} | {""}, (qid, values)
        out[qid] = {label: values.get(norm(label), 0) for label in labels}
    chosen = [{norm(o) for o in str(v).split(";") if norm(o)} for v in df[cols["tillgang_kompetenser"]] if norm(v)]
    out["tillgang_kompetenser"] = {k: sum(norm(k) in c for c in chosen) for k in KOMPETENSER}
    return out


# --- (a) determinism ------------------------------------------------------------------


def test_two_runs_are_byte_identical(tmp_path):
    first = sd.write_sample_data(tmp_path / "a")
    second = sd.write_sample_data(tmp_path / "b")
    rel_first = [p.relative_to(tmp_path / "a") for p in first]
    rel_second = [p.relative_to(tmp_path / "b") for p in second]
    assert rel_first == rel_second
    assert len(rel_first) == 12
    for rel in rel_first:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_layout_and_period_yaml(written):
    root, files = written
    for period in PERIODS:
        names = {p.name for p in files if p.parent.name == period}
        assert {"period.yaml", "rektorer.csv", "LÄSMIG.txt"} <= names
        text = (root / period / "period.yaml").read_text(encoding="utf-8")
        assert text.splitlines()[0] == "# SYNTETISKA EXEMPELDATA – inte verkliga svar."
        meta = yaml.safe_load(text)
        assert meta["syntetisk"] is True
        assert meta["population"] == "rektorer inom grundskolan"
        assert str(meta["end"]) == f"{period[:4]}-10-31" and str(meta["start"]) == f"{period[:4]}-06-01"
        assert meta["label"] == f"juni–oktober {period[:4]}"
        assert "SYNTETISKA" in (root / period / "LÄSMIG.txt").read_text(encoding="utf-8")


def test_register(written):
    root, _ = written
    emails = {}
    for period in PERIODS:
        reg = read_register(root, period)
        assert list(reg.columns) == ["e-post", "namn", "skolenhetskod", "skolenhet", "skolform"]
        assert len(reg) == 18 and reg["e-post"].is_unique and reg["skolenhetskod"].is_unique
        assert reg["skolenhetskod"].str.fullmatch(r"\d{8}").all()
        assert reg["skolenhetskod"].str.startswith("0").sum() >= 2
        assert reg["skolform"].value_counts().to_dict() == {"Grundskola": 17, "Anpassad grundskola": 1}
        assert reg["e-post"].str.endswith("@exempel.se").all()
        emails[period] = set(reg["e-post"])
    assert len(emails["2023-10"] & emails["2024-10"]) == sd.EXPECTED_META["2024-10"]["same_email_as_previous"]
    assert len(emails["2024-10"] & emails["2025-10"]) == sd.EXPECTED_META["2025-10"]["same_email_as_previous"]
    units = [read_register(root, p)[["skolenhetskod", "skolenhet"]].values.tolist() for p in PERIODS]
    assert units[0] == units[1] == units[2]


# --- (b) the seed's table ---------------------------------------------------------------


def test_2024_reproduces_the_seed(written):
    root, _ = written
    df = pd.read_excel(root / "2024-10" / "rektorsenkat.xlsx", engine="calamine", dtype=object)
    assert list(df.columns[:6]) == ["ID", "Starttid", "Tid för slutförande", "E-post", "Namn", "Senaste ändringstid"]
    assert len(df) == 18 and df["E-post"].map(norm).is_unique
    assert set(df["E-post"].map(norm)) == set(read_register(root, "2024-10")["e-post"].map(norm))
    done = pd.to_datetime(df["Tid för slutförande"])
    assert done.between(pd.Timestamp("2024-06-01"), pd.Timestamp("2024-11-01")).all()
    assert list(df["ID"]) == list(range(1, 19))

    def counts(question: str) -> Counter:
        return Counter(norm(v) for v in df[question])

    assert counts(sd.QUESTION_TEXT["tagit_del_av_planen"]) == {"ja": 12, "nej": 6}
    assert counts(sd.QUESTION_TEXT["tillgang_forebyggande"])["ja"] == 6
    assert counts(sd.QUESTION_TEXT["samsyn_eht"]) == {"ja": 14, "till viss del": 4}
    assert counts(sd.QUESTION_TEXT["foljer_upp_analyserar"])["ja"] == 17
    stod = counts(sd.QUESTION_TEXT["stod_mot_malen"])
    assert stod[""] == 6 and stod["ja"] == 6 and sum(stod.values()) - stod[""] == 12
    assert counts(sd.QUESTION_TEXT["samarbete_fungerar"]) == {"ja": 16, "till viss del": 2}
    behov = counts(sd.QUESTION_TEXT["behov_kompetensutveckling"])
    assert behov["ja"] + behov["till viss del"] == 15 and behov["nej"] == 3

    reg = read_register(root, "2024-10").assign(key=lambda r: r["e-post"].map(norm)).set_index("key")
    all_five = 0
    for email, cell in zip(df["E-post"], df[sd.QUESTION_TEXT["tillgang_kompetenser"]]):
        chosen = {norm(o) for o in str(cell).split(";") if norm(o)}
        if chosen == {norm(k) for k in KOMPETENSER}:
            all_five += 1
        else:
            assert reg.loc[norm(email), "skolform"] == "Anpassad grundskola"
            assert len(chosen) == 3
    assert all_five == 17

    # the tolerant matching is exercised
    raw = [v for q in sd.SINGLE_QUESTIONS for v in df[sd.QUESTION_TEXT[q]].dropna()]
    assert "Delvis" in raw
    assert any(v != v.strip() for v in raw) and any("\u00a0" in v for v in raw)
    assert any(v.strip() not in {"Ja", "Nej", "Till viss del", "Delvis"} for v in raw)

    comments = [c for c in df[COMMENT_Q].dropna() if str(c).strip()]
    assert len(comments) == 6
    assert any("070-123 45 67" in c for c in comments)
    assert any("<script>alert(1)</script>" in c for c in comments)
    assert any("@exempel.se" in c for c in comments)
    assert any(name in c for c in comments for name in reg["namn"])


# --- (c) the 2023 CSV is Windows-1252 ---------------------------------------------------


def test_2023_csv_is_cp1252(written):
    root, _ = written
    data = (root / "2023-10" / "rektorsenkat.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "å" in text and "ä" in text and "ö" in text
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:5] == ["ID", "Start time", "Completion time", "Email", "Name"]
    assert "Har du tagit del av den övergripande elevhälsoplanen?" in header  # older wording
    df = read_export(root, "2023-10")
    assert df["Completion time"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()


# --- (d) formula-looking text stays text -------------------------------------------------


def test_hyperlink_is_a_string_cell(written):
    root, _ = written
    df = pd.read_excel(root / "2024-10" / "rektorsenkat.xlsx", engine="calamine")
    hits = [c for c in df[COMMENT_Q] if isinstance(c, str) and c.startswith("=HYPERLINK")]
    assert len(hits) == 1
    assert hits[0].startswith('=HYPERLINK("http://exempel.se","klicka")')


# --- every period against EXPECTED ---------------------------------------------------------


@pytest.mark.parametrize("period", PERIODS)
def test_counts_match_expected(written, period):
    root, _ = written
    latest, cols, info = counted_responses(root, period)
    assert count(latest, cols) == sd.EXPECTED[period]
    meta = sd.EXPECTED_META[period]
    for key in ("rows", "respondents", "duplicates_dropped", "late", "outside_register"):
        assert info[key] == meta[key], key
    assert meta["population"] - meta["respondents"] == meta["non_respondents"]
    comments = [c for c in latest[cols["kommentarer"]] if norm(c)]
    assert len(comments) == meta["comments"]
    for qid, n in meta["answered"].items():
        assert sum(1 for v in latest[cols[qid]] if norm(v)) == n, qid


def test_2025_duplicate_keeps_the_later_answer(written):
    root, _ = written
    df = read_export(root, "2025-10")
    cols = question_columns(df)
    df = df.assign(_email=df["E-post"].map(norm))
    dup = df[df["_email"].duplicated(keep=False)].sort_values("Sluttid")
    assert len(dup) == 2
    differing = [q for q, c in cols.items() if norm(dup.iloc[0][c]) != norm(dup.iloc[1][c])]
    assert differing == ["samsyn_eht"]
    assert norm(dup.iloc[1][cols["samsyn_eht"]]) == "ja"


@pytest.mark.parametrize("period, previous", [("2024-10", "2023-10"), ("2025-10", "2024-10")])
def test_pairs_on_tagit_del_av_planen(written, period, previous):
    root, _ = written
    now, cols_now, _ = counted_responses(root, period)
    before, cols_before, _ = counted_responses(root, previous)
    a = dict(zip(before["_email"], before[cols_before["tagit_del_av_planen"]].map(norm)))
    b = dict(zip(now["_email"], now[cols_now["tagit_del_av_planen"]].map(norm)))
    pairs = Counter((a[e], b[e]) for e in a.keys() & b.keys())
    expected = {(x.casefold(), y.casefold()): n for (x, y), n in sd.EXPECTED_META[period]["tagit_del_av_planen_pairs"].items()}
    assert {k: pairs.get(k, 0) for k in expected} == expected
    assert sum(pairs.values()) == sum(expected.values())
    switched_up, switched_down = pairs[("nej", "ja")], pairs[("ja", "nej")]
    k, n = min(switched_up, switched_down), switched_up + switched_down
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)
    assert p == pytest.approx(sd.EXPECTED_META[period]["tagit_del_av_planen_mcnemar_exact_p"])
    if period == "2024-10":
        assert p < 0.05


def test_headers_are_known_to_the_codebook(written):
    root, _ = written
    for period in PERIODS:
        df = read_export(root, period)
        cols = question_columns(df)
        for role in ("response_id", "started", "completed", "email", "name"):
            meta_column(df, role)
        assert len(cols) == 9
