"""Funnel plots for comparing units (Spiegelhalter, Statistics in Medicine 2005;24:1185–1202).

Each unit's share is set against the municipal value with control limits that widen as the
unit gets smaller, so a small school with two unhappy answers is not singled out. Limits
are exact binomial quantiles, interpolated as in the paper's appendix so they are smooth
in n. When many units fall outside (overdispersion), the limits are widened by a
multiplicative factor estimated from winsorised z-scores, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .formatting import fmt_decimal

LEVELS = {"95": 0.95, "99,8": 0.998}
WINSOR = 0.10  # Spiegelhalter's 10 % winsorisation before estimating overdispersion


def binomial_limit(n: np.ndarray | int, p0: float, q: float) -> np.ndarray:
    """The `q` quantile of Binomial(n, p0)/n, interpolated between integer counts.

    r is the smallest count with F(r) ≥ q; the limit moves back from r by the fraction
    (F(r) − q) / (F(r) − F(r − 1)), which makes the funnel continuous (appendix A.1.1).
    """
    n = np.asarray(n, dtype=float)
    if p0 in (0.0, 1.0):
        # A point mass: every count is 0 or n, and the interpolation would move a limit off it
        # (at 100 % the upper limit fell below 1 and flagged units that sit at the municipal value).
        return np.full_like(n, p0)
    r = stats.binom.ppf(q, n, p0)
    f_r = stats.binom.cdf(r, n, p0)
    f_below = stats.binom.cdf(r - 1, n, p0)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(f_r > f_below, (f_r - q) / (f_r - f_below), 0.0)
    return np.clip((r - alpha) / n, 0.0, 1.0)


@dataclass(frozen=True)
class Funnel:
    """Limits and flags for one indicator across units."""

    table: pd.DataFrame  # unit, n, events, share, lower/upper per level, flag
    target: float
    phi: float  # estimated overdispersion (1 = none)
    overdispersed: bool
    method: str  # Swedish sentence: which limits were used and why


def overdispersion(events: np.ndarray, n: np.ndarray, p0: float) -> tuple[float, bool]:
    """Winsorised φ and whether I·φ exceeds the 95 % point of χ² with I − 1 df."""
    share = events / n
    z = (share - p0) / np.sqrt(p0 * (1 - p0) / n)
    lo, hi = np.quantile(z, [WINSOR, 1 - WINSOR])
    z = np.clip(z, lo, hi)
    units = len(z)
    phi = float(np.mean(z**2))
    return phi, bool(units > 1 and units * phi > stats.chi2.ppf(0.95, units - 1))


def control_limits(
    n: np.ndarray, p0: float, phi: float = 1.0, overdispersed: bool = False
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Level name → (lower, upper) at each denominator in `n`; also the curves a plot draws."""
    n = np.asarray(n, dtype=float)
    out = {}
    for name, level in LEVELS.items():
        tail = (1 - level) / 2
        if overdispersed:
            half = stats.norm.ppf(1 - tail) * np.sqrt(phi * p0 * (1 - p0) / n)
            out[name] = (np.clip(p0 - half, 0, 1), np.clip(p0 + half, 0, 1))
        else:
            out[name] = (binomial_limit(n, p0, tail), binomial_limit(n, p0, 1 - tail))
    return out


def funnel(units: pd.DataFrame, target: float | None = None) -> Funnel:
    """`units` has columns unit, n (denominator) and events; `target` defaults to the pooled share."""
    data = units[units["n"] > 0].copy()
    n = data["n"].to_numpy(dtype=float)
    events = data["events"].to_numpy(dtype=float)
    p0 = float(events.sum() / n.sum()) if target is None else float(target)
    data["share"] = events / n
    phi, over = overdispersion(events, n, p0) if 0 < p0 < 1 and len(data) > 2 else (1.0, False)
    for name, (lower, upper) in control_limits(n, p0, phi, over).items():
        data[f"nedre_{name}"], data[f"ovre_{name}"] = lower, upper
    data["avvikelse"] = np.select(
        [data["share"] > data["ovre_99,8"], data["share"] < data["nedre_99,8"]], ["avviker uppåt", "avviker nedåt"], ""
    )
    if over:
        method = (
            f"Många enheter låg utanför gränserna (överspridning, φ = {fmt_decimal(phi, 2)}), "
            "så gränserna har vidgats multiplikativt enligt Spiegelhalter (2005)."
        )
    else:
        method = "Gränserna är exakta binomialgränser kring kommunens värde (Spiegelhalter 2005); ingen överspridning påvisades."
    return Funnel(data.sort_values("unit").reset_index(drop=True), p0, phi, over, method)
