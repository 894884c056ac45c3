"""Deterministic SYNTHETIC sample data for the principal survey (rektorsenkät).

Run ``make sample-data`` (``python tools/make_sample_data.py [--out DIR]``, default ``data/raw``) or call :func:`write_sample_data`. Three follow-up periods are written,
each as ``DIR/<period>/`` with ``period.yaml`` (marked ``syntetisk: true``),
``rektorer.csv``, ``LÄSMIG.txt`` and the survey export, laid out as in
``shared/data-contract.md``.

Everything is invented except the 2024 aggregates, which reproduce the table of the real
follow-up (June–October 2024, 18 principals in compulsory school). Units, principals and
e-mail addresses (``@exempel.se``) are fictional.

The periods exercise what the pipeline must handle:

* ``2023-10``: ``rektorsenkat.csv``, Windows-1252, ``;``-separated, English Microsoft Forms
  headers, the older question wording (codebook aliases) for two questions, one answer with
  a line break inside a quoted cell, a few blank answers. 5 of 18 answered Ja on
  ``tagit_del_av_planen``.
* ``2024-10``: ``rektorsenkat.xlsx`` (sheet ``Sheet1``), Swedish headers plus
  ``Senaste ändringstid``, one response per principal, the seed's counts exactly; answers
  in odd case, with surrounding spaces and non-breaking spaces, one ``Delvis``; e-mail
  addresses in odd case / with a trailing space; risky free text (a colleague's name, a
  phone number, an e-mail address, HTML markup, a ``=HYPERLINK(...)`` *string* cell).
  Paired with 2023 (same e-mail, 15 principals), ``tagit_del_av_planen`` switched
  Nej→Ja for 7 and Ja→Nej for none: exact McNemar p = 2·0.5⁷ = 0.015625.
* ``2025-10``: ``rektorsenkat.xlsx`` with ``Sluttid`` instead of ``Tid för slutförande``,
  question columns in another order, one question header with a trailing non-breaking
  space; one principal answered twice (the later answer counts; the two differ on
  ``samsyn_eht``), one answer completed after the period's end (counts, is reported), one
  respondent outside the register (reported, left out) and two principals who did not
  respond (16 of 18 counted).

:data:`EXPECTED` holds the counted answers per period and question after linking to the
register, de-duplication and removal of outsiders (empty answers not counted; every label
of the scale, zeros included). For the multiple-choice ``tillgang_kompetenser`` it holds
the number of respondents who chose each option. :data:`EXPECTED_META` holds the other
figures (responses, duplicates, late answers, outsiders, pairs, ...).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from random import Random

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

SEED = 2024
# Fixed document properties and zip member timestamps, so that two runs give identical bytes.
FIXED_DOC_TIME = dt.datetime(2025, 11, 3, 8, 0, 0)
FIXED_ZIP_TIME = (2025, 11, 3, 8, 0, 0)

SYNTHETIC_COMMENT = "# SYNTETISKA EXEMPELDATA – inte verkliga svar."
POPULATION = "rektorer inom grundskolan"
REGISTER_FILE = "rektorer.csv"
README_FILE = "LÄSMIG.txt"

# --- the questions, as the survey tool wrote them (an external artefact, so fixed here) ----

JA, TVD, NEJ = "Ja", "Till viss del", "Nej"
KOMPETENSER = ["Skolläkare", "Skolsköterska", "Psykolog", "Kurator", "Specialpedagogisk kompetens"]

QUESTION_TEXT = {
    "tagit_del_av_planen": "Har du tagit del av den uppdaterade övergripande elevhälsoplanen?",
    "tillgang_kompetenser": "Vilka av elevhälsans kompetenser har du tillgång till?",
    "tillgang_forebyggande": "Har du tillgång till elevhälsan på ett sätt som möjliggör förebyggande och hälsofrämjande arbete?",
    "samsyn_eht": "Råder det samsyn inom elevhälsoteamet kring hur elevhälsoarbetet ska bedrivas?",
    "foljer_upp_analyserar": "Följer du kontinuerligt upp och analyserar elevhälsoarbetet?",
    "stod_mot_malen": "Anser du att elevhälsan på ett fullgott sätt stödjer elevernas utveckling mot målen?",
    "samarbete_fungerar": "Fungerar samarbetet med elevhälsan bra?",
    "behov_kompetensutveckling": "Behövs gemensamma kompetensutvecklingsinsatser inom elevhälsoarbetet?",
    "kommentarer": "Övriga kommentarer och förslag på förbättringar",
}
# The 2023 survey's older wording (listed as aliases in the codebook).
QUESTION_TEXT_2023 = {
    **QUESTION_TEXT,
    "tagit_del_av_planen": "Har du tagit del av den övergripande elevhälsoplanen?",
    "samsyn_eht": "Råder det samsyn i elevhälsoteamet om hur elevhälsoarbetet ska bedrivas?",
}
SINGLE_QUESTIONS = {
    "tagit_del_av_planen": [JA, NEJ],
    "tillgang_forebyggande": [JA, TVD, NEJ],
    "samsyn_eht": [JA, TVD, NEJ],
    "foljer_upp_analyserar": [JA, TVD, NEJ],
    "stod_mot_malen": [JA, TVD, NEJ],
    "samarbete_fungerar": [JA, TVD, NEJ],
    "behov_kompetensutveckling": [JA, TVD, NEJ],
}
QUESTION_ORDER = list(QUESTION_TEXT)

# --- what the pipeline should count -----------------------------------------------------

EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "2023-10": {
        "tagit_del_av_planen": {JA: 5, NEJ: 13},
        "tillgang_kompetenser": {
            "Skolläkare": 17,
            "Skolsköterska": 18,
            "Psykolog": 15,
            "Kurator": 18,
            "Specialpedagogisk kompetens": 18,
        },
        "tillgang_forebyggande": {JA: 4, TVD: 9, NEJ: 5},
        "samsyn_eht": {JA: 11, TVD: 6, NEJ: 1},
        "foljer_upp_analyserar": {JA: 13, TVD: 4, NEJ: 0},
        "stod_mot_malen": {JA: 5, TVD: 8, NEJ: 2},
        "samarbete_fungerar": {JA: 14, TVD: 3, NEJ: 1},
        "behov_kompetensutveckling": {JA: 10, TVD: 5, NEJ: 2},
    },
    "2024-10": {
        "tagit_del_av_planen": {JA: 12, NEJ: 6},
        "tillgang_kompetenser": {
            "Skolläkare": 17,
            "Skolsköterska": 18,
            "Psykolog": 17,
            "Kurator": 18,
            "Specialpedagogisk kompetens": 18,
        },
        "tillgang_forebyggande": {JA: 6, TVD: 9, NEJ: 3},
        "samsyn_eht": {JA: 14, TVD: 4, NEJ: 0},
        "foljer_upp_analyserar": {JA: 17, TVD: 1, NEJ: 0},
        "stod_mot_malen": {JA: 6, TVD: 4, NEJ: 2},
        "samarbete_fungerar": {JA: 16, TVD: 2, NEJ: 0},
        "behov_kompetensutveckling": {JA: 9, TVD: 6, NEJ: 3},
    },
    "2025-10": {
        "tagit_del_av_planen": {JA: 14, NEJ: 2},
        "tillgang_kompetenser": {
            "Skolläkare": 15,
            "Skolsköterska": 16,
            "Psykolog": 16,
            "Kurator": 16,
            "Specialpedagogisk kompetens": 16,
        },
        "tillgang_forebyggande": {JA: 8, TVD: 6, NEJ: 2},
        "samsyn_eht": {JA: 13, TVD: 3, NEJ: 0},
        "foljer_upp_analyserar": {JA: 15, TVD: 1, NEJ: 0},
        "stod_mot_malen": {JA: 7, TVD: 5, NEJ: 1},
        "samarbete_fungerar": {JA: 14, TVD: 2, NEJ: 0},
        "behov_kompetensutveckling": {JA: 8, TVD: 5, NEJ: 3},
    },
}

EXPECTED_META: dict[str, dict[str, object]] = {
    "2023-10": {
        "population": 18,  # rows in rektorer.csv
        "rows": 18,  # rows in the export
        "respondents": 18,  # counted principals (linked, de-duplicated)
        "non_respondents": 0,
        "duplicates_dropped": 0,  # responses that lost to a later one from the same e-mail
        "late": 0,  # counted responses completed after `end`
        "outside_register": 0,
        "answered": {
            "tillgang_kompetenser": 18,
            "foljer_upp_analyserar": 17,
            "stod_mot_malen": 15,
            "behov_kompetensutveckling": 17,
        },
        "all_five_competences": 15,
        "comments": 4,  # non-empty free-text answers among counted respondents
        "same_email_as_previous": None,
        "tagit_del_av_planen_pairs": None,
    },
    "2024-10": {
        "population": 18,
        "rows": 18,
        "respondents": 18,
        "non_respondents": 0,
        "duplicates_dropped": 0,
        "late": 0,
        "outside_register": 0,
        "answered": {"tillgang_kompetenser": 18, "stod_mot_malen": 12},
        "all_five_competences": 17,
        "comments": 6,
        "same_email_as_previous": 15,  # register e-mails also in 2023-10's register
        # counted in both periods (same e-mail): (previous answer, this answer) -> n
        "tagit_del_av_planen_pairs": {("Ja", "Ja"): 5, ("Nej", "Ja"): 7, ("Nej", "Nej"): 3, ("Ja", "Nej"): 0},
        "tagit_del_av_planen_mcnemar_exact_p": 0.015625,
    },
    "2025-10": {
        "population": 18,
        "rows": 18,
        "respondents": 16,
        "non_respondents": 2,
        "duplicates_dropped": 1,
        "late": 1,
        "outside_register": 1,
        "answered": {"tillgang_kompetenser": 16, "stod_mot_malen": 13},
        "all_five_competences": 15,
        "comments": 5,
        "same_email_as_previous": 16,
        "tagit_del_av_planen_pairs": {("Ja", "Ja"): 9, ("Nej", "Ja"): 4, ("Nej", "Nej"): 1, ("Ja", "Nej"): 0},
        "tagit_del_av_planen_mcnemar_exact_p": 0.125,
    },
}

# --- the fictional units and principals ---------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str  # skolenhetskod: 8 digits, text
    name: str
    skolform: str


UNITS = [
    Unit("08231547", "Ängsskolan", "Grundskola"),
    Unit("41937260", "Björkhagsskolan", "Grundskola"),
    Unit("03658214", "Ekbackeskolan", "Grundskola"),
    Unit("72145893", "Solbergaskolan", "Grundskola"),
    Unit("59382017", "Lindåsskolan", "Grundskola"),
    Unit("01274639", "Tallbackaskolan", "Grundskola"),
    Unit("86420153", "Furuhöjdsskolan", "Grundskola"),
    Unit("34718925", "Strandängsskolan", "Grundskola"),
    Unit("67093481", "Kvarnbyskolan", "Grundskola"),
    Unit("09815362", "Rosendalsskolan", "Grundskola"),
    Unit("25649078", "Hagaskolan", "Grundskola"),
    Unit("48170396", "Klöverskolan", "Anpassad grundskola"),
    Unit("93526841", "Sjöviksskolan", "Grundskola"),
    Unit("05361728", "Norrbackaskolan", "Grundskola"),
    Unit("71804652", "Västerbyskolan", "Grundskola"),
    Unit("36295107", "Källbrinksskolan", "Grundskola"),
    Unit("82947315", "Mossebergsskolan", "Grundskola"),
    Unit("14583609", "Granlundaskolan", "Grundskola"),
]
ANPASSAD = 11  # index of the unit with skolform Anpassad grundskola

PRINCIPALS_2023 = [
    "Karin Sjöberg",
    "Maria Holm",
    "Anders Lundqvist",
    "Eva Bergström",
    "Peter Nyström",
    "Åsa Öberg",
    "Johan Ekström",
    "Lena Wikström",
    "Mikael Forsberg",
    "Helena Åkesson",
    "Ulrika Dahl",
    "Fredrik Sandberg",
    "Camilla Hedlund",
    "Tomas Engström",
    "Sara Lindgren",
    "Niklas Björk",
    "Jenny Falk",
    "Malin Ström",
]
# New principals, by unit index, from the given period on.
REPLACEMENTS = {
    "2024-10": {3: "Oskar Hellström", 9: "Linnéa Karlsson", 14: "Erik Månsson"},
    "2025-10": {6: "Sofia Blom", 16: "David Lindholm"},
}
OUTSIDER_2025 = "Elin Dahlgren"  # a deputy principal, not in the register

# Units whose principal answered Ja on tagit_del_av_planen (the rest answered Nej).
TAGIT_JA = {
    "2023-10": [0, 5, 8, 12, 16],
    "2024-10": [0, 1, 2, 5, 6, 7, 8, 10, 11, 12, 15, 16],
    "2025-10": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14],
}
# Competences each unit lacks (all other units have all five).
KOMPETENSER_SAKNAS = {
    "2023-10": {ANPASSAD: ["Skolläkare", "Psykolog"], "random": ["Psykolog"], "n_random": 2},
    "2024-10": {ANPASSAD: ["Skolläkare", "Psykolog"], "random": [], "n_random": 0},
    "2025-10": {ANPASSAD: ["Skolläkare"], "random": [], "n_random": 0},
}
NON_RESPONDENTS = {"2023-10": [], "2024-10": [], "2025-10": [13, 15]}

# Free text, with the unit whose principal must not be the author (None: anyone).
COMMENTS = {
    "2023-10": [
        ("Planen är svår att hitta på intranätet. Lägg den gärna direkt på startsidan.", None),
        ("Psykologen finns bara på plats en dag i veckan.\nDet räcker inte för att hinna med det förebyggande arbetet.", None),
        ("Det tar för lång tid att få en utredning. En elev (20140612-1234) har väntat sedan januari.", None),
        ("Bra med gemensamma EHT-träffar, gärna fler sådana under läsåret.", None),
    ],
    "2024-10": [
        (
            "Vi har ett bra utbyte med Maria Holm på Björkhagsskolan kring elevhälsomötena – det borde spridas till fler enheter.",
            1,
        ),
        (
            "Skolsköterskan delas med en annan enhet och räcker inte till. Ring mig gärna på 070-123 45 67 om ni vill veta mer.",
            None,
        ),
        ("Skicka gärna presentationen till mig på oskar.hellstrom@exempel.se så sprider jag den i arbetslagen.", None),
        ("<b>mer tid</b> för EHT & <script>alert(1)</script>", None),
        ('=HYPERLINK("http://exempel.se","klicka") här finns vår lokala rutin för elevhälsomöten', None),
        (
            "Planen är bra men behöver bli känd bland all personal, inte bara bland rektorerna. Förslag: en gemensam introduktion i början av läsåret.",
            None,
        ),
    ],
    "2025-10": [
        ("Bättre i år: psykologen finns nu på plats varje vecka.", None),
        ("Vi väntar fortfarande på en utredning för en elev, 150315-1234, trots flera påminnelser.", None),
        ("Tack till Åsa Öberg för stödet med den nya rutinen för elevhälsomöten.", 5),
        ("Fortsatt brist på tid för det förebyggande arbetet; kuratorn räcker inte till alla klasser.", None),
        ("Önskar en gemensam utbildningsdag om NPF för alla elevhälsoteam.", None),
    ],
}
OUTSIDER_COMMENT = "Jag är biträdande rektor och svarar för vår enhet eftersom rektorn är föräldraledig."

# Surface forms that must be read as the canonical label: (question, label, written as).
VARIANTS = {
    "2023-10": [],
    "2024-10": [
        ("tillgang_forebyggande", TVD, "Delvis"),
        ("samsyn_eht", TVD, "till viss del"),
        ("foljer_upp_analyserar", JA, " ja"),
        ("samarbete_fungerar", JA, "JA "),
        ("behov_kompetensutveckling", NEJ, "Nej\u00a0"),
        ("tagit_del_av_planen", JA, "\u00a0Ja"),
        ("stod_mot_malen", TVD, "TILL VISS DEL"),
    ],
    "2025-10": [
        ("stod_mot_malen", TVD, "Delvis"),
        ("tillgang_forebyggande", NEJ, "nej"),
    ],
}
# E-mail addresses written differently in the export than in the register (unit -> form).
EMAIL_VARIANTS = {
    "2023-10": {},
    "2024-10": {0: "Karin.Sjoberg@Exempel.se", 8: "mikael.forsberg@exempel.se "},
    "2025-10": {7: "Lena.Wikstrom@EXEMPEL.se"},
}


@dataclass(frozen=True)
class PeriodSpec:
    pid: str
    label: str
    start: dt.date
    end: dt.date
    export: str  # file name
    headers: tuple[str, ...]  # metadata headers before the questions
    question_text: dict[str, str]
    question_order: tuple[str, ...]
    answers_from: dt.date  # completion dates are drawn from [answers_from, answers_to]
    answers_to: dt.date


PERIODS = [
    PeriodSpec(
        "2023-10",
        "juni–oktober 2023",
        dt.date(2023, 6, 1),
        dt.date(2023, 10, 31),
        "rektorsenkat.csv",
        ("ID", "Start time", "Completion time", "Email", "Name"),
        QUESTION_TEXT_2023,
        tuple(QUESTION_ORDER),
        dt.date(2023, 9, 4),
        dt.date(2023, 10, 27),
    ),
    PeriodSpec(
        "2024-10",
        "juni–oktober 2024",
        dt.date(2024, 6, 1),
        dt.date(2024, 10, 31),
        "rektorsenkat.xlsx",
        ("ID", "Starttid", "Tid för slutförande", "E-post", "Namn", "Senaste ändringstid"),
        QUESTION_TEXT,
        tuple(QUESTION_ORDER),
        dt.date(2024, 9, 2),
        dt.date(2024, 10, 25),
    ),
    PeriodSpec(
        "2025-10",
        "juni–oktober 2025",
        dt.date(2025, 6, 1),
        dt.date(2025, 10, 31),
        "rektorsenkat.xlsx",
        ("ID", "Starttid", "Sluttid", "E-post", "Namn"),
        {**QUESTION_TEXT, "samarbete_fungerar": QUESTION_TEXT["samarbete_fungerar"] + "\u00a0"},
        (
            "tagit_del_av_planen",
            "tillgang_kompetenser",
            "tillgang_forebyggande",
            "foljer_upp_analyserar",
            "samsyn_eht",
            "stod_mot_malen",
            "behov_kompetensutveckling",
            "samarbete_fungerar",
            "kommentarer",
        ),
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 24),
    ),
]
LATE_2025 = (dt.date(2025, 11, 3), dt.date(2025, 11, 5))

# --- helpers ---------------------------------------------------------------------------

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "Å": "A", "Ä": "A", "Ö": "O", "É": "E"})


def email_for(name: str) -> str:
    first, last = name.split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@exempel.se".translate(_ASCII).lower()


def principals(pid: str) -> list[str]:
    """The principal of each unit in period `pid`."""
    names = list(PRINCIPALS_2023)
    for p in PERIODS:
        for unit, name in REPLACEMENTS.get(p.pid, {}).items():
            names[unit] = name
        if p.pid == pid:
            return names
    raise KeyError(pid)


def _random_time(rng: Random, first: dt.date, last: dt.date) -> dt.datetime:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    day = rng.choice([d for d in days if d.weekday() < 5])
    return dt.datetime(day.year, day.month, day.day, rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))


def _competence_cell(rng: Random, options: list[str]) -> str:
    chosen = list(options)
    if rng.random() < 0.6:
        rng.shuffle(chosen)
    else:
        chosen.sort(key=KOMPETENSER.index)
    return ";".join(chosen) + (";" if rng.random() < 0.7 else "")


def _canonical_answers(rng: Random, spec: PeriodSpec, respondents: list[int]) -> dict[int, dict[str, object]]:
    """Each respondent's answers: labels for single questions, a list of options for the
    competences, text (or "") for comments."""
    pid = spec.pid
    expected = EXPECTED[pid]
    answers: dict[int, dict[str, object]] = {u: {} for u in respondents}
    for u in respondents:
        answers[u]["tagit_del_av_planen"] = JA if u in TAGIT_JA[pid] else NEJ
    for qid, labels in SINGLE_QUESTIONS.items():
        if qid == "tagit_del_av_planen":
            continue
        pool = [label for label in labels for _ in range(expected[qid][label])]
        pool += [""] * (len(respondents) - len(pool))
        rng.shuffle(pool)
        for u, value in zip(respondents, pool):
            answers[u][qid] = value
    lack = KOMPETENSER_SAKNAS[pid]
    random_lackers = rng.sample([u for u in respondents if u != ANPASSAD], lack["n_random"])
    for u in respondents:
        missing = lack[ANPASSAD] if u == ANPASSAD else (lack["random"] if u in random_lackers else [])
        answers[u]["tillgang_kompetenser"] = [k for k in KOMPETENSER if k not in missing]
    for u in respondents:
        answers[u]["kommentarer"] = ""
    free = list(respondents)
    for text, not_by in COMMENTS[pid]:
        author = rng.choice([u for u in free if u != not_by])
        free.remove(author)
        answers[author]["kommentarer"] = text
    return answers


def count_answers(answers: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    """Counts in the form of EXPECTED from canonical answers."""
    out: dict[str, dict[str, int]] = {}
    for qid, labels in SINGLE_QUESTIONS.items():
        c = Counter(a[qid] for a in answers)
        out[qid] = {label: c.get(label, 0) for label in labels}
    out["tillgang_kompetenser"] = {k: sum(k in a["tillgang_kompetenser"] for a in answers) for k in KOMPETENSER}
    return {qid: out[qid] for qid in EXPECTED[next(iter(EXPECTED))]}


@dataclass
class Response:
    unit: int | None  # None: outside the register
    name: str
    email: str
    started: dt.datetime
    completed: dt.datetime
    answers: dict[str, object]
    cells: dict[str, str]  # as written in the export


def _build_period(rng: Random, spec: PeriodSpec) -> tuple[list[list[str]], list[Response]]:
    """The register rows and the export's responses (ordered by completion, i.e. by ID)."""
    pid = spec.pid
    names = principals(pid)
    register = [["e-post", "namn", "skolenhetskod", "skolenhet", "skolform"]]
    for unit, name in zip(UNITS, names):
        register.append([email_for(name), name, unit.code, unit.name, unit.skolform])

    respondents = [u for u in range(len(UNITS)) if u not in NON_RESPONDENTS[pid]]
    answers = _canonical_answers(rng, spec, respondents)
    counted = count_answers([answers[u] for u in respondents])
    if counted != EXPECTED[pid]:
        raise AssertionError(f"{pid}: generated counts {counted} differ from EXPECTED {EXPECTED[pid]}")

    # Surface forms of the answers.
    cells = {u: {} for u in respondents}
    for u in respondents:
        for qid in SINGLE_QUESTIONS:
            cells[u][qid] = answers[u][qid]
        cells[u]["tillgang_kompetenser"] = _competence_cell(rng, answers[u]["tillgang_kompetenser"])
        cells[u]["kommentarer"] = answers[u]["kommentarer"]
    used: set[tuple[int, str]] = set()
    for qid, label, written in VARIANTS[pid]:
        candidates = [u for u in respondents if answers[u][qid] == label and (u, qid) not in used]
        u = rng.choice(candidates)
        used.add((u, qid))
        cells[u][qid] = written

    # Times.
    times: list[dt.datetime] = []
    while len(times) < len(respondents) + 1:
        t = _random_time(rng, spec.answers_from, spec.answers_to)
        if t not in times:
            times.append(t)
    responses = []
    for u, completed in zip(respondents, times):
        email = EMAIL_VARIANTS[pid].get(u, email_for(names[u]))
        started = completed - dt.timedelta(seconds=rng.randint(150, 1500))
        responses.append(Response(u, names[u], email, started, completed, answers[u], cells[u]))

    if pid == "2025-10":
        # A late answer: completed after `end`; still counts.
        late = rng.choice(responses)
        late.completed = _random_time(rng, *LATE_2025)
        late.started = late.completed - dt.timedelta(seconds=rng.randint(150, 1500))
        # A duplicate: an earlier answer from the same principal, differing on samsyn_eht.
        dup = rng.choice(
            [r for r in responses if r is not late and r.answers["samsyn_eht"] == JA and r.completed > dt.datetime(2025, 9, 8)]
        )
        earlier = dup.completed - dt.timedelta(days=rng.randint(3, 6), minutes=rng.randint(-50, 50))
        responses.append(
            Response(
                dup.unit,
                dup.name,
                dup.email,
                earlier - dt.timedelta(seconds=rng.randint(150, 1500)),
                earlier,
                {**dup.answers, "samsyn_eht": TVD},
                {**dup.cells, "samsyn_eht": TVD},
            )
        )
        # Someone outside the register.
        out_completed = times[-1]
        out_answers = {
            "tagit_del_av_planen": NEJ,
            "tillgang_forebyggande": NEJ,
            "samsyn_eht": NEJ,
            "foljer_upp_analyserar": NEJ,
            "stod_mot_malen": NEJ,
            "samarbete_fungerar": NEJ,
            "behov_kompetensutveckling": JA,
            "tillgang_kompetenser": list(KOMPETENSER),
            "kommentarer": OUTSIDER_COMMENT,
        }
        out_cells = {**out_answers, "tillgang_kompetenser": ";".join(KOMPETENSER) + ";"}
        responses.append(
            Response(
                None,
                OUTSIDER_2025,
                email_for(OUTSIDER_2025),
                out_completed - dt.timedelta(seconds=rng.randint(150, 1500)),
                out_completed,
                out_answers,
                out_cells,
            )
        )
    responses.sort(key=lambda r: r.completed)
    return register, responses


