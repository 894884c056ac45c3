"""Property: whatever noise the contract allows, the loader counts each principal once.

Hypothesis writes period folders with label noise (case, spaces, NBSP, `Delvis`), noisy
headers in any order, every accepted encoding and separator (and xlsx), e-mails in any
case, principals answering one to three times and outsiders. The loader must then either
give exactly the counts of an independent reference (the latest response per principal,
outsiders left out) or stop with a `DataError` – and it must stop, naming the label, when
an invalid label is injected. Any other exception fails the property.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contract_files import EN_META, SV_META, Q, principals, write_csv, write_period, write_register, write_xlsx
from elevhalsa_analysis.codebook import load_codebook
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.instruments.rektorsenkat.loading import load_survey_period
from elevhalsa_analysis.periods import list_periods

CB = load_codebook("rektorsenkat")
PERIOD = "2024-10"
START = dt.datetime(2024, 6, 1)
MINUTES_IN_PERIOD = 150 * 24 * 60

# The scales, typed here rather than read from the codebook under test.
JA_NEJ = ["Ja", "Nej"]
JA_TVD_NEJ = ["Ja", "Till viss del", "Nej"]
KOMPETENSER = ["Skolläkare", "Skolsköterska", "Psykolog", "Kurator", "Specialpedagogisk kompetens"]
SINGLE = {
    qid: (JA_NEJ if qid == "tagit_del_av_planen" else JA_TVD_NEJ)
    for qid in Q
    if qid not in ("tillgang_kompetenser", "kommentarer")
}
COMMENTS = ["Bra arbete", "Mer tid, tack; gärna till EHT", 'Vi kallar det "EHT"', "rad ett\nrad två"]
INVALID = ["Kanske", "Vet ej", "Jaa", "Tandläkare"]

BLANK = st.sampled_from(["", " ", "\u00a0", " \u00a0 "])
PAD = st.sampled_from(["", " ", "  ", "\u00a0", " \u00a0"])


@st.composite
def noisy(draw, text: str) -> str:
    """How a person or a survey tool may write `text`; all of it means `text`."""
    form = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    inner = draw(st.sampled_from([" ", "\u00a0", "  "]))
    return draw(PAD) + form(text).replace(" ", inner) + draw(PAD)


@st.composite
def response(draw) -> tuple[dict[str, str | None], dict[str, str]]:
    """(canonical answers, cells as written) for one response."""
    canon: dict[str, str | None] = {}
    cells: dict[str, str] = {}
    for qid, labels in SINGLE.items():
        label = draw(st.sampled_from([None, *labels]))
        canon[qid] = label
        if label is None:
            cells[qid] = draw(BLANK)
        elif label == "Till viss del" and draw(st.booleans()):
            cells[qid] = draw(noisy("Delvis"))
        else:
            cells[qid] = draw(noisy(label))
    chosen = draw(st.lists(st.sampled_from(KOMPETENSER), unique=True, max_size=5))
    canon["tillgang_kompetenser"] = ";".join(k for k in KOMPETENSER if k in chosen) or None
    cells["tillgang_kompetenser"] = ";".join(draw(noisy(k)) for k in chosen) + draw(st.sampled_from(["", ";"]))
    comment = draw(st.sampled_from(["", *COMMENTS]))
    canon["kommentarer"] = comment or None
    cells["kommentarer"] = comment
    return canon, cells


@st.composite
def periods(draw):
    people = principals(draw(st.integers(1, 8)))
    answering = [(i, draw(st.integers(0, 3))) for i in range(len(people))]
    who = [i for i, times in answering for _ in range(times)] + [None] * draw(st.integers(0, 2))
    total = len(who)
    minutes = draw(st.lists(st.integers(0, MINUTES_IN_PERIOD), min_size=total, max_size=total, unique=True))
    rows_order = draw(st.permutations(range(total)))
    answers = [draw(response()) for _ in range(total)]
    emails = []
    for n, i in enumerate(who):
        email = people[i]["e-post"] if i is not None else f"okand{n}@annan.example"
        emails.append(draw(PAD) + draw(st.sampled_from([str, str.upper, str.title]))(email) + draw(PAD))
    meta = draw(st.sampled_from([SV_META, EN_META]))
    headers = [draw(noisy(h)) for h in [*meta, *Q.values()]]
    columns = draw(st.permutations(range(len(headers))))
    fmt = draw(
        st.sampled_from(
            ["xlsx", ("utf-8", ";"), ("utf-8", ","), ("utf-8-sig", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("cp1252", ",")]
        )
    )
    invalid = None
    if total and draw(st.integers(0, 3)) == 0:
        qid = draw(st.sampled_from([*SINGLE, "tillgang_kompetenser"]))
        invalid = (draw(st.integers(0, total - 1)), qid, draw(st.sampled_from(INVALID)))
    return people, who, minutes, rows_order, answers, emails, headers, columns, fmt, invalid


def write(folder: Path, people, who, minutes, rows_order, answers, emails, headers, columns, fmt, invalid) -> None:
    write_period(folder)
    write_register(folder, people)
    rows = []
    for n in rows_order:
        cells = dict(answers[n][1])
        if invalid and invalid[0] == n:
            _, qid, label = invalid
            cells[qid] = f"{label};{cells[qid]}" if qid == "tillgang_kompetenser" else label
        done = START + dt.timedelta(minutes=minutes[n])
        rows.append([str(n + 1), done - dt.timedelta(minutes=5), done, emails[n], "", *[cells[q] for q in Q]])
    header = [headers[i] for i in columns]
    rows = [[r[i] for i in columns] for r in rows]
    if fmt == "xlsx":
        write_xlsx(folder / "rektorsenkat.xlsx", header, rows)
    else:
        write_csv(folder / "rektorsenkat.csv", header, rows, sep=fmt[1], encoding=fmt[0])


def reference(who, minutes, answers) -> dict[str, Counter]:
    """Counts per question from the latest response of each principal in the register."""
    latest: dict[int, int] = {}
    for n, i in enumerate(who):
        if i is not None and (i not in latest or minutes[n] > minutes[latest[i]]):
            latest[i] = n
    counts: dict[str, Counter] = {q: Counter() for q in Q}
    for n in latest.values():
        for qid, value in answers[n][0].items():
            if value is not None:
                counts[qid][value if qid != "kommentarer" else "svar"] += 1
    counts["_svarande"] = Counter({"svar": len(latest)})
    return counts


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(periods())
def test_loader_counts_each_principal_once_or_stops_with_a_data_error(case):
    people, who, minutes, rows_order, answers, emails, headers, columns, fmt, invalid = case
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        write(data / "raw" / PERIOD, *case)
        meta = dict(list_periods(data))[PERIOD]
        expected = reference(who, minutes, answers)
        try:
            sp = load_survey_period(CB, PERIOD, meta, data, b"salt")
        except DataError as exc:
            event("DataError: ogiltig etikett" if invalid else "DataError: inga räknade svar")
            if invalid:
                _, qid, label = invalid
                assert exc.column == Q[qid] and label in str(exc.value), str(exc)
                assert str(invalid[0] + 1) in [str(r) for r in exc.rows], str(exc)
            else:
                # Only an export without counted responses may stop a valid period.
                assert expected["_svarande"]["svar"] == 0, str(exc)
            return
    assert invalid is None, "an invalid label was accepted"
    event(
        f"inläst: {fmt if fmt == 'xlsx' else 'csv'}, {'med' if len(expected_who := [i for i in who if i is not None]) > len(set(expected_who)) else 'utan'} dubbletter"
    )
    assert expected["_svarande"]["svar"] > 0
    long = sp.long
    assert long.groupby(["respondent", "question"]).size().max() == 1
    assert long["respondent"].nunique() == expected["_svarande"]["svar"] == int(sp.population["responded"].sum())
    for qid in Q:
        answered = long[long["question"] == qid]["answer"].dropna()
        got = Counter({"svar": len(answered)}) if qid == "kommentarer" else Counter(answered)
        assert got == expected[qid], qid
    outsiders = sum(i is None for i in who)
    reasons = Counter(sp.excluded["orsak"])
    assert reasons["utanför registret"] == outsiders
    assert (
        reasons["ersatt av ett senare svar från samma person"] == sum(i is not None for i in who) - expected["_svarande"]["svar"]
    )


@pytest.mark.parametrize("label", INVALID)
def test_invalid_label_is_named(label, tmp_path):
    """A fixed example of the injected case, so a regression does not depend on the draw."""
    people = principals(3)
    who, minutes, order = [0, 1, 2], [10, 20, 30], [0, 1, 2]
    canon = {q: None for q in Q}
    answers = [(canon, {**{q: "" for q in Q}, "samsyn_eht": "Ja"}) for _ in who]
    headers = [*SV_META, *Q.values()]
    write(
        tmp_path / "data" / "raw" / PERIOD,
        people,
        who,
        minutes,
        order,
        answers,
        [p["e-post"] for p in people],
        headers,
        list(range(len(headers))),
        "xlsx",
        (1, "samsyn_eht", label),
    )
    meta = dict(list_periods(tmp_path / "data"))[PERIOD]
    with pytest.raises(DataError) as err:
        load_survey_period(CB, PERIOD, meta, tmp_path / "data", b"salt")
    assert err.value.column == Q["samsyn_eht"] and label in str(err.value.value) and list(err.value.rows) == ["2"]
