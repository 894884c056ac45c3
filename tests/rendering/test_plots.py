"""Charts: the diverging answer bars put the mildest answers next to the centre whichever
way a scale runs, and every figure carries its text alternative."""

from __future__ import annotations

from elevhalsa_analysis.indicators import NOT_ANSWERED, QuestionResult
from elevhalsa_analysis.plots import answer_bars, diverging_sides, figure_html

FIVE = ["1 Stämmer inte alls", "2", "3", "4", "5 Stämmer helt och hållet"]
FOUR = ["Helt och hållet", "Till stor del", "Till viss del", "Inte alls"]


def result(labels: list[str], headline: tuple[str, ...], outside: tuple[str, ...] = ()) -> QuestionResult:
    counts = {lbl: 10 + i for i, lbl in enumerate([*labels, *outside])}
    answered = sum(counts[lbl] for lbl in labels)
    return QuestionResult("q", "p", answered + 5 + sum(counts[lbl] for lbl in outside), answered, counts, 21, headline, outside)


def test_a_scale_rising_to_its_headline_is_read_from_the_centre_out():
    right, left, apart = diverging_sides(result(FIVE, ("4", "5 Stämmer helt och hållet"), ("Vet ej",)))
    assert right == ["4", "5 Stämmer helt och hållet"]
    assert left == ["3", "2", "1 Stämmer inte alls"]
    assert apart == ["Vet ej", NOT_ANSWERED]


def test_a_scale_falling_from_its_headline_is_read_from_the_centre_out():
    right, left, _ = diverging_sides(result(FOUR, ("Helt och hållet", "Till stor del")))
    assert right == ["Till stor del", "Helt och hållet"]
    assert left == ["Till viss del", "Inte alls"]


def test_answer_bars_say_in_words_what_the_bars_show():
    png, alt = answer_bars([result(FIVE, ("4", "5 Stämmer helt och hållet"), ("Vet ej",))], {"q": "Barnet trivs"})
    assert png.startswith(b"\x89PNG")
    assert "Barnet trivs: 21 av" in alt and "4 eller 5 Stämmer helt och hållet" in alt and "Vet ej" in alt
    assert 'alt="Bilden &lt;b&gt;"' in figure_html(png, "Bilden <b>", "Text")
