"""Small-group suppression with complementary cells.

A group with fewer than `MIN_GROUP` people is hidden. The total is always shown, so a
hidden group must also not be recoverable by subtraction. The reader is assumed to know
the total, every shown group, and from the footnote that a hidden group has 1 to
min_n − 1 people (zeros are shown). Hidden values are then pinned down only when the
groups cover the whole total and either

* a single group is hidden (it equals total − shown), or
* the hidden groups are all small and their sum leaves no freedom: all 1 (sum equals
  their number) or all min_n − 1 (sum equals their number times min_n − 1).

In those cases the smallest shown group is hidden as well. Any people in the total but
in no group (e.g. "Annat alternativ") leave the reader an unknown remainder, so nothing
is recoverable then. When every group is already hidden there is nothing left to add:
the values then follow from the total alone (e.g. two groups of 1, total 2), which the
report shows anyway.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping

import pandas as pd

MIN_GROUP = 5

FOOTNOTE = (
    "– = färre än 5 svar; uppgiften visas inte för att skydda enskilda personer. Där det "
    "behövs döljs även ytterligare en grupp, så att den dolda uppgiften inte kan räknas "
    "fram ur totalen."
)

HIDDEN_COLUMN = "dold"


def _recoverable(hidden: list[int], remainder: int, min_n: int) -> bool:
    if not hidden or remainder > 0:
        return False
    if len(hidden) == 1:
        return True
    # The sum pins the values down only if every hidden cell is known to lie in
    # 1..min_n − 1; a larger or an empty complementary cell breaks that premise.
    if any(n >= min_n or n == 0 for n in hidden):
        return False
    return sum(hidden) in (len(hidden), len(hidden) * (min_n - 1))


def suppress(counts: Mapping[str, int], total: int, min_n: int = MIN_GROUP, exempt: bool = False) -> dict[str, int | None]:
    """Group → its count, or None where hidden.

    `counts` maps each shown group to its size (the denominator, e.g. answers per unit);
    `total` ≥ their sum is always shown. Groups with 0 < n < min_n are hidden, then the
    smallest shown group (first in key order on ties, non-empty groups before empty
    ones) while a hidden value could still be worked out from the total. `exempt`
    (organisational facts such as a unit's access to competences) hides nothing.
    """
    sizes = {group: operator.index(n) for group, n in counts.items()}
    if any(n < 0 for n in sizes.values()):
        raise ValueError(f"Gruppstorlekar kan inte vara negativa: {sizes}.")
    if total < sum(sizes.values()):
        raise ValueError(f"Totalen ({total}) är mindre än summan av grupperna ({sum(sizes.values())}).")
    if min_n < 1:
        raise ValueError(f"Minsta gruppstorlek måste vara minst 1, fick {min_n}.")
    if exempt:
        return dict(sizes)
    hidden = {group for group, n in sizes.items() if 0 < n < min_n}
    remainder = total - sum(sizes.values())
    while _recoverable([sizes[g] for g in hidden], remainder, min_n):
        shown = [g for g in sizes if g not in hidden]
        if not shown:
            # A lone group equals the total, which is public anyway; nothing left to hide.
            break
        # Hiding an empty group protects less: readers know zeros are normally shown.
        hidden.add(min(shown, key=lambda g: (sizes[g] == 0, sizes[g])))
    return {group: None if group in hidden else n for group, n in sizes.items()}


def suppressed_groups(result: Mapping[str, int | None]) -> list[str]:
    """Hidden groups of a `suppress` result, in its order."""
    return [group for group, n in result.items() if n is None]


def suppress_table(
    df: pd.DataFrame,
    group_col: str,
    n_col: str,
    total: int,
    min_n: int = MIN_GROUP,
    exempt: bool = False,
) -> pd.DataFrame:
    """`df` with a boolean column `dold` marking rows whose values a report must blank."""
    if not df[group_col].is_unique:
        raise ValueError(f"Kolumnen {group_col!r} har dubbletter; varje grupp ska finnas en gång.")
    result = suppress(dict(zip(df[group_col], df[n_col])), total, min_n=min_n, exempt=exempt)
    hidden = set(suppressed_groups(result))
    return df.assign(**{HIDDEN_COLUMN: df[group_col].isin(hidden).to_numpy(dtype=bool)})


def suppress_shares(
    sizes: Mapping[str, int],
    positives: Mapping[str, int],
    total: int,
    total_positive: int,
    min_n: int = MIN_GROUP,
) -> dict[str, bool]:
    """Group → hidden, for a table that shows each group's size and its share of positives.

    People in the total but in no group (e.g. "Annat alternativ") are a group that is
    never shown, though a reader can subtract it out. Together with the groups under
    `min_n` it makes the hidden cells; while a small one among them can be worked out,
    the smallest shown group is hidden too:

    * its size, by the rules of `suppress` (a single hidden cell, or small ones whose
      sum leaves no freedom);
    * its share, when the hidden cells' positives are none or all of them: each is then
      0 % or 100 %, whatever its size.

    A hidden cell of at least `min_n` may be derivable; the threshold protects it.
    """
    if set(positives) != set(sizes) or any(not 0 <= positives[g] <= sizes[g] for g in sizes):
        raise ValueError(f"Varje grupp behöver 0 ≤ positiva ≤ storlek: {dict(sizes)}, {dict(positives)}.")
    rest_n, rest_x = total - sum(sizes.values()), total_positive - sum(positives.values())
    if not 0 <= rest_x <= rest_n:
        raise ValueError(f"Totalen ({total_positive} av {total}) stämmer inte med grupperna.")
    cells = {g: (n, positives[g]) for g, n in sizes.items()}
    rest = object()
    if rest_n:
        cells[rest] = (rest_n, rest_x)
    hidden = {g for g, (n, _) in cells.items() if 0 < n < min_n} | ({rest} if rest_n else set())

    while any(0 < cells[g][0] < min_n for g in hidden):
        shown = [g for g in sizes if g not in hidden]
        n, x = sum(cells[g][0] for g in hidden), sum(cells[g][1] for g in hidden)
        if _recoverable([cells[g][0] for g in hidden], 0, min_n):
            candidates = shown
        elif x in (0, n):
            # Only a group with a share unlike the hidden ones' makes their sum ambiguous.
            candidates = [g for g in shown if (positives[g] > 0 if x == 0 else positives[g] < sizes[g])]
        else:
            break
        if not candidates:
            # Nothing left that helps: the rest follows from the total, which is shown anyway.
            break
        hidden.add(min(candidates, key=lambda g: (sizes[g] == 0, sizes[g])))
    return {group: group in hidden for group in sizes}
