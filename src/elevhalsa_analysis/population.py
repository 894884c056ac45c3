"""The population a survey asked: its register read, and the responses linked to it.

Linking is by e-mail, pseudonymised with the salt on both sides, so the counted responses
and the population carry no address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cells import ROW, each_distinct, keep_written, unit_code
from .codebook import normalize_label
from .errors import DataError
from .privacy import pseudonymize
from .tables import read_table

SKOLFORMER = ["Förskola", "Grundskola", "Anpassad grundskola", "Gymnasieskola", "Anpassad gymnasieskola"]
REGISTER_COLUMNS = ["e-post", "namn", "skolenhetskod", "skolenhet", "skolform"]


def read_register(path: Path, columns: list[str] = REGISTER_COLUMNS) -> pd.DataFrame:
    """A population file (`rektorer.csv`, `elevantal.csv`) with lower-cased column names;
    e-post normalised for linking. `columns` are the headers that find the header row."""
    frame = read_table(path, columns)
    frame.columns = [c if c == ROW else normalize_label(c) for c in frame.columns]
    twice = frame.columns[frame.columns.duplicated()]
    if len(twice):
        raise DataError(
            f"Kolumnen «{twice[0]}» finns flera gånger; ta bort den som inte ska användas och spara filen igen.",
            file=path,
            column=twice[0],
        )
    keep_written(frame, ["skolenhetskod"])
    for col in ("skolenhet", "skolform", "namn"):
        if col in frame:
            frame[col] = frame[col].str.strip()
    if "skolenhetskod" in frame:
        frame["skolenhetskod"] = each_distinct(frame["skolenhetskod"], unit_code)
    if "skolform" in frame:
        # Case and spacing carry no meaning; an unknown form is left for the gate to name.
        canonical = {normalize_label(s): s for s in SKOLFORMER}
        frame["skolform"] = frame["skolform"].map(lambda s: canonical.get(normalize_label(s), s))
    if "e-post" in frame:
        frame["e-post"] = frame["e-post"].map(normalize_label)
    return frame


@dataclass
class Linked:
    """A period's counted responses, pseudonymised, and what was left out and why."""

    responses: pd.DataFrame  # wide: respondent, response_id, completed, one column per question
    population: pd.DataFrame  # respondent, skolenhetskod, skolenhet, skolform, responded
    outsiders: pd.DataFrame  # response_id, rad
    superseded: pd.DataFrame  # response_id, rad, kept_response_id


def link(responses: pd.DataFrame, register: pd.DataFrame, salt: bytes) -> Linked:
    """Link responses to the population by e-mail; the latest response of each counts."""
    reg = register.assign(respondent=register["e-post"].map(lambda e: pseudonymize(e, salt)))
    resp = responses.assign(respondent=responses["email"].map(lambda e: pseudonymize(e, salt)))
    resp = resp.drop(columns=["email"])
    inside = resp["respondent"].isin(reg["respondent"])
    outsiders = resp.loc[~inside, ["response_id", ROW]].reset_index(drop=True)
    resp = resp[inside]
    # Latest completion wins; a later row breaks ties, as the survey tool numbers in order.
    resp = resp.sort_values(["completed", ROW], kind="stable")
    last = resp.drop_duplicates("respondent", keep="last")
    dropped = resp[~resp.index.isin(last.index)]
    superseded = (
        dropped[["response_id", ROW, "respondent"]]
        .merge(last[["respondent", "response_id"]].rename(columns={"response_id": "kept_response_id"}), on="respondent")
        .drop(columns="respondent")
    )
    population = reg[["respondent", "skolenhetskod", "skolenhet", "skolform"]].assign(
        responded=reg["respondent"].isin(last["respondent"])
    )
    return Linked(
        last.sort_values(ROW).reset_index(drop=True),
        population.reset_index(drop=True),
        outsiders,
        superseded.reset_index(drop=True),
    )
