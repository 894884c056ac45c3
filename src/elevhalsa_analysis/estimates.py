"""Design-based estimates for sample surveys (the student survey), computed with `svy`.

The student survey asks every student in the year groups, but only some answer. Each
unit's respondents stand for that unit's students: the design is stratified by unit
(within a year group), with weight w_h = N_h / n_h (enrolled / responses in the unit) and
a finite-population correction, because a unit where 90 % answered leaves little to
guess. What the estimate assumes is said in `ASSUMPTION`.

For a headline share p̂ in one year group, with strata h (units), N_h enrolled, n_h
questionnaires, W_h = N_h / N and f_h = n_h / N_h, svy computes (Taylor linearisation):

* everyone answered the question:   p̂ = Σ_h W_h p_h,
                                     V(p̂) = Σ_h W_h² (1 − f_h) p_h (1 − p_h) / (n_h − 1);
* some answered "Vet ej" or skipped it: the share is a domain mean (a ratio),
                                     p̂ = Σ w_i d_i y_i / Σ w_i d_i  (d_i = 1 in the denominator),
                                     V(p̂) = Σ_h (1 − f_h) n_h / (n_h − 1) Σ_i (u_hi − ū_h)²,
                                     u_hi = w_i d_i (y_i − p̂) / Σ w_i d_i,
  which is the first formula when every d_i = 1. tests/computing/test_estimates.py checks both by
  hand.

The interval is Korn–Graubard's (1998) Clopper–Pearson interval at the effective sample
size p̂(1 − p̂)/V(p̂), adjusted for the design's degrees of freedom, as R's
`svyciprop(method = "beta")` computes it (svy: ci_method="beta"). The NCHS variant
(svy: "korn-graubard") caps the effective sample size at the number of respondents,
which throws the finite-population correction away; with response rates of 60–90 % that
would make intervals far too wide. At p̂ = 0 or 1 the beta interval is undefined and the
NCHS one-sided interval is used; where that is undefined too (no variance at all: every
unit unanimous, or a single respondent), the exact Clopper–Pearson interval of the
respondents. A unit with a single response cannot show its own
variance; it is centred on the year group's mean (svy: singleton "center", R's
`survey.lonely.psu = "adjust"`), the cautious choice.

A change between two surveys is a difference between two cohorts, not the same pupils
asked twice: the question is whether it exceeds what separates cohorts by chance. The
finite-population correction would call any cohort difference real, so comparisons use
intervals without it (with-replacement variance), combined by MOVER
(`stats.mover_difference`).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass

import pandas as pd

CONFIDENCE = 0.95
CI_METHOD = "beta"
BOUNDARY_CI_METHOD = "korn-graubard"
SINGLETON = "center"

ASSUMPTION = (
    "Skattningen och intervallet förutsätter att de elever som svarade liknar dem som inte svarade "
    "vid samma skolenhet och i samma årskurs."
)


@dataclass(frozen=True)
class DesignEstimate:
    """A weighted share of one domain (a year group) with its design-based interval."""

    share: float
    se: float
    low: float
    high: float
    n: int  # respondents in the denominator (answers other than Vet ej)
    df: int  # the design's degrees of freedom


def stratified_shares(frame: pd.DataFrame, by: str, *, y: str = "y", **options) -> dict[str, DesignEstimate]:
    """Design-based share of `y` = 1 per value of `by` (see `headline_shares`)."""
    return headline_shares(frame, by, [y], **options)[y]


def headline_shares(
    frame: pd.DataFrame,
    by: str,
    ys: list[str],
    *,
    stratum: str = "stratum",
    weight: str = "weight",
    pop_size: str = "pop_size",
    confidence: float = CONFIDENCE,
    fpc: bool = True,
) -> dict[str, dict[str, DesignEstimate]]:
    """Design-based share of y = 1 per value of `by`, for every column in `ys`, one design.

    `frame` has one row per questionnaire: each y is 1 (headline), 0 (another answer in
    the denominator) or missing (Vet ej, not answered: outside the domain, yet part of
    the design); `stratum` is the unit within `by`; `weight` is N_h / n_h and `pop_size`
    N_h. Groups with nobody in the denominator are left out.
    `fpc=False` drops the finite-population correction, for comparisons between years.
    """
    import polars as pl
    import svy

    columns = {f"y{i}": y for i, y in enumerate(ys)}
    data = pl.from_pandas(
        pd.DataFrame(
            {
                "by": frame[by].astype(str).to_numpy(),
                "stratum": frame[stratum].astype(str).to_numpy(),
                "weight": frame[weight].astype(float).to_numpy(),
                "pop_size": frame[pop_size].astype(float).to_numpy(),
                **{name: frame[y].astype(float).to_numpy() for name, y in columns.items()},
            }
        )
    ).with_columns([pl.col(name).fill_nan(None) for name in columns])
    if data.is_empty():
        return {y: {} for y in ys}
    design = svy.Design(stratum="stratum", wgt="weight", pop_size="pop_size" if fpc else None, singleton=SINGLETON)
    sample = svy.Sample(data, design)
    alpha = 1 - confidence
    out = {}
    for name, y in columns.items():
        if data[name].is_null().all():
            out[y] = {}
            continue
        rows = _headline_rows(sample, name, CI_METHOD, alpha)
        if any(math.isnan(r["lci"]) for r in rows.values()):
            boundary = _headline_rows(sample, name, BOUNDARY_CI_METHOD, alpha)
            rows = {k: boundary[k] if math.isnan(r["lci"]) else r for k, r in rows.items()}
        rows = {k: _exact_if_undefined(r, alpha) for k, r in rows.items()}
        out[y] = {
            k: DesignEstimate(
                share=float(r["est"]),
                se=float(r["se"]),
                low=float(r["lci"]),
                high=float(r["uci"]),
                n=int(r["n"]),
                df=int(r["df"]),
            )
            for k, r in sorted(rows.items())
        }
    return out


def _exact_if_undefined(row: dict, alpha: float) -> dict:
    """At p̂ = 0 or 1 with every unit unanimous (or one respondent in all) the design has no
    variance and no effective sample size, so no design interval exists; the exact
    Clopper–Pearson interval of the domain's respondents stands in, the cautious choice."""
    if not (math.isnan(row["lci"]) or math.isnan(row["uci"])):
        return row
    from scipy.stats import beta

    n = int(row["n"])
    x = round(float(row["est"]) * n)
    low = 0.0 if x == 0 else float(beta.ppf(alpha / 2, x, n - x + 1))
    high = 1.0 if x == n else float(beta.ppf(1 - alpha / 2, x + 1, n - x))
    return {**row, "se": 0.0 if math.isnan(row["se"]) else row["se"], "lci": low, "uci": high}


def _headline_rows(sample, y: str, ci_method: str, alpha: float) -> dict[str, dict]:
    # svy reports what it could not do as findings on the estimate; its logger and Python
    # warnings would only repeat them into the researchers' report.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("svy").setLevel(logging.ERROR)
        est = sample.estimation.prop(y, by="by", ci_method=ci_method, alpha=alpha, drop_nulls=True)
    table = est.to_polars()
    rows = {r["by"]: r for r in table.filter(table[y] == 1.0).to_dicts()}
    # Where nobody gave the headline answer svy has only the row of y = 0: its complement is the 0 % row.
    for r in table.filter(table[y] == 0.0).to_dicts():
        if r["by"] not in rows:
            rows[r["by"]] = {**r, y: 1.0, "est": 1 - r["est"], "lci": 1 - r["uci"], "uci": 1 - r["lci"]}
    return rows
