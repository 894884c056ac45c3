"""Charts for the reports: seaborn/matplotlib rendered to embedded PNG with alt text.

Figures are returned as HTML (a figure with a data-URI image, `figure.html.j2`) so that every
image has a meaningful alt text and the report stays one self-contained file. PNG metadata is fixed so
that reruns give byte-identical files.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .formatting import fmt_pct, shares_summing_to_100
from .funnel import Funnel, control_limits
from .indicators import NOT_ANSWERED, QuestionResult
from .markup import Html, render

# Okabe–Ito: distinguishable with the common colour-vision deficiencies and in grey.
PALETTE = {"Ja": "#0072B2", "Till viss del": "#E69F00", "Nej": "#D55E00", NOT_ANSWERED: "#BBBBBB"}
SEQUENCE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DPI = 100

sns.set_theme(style="whitegrid", context="notebook", rc={"font.family": "DejaVu Sans", "svg.hashsalt": "elevhalsa"})


def to_png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def figure_html(png: bytes, alt: str, caption: str) -> Html:
    return render("figure.html.j2", data=base64.b64encode(png).decode("ascii"), alt=alt, caption=caption)


# Diverging scales without a fixed colour: blues for the headline side, yellow to red for
# the other (three shades, so a five-point scale's middle answer has its own), lightest next
# to the centre; answers outside the denominator in grey.
RIGHT_SHADES = ["#56B4E9", "#0072B2"]
LEFT_SHADES = ["#F0E442", "#E69F00", "#D55E00"]
OUTSIDE_COLOUR = "#8C8C8C"


def diverging_sides(r: QuestionResult) -> tuple[list[str], list[str], list[str]]:
    """The headline labels and the other labels in the denominator, each mildest first (next to
    the centre), and those apart. A scale may run from the headline (Helt och hållet … Inte
    alls) or up to it (1 Stämmer inte alls … 5 Stämmer helt och hållet)."""
    inside = [lbl for lbl in r.counts if lbl not in r.outside_labels]
    other = [lbl for lbl in inside if lbl not in r.headline_labels]
    ascending = bool(other) and any(inside.index(lbl) > inside.index(other[0]) for lbl in r.headline_labels if lbl in inside)
    right = list(r.headline_labels) if ascending else list(reversed(r.headline_labels))
    return right, list(reversed(other)) if ascending else other, [*r.outside_labels, NOT_ANSWERED]


def _colour(lbl: str, shades: list[str], rank: int, size: int) -> str:
    if lbl in PALETTE:
        return PALETTE[lbl]
    return shades[min(len(shades) - 1, rank + (len(shades) - size if size < len(shades) else 0))]


def answer_bars(
    results: list[QuestionResult], titles: dict[str, str], xlabel: str = "Procent av alla tillfrågade"
) -> tuple[bytes, str]:
    """Diverging stacked bars: the headline to the right, the rest to the left, answers
    outside the denominator (Vet ej) and non-answers apart.

    Shares are of everyone asked, so the non-answering are visible rather than dropped.
    """
    rows = list(reversed(results))
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(rows) + 1.4))
    colours: dict[str, str] = {}
    for y, r in enumerate(rows):
        labels = [*r.counts, NOT_ANSWERED]
        pct = dict(zip(labels, shares_summing_to_100([*r.counts.values(), r.not_answered])))
        right, left, apart = diverging_sides(r)
        for shades, side, sign in ((RIGHT_SHADES, right, 1), (LEFT_SHADES, left, -1)):
            x = 0.0
            for rank, lbl in enumerate(side):
                colour = colours.setdefault(lbl, _colour(lbl, shades, rank, len(side)))
                ax.barh(y, sign * pct[lbl], left=x, color=colour, edgecolor="white")
                if pct[lbl] >= 6:
                    ax.text(
                        x + sign * pct[lbl] / 2,
                        y,
                        f"{pct[lbl]:.0f}",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="white" if sign > 0 else "black",
                    )
                x += sign * pct[lbl]
        x, notes = 104.0, []
        for lbl in apart:
            colour = colours.setdefault(lbl, PALETTE[NOT_ANSWERED] if lbl == NOT_ANSWERED else OUTSIDE_COLOUR)
            if pct[lbl]:
                ax.barh(y, pct[lbl], left=x, color=colour, edgecolor="white")
                x += pct[lbl]
                notes.append(f"{pct[lbl]:.0f} {'ej svar' if lbl == NOT_ANSWERED else lbl}")
        if notes:
            ax.text(x + 1, y, ", ".join(notes), va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [titles[r.question] for r in rows])
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_xlim(-105, 140)
    ax.set_xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
    ax.set_xlabel(xlabel)
    widest = max(results, key=lambda r: len(r.counts))
    # The legend reads in the scale's own order, whichever way the scale runs.
    order = [*(lbl for lbl in widest.counts if lbl not in widest.outside_labels), *diverging_sides(widest)[2]]
    legend = [lbl for lbl in dict.fromkeys([*order, *colours]) if lbl in colours]
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[lbl]) for lbl in legend]
    # Two rows of a long scale read as pairs (strong, mild) column by column. Above the bars:
    # below them it met the tick labels and the axis title whenever there were few rows.
    ax.legend(
        handles,
        legend,
        ncols=len(legend) if len(legend) <= 4 else -(-len(legend) // 2),
        loc="lower center",
        bbox_to_anchor=(0.45, 1.02),
        frameon=False,
    )
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    alt = (
        "Stapeldiagram över svaren: "
        + "; ".join(
            f"{titles[r.question]}: {r.headline} av {r.population} ({fmt_pct(r.share_of_population)}) "
            f"{' eller '.join(r.headline_labels) if len(r.headline_labels) < 3 else 'alla'}"
            + "".join(f", {r.counts[lbl]} {lbl}" for lbl in r.outside_labels if r.counts.get(lbl))
            + (f", {r.not_answered} ej svar" if r.not_answered else "")
            for r in results
        )
        + "."
    )
    return to_png(fig), alt


def trend_chart(
    table: pd.DataFrame,
    titles: dict[str, str],
    ylabel: str = "Andel av dem som svarat (%)",
    subject: str = "andelen som gett huvudsvaret",
    value_text=fmt_pct,
    ylim: tuple | None = (0, 105),
) -> tuple[bytes, str]:
    """Headline share of those who answered, per period, one line per question.

    `table` has columns question, label (the period's label, in order) and share (0..1);
    the other arguments let any share or percentage over time use the same chart.
    """
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    order = list(dict.fromkeys(table["label"]))
    for i, (qid, part) in enumerate(table.groupby("question", sort=False)):
        ax.plot(
            [order.index(lbl) for lbl in part["label"]],
            part["share"] * 100,
            marker="o",
            color=SEQUENCE[i % len(SEQUENCE)],
            linestyle=["-", "--", ":", "-."][i % 4],
            label=titles[qid],
        )
    ax.set_xticks(range(len(order)), order)
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_ylabel(ylabel)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    fig.tight_layout()
    last = table[table["label"] == order[-1]]
    alt = (
        f"Linjediagram över {subject} per period, {order[0]} till {order[-1]}. Senaste perioden: "
        + "; ".join(f"{titles[r.question]} {value_text(r.share)}" for r in last.itertuples())
        + "."
    )
    return to_png(fig), alt


def funnel_plot(
    f: Funnel, xlabel: str, ylabel: str, scale: float = 100.0, value_text=None, names: dict[str, str] | None = None
) -> tuple[bytes, str]:
    """Every shown unit at (denominator, value) inside its 95 % and 99,8 % control limits.

    The limits are drawn as curves over the range of denominators, the municipal value as
    a horizontal line; units outside 99,8 % get a different marker, not only a colour, and
    only they are labelled (by `names`, else code), so that 200 points stay legible.
    `value_text` formats a share (0..1) for the alt text.
    """
    table = f.table
    value_text = value_text or (lambda v: fmt_pct(v, 1))
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    low, high = max(1.0, float(table["n"].min()) * 0.8), float(table["n"].max()) * 1.1
    grid = np.unique(np.round(np.geomspace(low, high, 200)))
    for (name, (lower, upper)), style in zip(control_limits(grid, f.target, f.phi, f.overdispersed).items(), ("--", "-")):
        label = f"{name} %-gräns"
        ax.plot(grid, lower * scale, color="#555555", linestyle=style, linewidth=1, label=label)
        ax.plot(grid, upper * scale, color="#555555", linestyle=style, linewidth=1)
    ax.axhline(f.target * scale, color=SEQUENCE[1], linewidth=1.4, label="Kommunens värde")
    outside = table["avvikelse"] != ""
    ax.scatter(
        table.loc[~outside, "n"],
        table.loc[~outside, "share"] * scale,
        color=SEQUENCE[0],
        marker="o",
        s=30,
        label="Skolenhet inom gränserna",
        zorder=3,
    )
    if outside.any():
        ax.scatter(
            table.loc[outside, "n"],
            table.loc[outside, "share"] * scale,
            color="#D55E00",
            marker="^",
            s=55,
            label="Skolenhet utanför 99,8 %",
            zorder=4,
        )
        for i, r in enumerate(table[outside].itertuples()):
            # Alternating above and below, so neighbouring labels do not sit on each other.
            ax.annotate(
                (names or {}).get(r.unit, r.unit),
                (r.n, r.share * scale),
                xytext=(5, 6 if i % 2 == 0 else -12),
                textcoords="offset points",
                fontsize=8,
                color="#333333",
            )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    fig.tight_layout()
    up, down = int((table["avvikelse"] == "avviker uppåt").sum()), int((table["avvikelse"] == "avviker nedåt").sum())
    alt = (
        f"Trattdiagram med {len(table)} skolenheter kring kommunens värde {value_text(f.target)}: "
        f"{up + down} ligger utanför 99,8 %-gränserna ({up} uppåt, {down} nedåt)."
    )
    return to_png(fig), alt