# --- writing -----------------------------------------------------------------------------


def _period_yaml(spec: PeriodSpec) -> str:
    return (
        f"{SYNTHETIC_COMMENT}\n"
        f"label: {spec.label}\n"
        f"start: {spec.start.isoformat()}\n"
        f"end: {spec.end.isoformat()}\n"
        f"population: {POPULATION}\n"
        f"syntetisk: true\n"
    )


def _readme(spec: PeriodSpec) -> str:
    return (
        "SYNTETISKA EXEMPELDATA – inte verkliga svar.\n"
        "\n"
        f"Filerna i den här mappen ({spec.pid}, {spec.label}) är påhittade. De har skapats av\n"
        "programmet tools/sample_data.py för att visa och testa analysen.\n"
        "Skolenheter, skolenhetskoder, rektorer, e-postadresser och kommentarer är fiktiva;\n"
        "likheter med verkliga personer eller enheter är oavsiktliga.\n"
        "\n"
        "Endast de sammanräknade resultaten för juni–oktober 2024 kommer från den verkliga\n"
        "uppföljningen av elevhälsoarbetet och den övergripande elevhälsoplanen. Alla enskilda\n"
        "svar, och alla resultat för övriga perioder, är påhittade.\n"
        "\n"
        "period.yaml innehåller därför syntetisk: true, vilket gör att varje rapport anger att\n"
        "uppgifterna är syntetiska.\n"
    )


