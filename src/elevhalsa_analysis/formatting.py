"""Swedish number formatting for everything a reader sees.

Babel supplies the sv_SE symbols and patterns: decimal comma, a no-break space (U+00A0)
between thousands and before the percent sign. Rounding happens here first, half away
from zero, because Babel rounds half to even (0,125 would become 0,12) and readers check
percentages by hand; the value handed to Babel already has exactly the digits shown, so
Babel's own rounding never changes it.

Babel writes negative numbers with an ASCII hyphen-minus although CLDR lists the minus
sign (U+2212) for Swedish, so the sign is swapped after formatting: "−3", as in print.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from copy import copy
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from typing import Literal

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, format_percent, get_minus_sign_symbol

LOCALE = "sv_SE"
NBSP = "\u00a0"
MISSING = "–"
MINUS = get_minus_sign_symbol(LOCALE)  # U+2212
P_FLOOR = 0.001


def _to_decimal(x: float) -> Decimal:
    # Going through the shortest repr means 0.125 rounds as the 0.125 the reader sees,
    # not as the binary double slightly below or above it.
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"Talet måste vara ändligt, fick {x!r}.")
    return Decimal(repr(value))


def _quantize(x: Decimal, decimals: int) -> Decimal:
    if decimals < 0:
        raise ValueError(f"Antal decimaler får inte vara negativt, fick {decimals}.")
    rounded = x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # -0.04 rounds to -0.0, which would otherwise be printed as "-0,0".
    return rounded.copy_abs() if rounded.is_zero() else rounded


@cache
def _pattern(kind: Literal["decimal", "percent"], decimals: int) -> NumberPattern:
    # The locale's own pattern keeps CLDR's grouping and percent suffix; only the number
    # of decimals is fixed, so trailing zeros are kept ("30,0 %") and columns line up.
    locale = Locale.parse(LOCALE)
    base = locale.percent_formats[None] if kind == "percent" else locale.decimal_formats[None]
    fixed = copy(base)
    fixed.frac_prec = (decimals, decimals)
    return fixed


def _is_missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def round_half_away(x: float, decimals: int = 0) -> float:
    """Round to `decimals` places, halves away from zero (2.5 → 3, -2.5 → -3, 0.125 → 0.13)."""
    return float(_quantize(_to_decimal(x), decimals))


def _sv(number: Decimal, kind: Literal["decimal", "percent"], decimals: int) -> str:
    formatter = format_percent if kind == "percent" else format_decimal
    return formatter(number, format=_pattern(kind, decimals), locale=LOCALE).replace("-", MINUS)


def fmt_int(n: int) -> str:
    """Whole number with thousands grouped by a no-break space: 12345 → '12\u00a0345'."""
    return _sv(Decimal(operator.index(n)), "decimal", 0)


def _pct_number(share: float, decimals: int) -> Decimal:
    return _quantize(_to_decimal(share) * 100, decimals)


def fmt_pct(share: float | None, decimals: int = 0) -> str:
    """Share in 0..1 as a Swedish percentage: 2/3 → '67\u00a0%'; None or NaN → '–'."""
    if _is_missing(share):
        return MISSING
    return _sv(_pct_number(share, decimals).scaleb(-2), "percent", decimals)


def fmt_pct_range(lo: float, hi: float) -> str:
    """Two shares as one whole-percent range with a single sign: '33–67\u00a0%'."""
    low = _sv(_pct_number(lo, 0), "decimal", 0)
    return f"{low}–{fmt_pct(hi)}"


def fmt_decimal(x: float, decimals: int = 1) -> str:
    """Number with a decimal comma and exactly `decimals` places: 4.5 → '4,5'."""
    return _sv(_quantize(_to_decimal(x), decimals), "decimal", decimals)


def fmt_p(p: float) -> str:
    """p-value with three decimals ('0,016'); below 0.001 '<\u00a00,001'."""
    if not 0 <= p <= 1:
        raise ValueError(f"Ett p-värde ligger mellan 0 och 1, fick {p!r}.")
    if p < P_FLOOR:
        return f"<{NBSP}{fmt_decimal(P_FLOOR, 3)}"
    return fmt_decimal(p, 3)


def shares_summing_to_100(counts: Sequence[int], decimals: int = 0) -> list[float]:
    """Percentages (0..100) per category, rounded so that the shown values add up to 100.

    Largest remainder method: every category gets its share rounded down to `decimals`
    places, then the units still missing go to the largest remainders, ties to the
    earlier category. Each value is less than one unit from its exact share. With
    `decimals` > 0 the values add up to 100 as shown; their binary floats may not sum
    to exactly 100.0. All counts zero → all 0.
    """
    values = [operator.index(c) for c in counts]
    if any(v < 0 for v in values):
        raise ValueError(f"Antal får inte vara negativa, fick {values}.")
    if decimals < 0:
        raise ValueError(f"Antal decimaler får inte vara negativt, fick {decimals}.")
    total = sum(values)
    if total == 0:
        return [0.0] * len(values)
    units = 100 * 10**decimals
    quotas = [Fraction(v * units, total) for v in values]
    given = [math.floor(q) for q in quotas]
    missing = units - sum(given)
    # sorted() is stable even with reverse=True, so equal remainders keep input order.
    by_remainder = sorted(range(len(values)), key=lambda i: quotas[i] - given[i], reverse=True)
    for i in by_remainder[:missing]:
        given[i] += 1
    return [float(Decimal(u).scaleb(-decimals)) for u in given]