def _csv_text(rows: list[list[str]], delimiter: str, lineterminator: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue()


def _header(spec: PeriodSpec) -> list[str]:
    return list(spec.headers) + [spec.question_text[q] for q in spec.question_order]


def _export_csv(spec: PeriodSpec, responses: list[Response]) -> bytes:
    rows = [_header(spec)]
    for i, r in enumerate(responses, start=1):
        meta = [str(i), r.started.strftime("%Y-%m-%d %H:%M"), r.completed.strftime("%Y-%m-%d %H:%M"), r.email, r.name]
        rows.append(meta + [str(r.cells[q]) for q in spec.question_order])
    # Excel on a Swedish Windows machine: `;`, CRLF, Windows-1252.
    return _csv_text(rows, ";", "\r\n").encode("cp1252")


def _export_xlsx(spec: PeriodSpec, responses: list[Response]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(_header(spec))
    for i, r in enumerate(responses, start=1):
        meta: list[object] = [i, r.started, r.completed, r.email, r.name]
        if "Senaste ändringstid" in spec.headers:
            meta.append(None)
        ws.append(meta + [r.cells[q] if r.cells[q] != "" else None for q in spec.question_order])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    return workbook_bytes(wb)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes that are the same on every run."""
    wb.properties.creator = "elevhalsa_analysis tools/sample_data.py"
    wb.properties.lastModifiedBy = "elevhalsa_analysis tools/sample_data.py"
    wb.properties.title = "SYNTETISKA EXEMPELDATA"
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would stamp `modified` with now().
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _normalize_zip(buf.getvalue())


def _normalize_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            member.create_system = 0
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(path)


def write_sample_data(raw_dir: Path) -> list[Path]:
    """Write the three synthetic periods under `raw_dir`; return the files written."""
    raw_dir = Path(raw_dir)
    rng = Random(SEED)
    written: list[Path] = []
    for spec in PERIODS:
        register, responses = _build_period(rng, spec)
        folder = raw_dir / spec.pid
        _write(folder / "period.yaml", _period_yaml(spec).encode("utf-8"), written)
        _write(folder / REGISTER_FILE, _csv_text(register, ",", "\n").encode("utf-8"), written)
        _write(folder / README_FILE, _readme(spec).encode("utf-8"), written)
        export = _export_csv(spec, responses) if spec.export.endswith(".csv") else _export_xlsx(spec, responses)
        _write(folder / spec.export, export, written)
    return written
