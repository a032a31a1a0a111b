"""The rules that bind a written figure and its hedge to its value (tests/fact_rules.py)."""

import pytest
from fact_rules import Cited, figures, holds, read, same_claim


@pytest.mark.parametrize(("claim", "true", "false"), [
    ("6.92%", [6.9197, 6.924], [6.926, 6.91]),
    ("279 corridors", [279, 278.6], [280, 278]),
    ("USD 647 billion", [647.3e9], [648e9, 640e9]),
    ("about 300 million", [304e6, 286e6], [320e6, 284e6]),
    ("about a quarter", [0.238, 0.26], [0.22, 0.28]),
    ("almost 0.4 million", [0.39e6, 0.381e6], [0.41e6, 0.37e6, 0.4e6]),
    ("nearly one in five", [0.19], [0.21, 0.18]),
    ("more than half", [0.53, 0.556], [0.5, 0.49, 0.7]),
    ("over 100%", [100.003], [99.9, 120]),
    ("less than 3%", [2.9], [3.0, 2.0]),
    ("at least 10", [10, 11], [9.9, 12]),
    ("roughly doubled", [1.98, 2.09], [1.8, 2.2]),
    ("about two-thirds", [0.66], [0.6]),
])
def test_a_claim_holds_only_for_values_its_words_describe(claim, true, false):
    for value in true:
        assert holds(claim, value), f"{claim!r} should hold for {value}"
    for value in false:
        assert not holds(claim, value), f"{claim!r} should not hold for {value}"


def test_the_hedge_is_read_before_the_number():
    assert read("just under 5%").hedge == "almost"
    assert read("more than 200 million").number == 200e6
    assert read("one in 10").number == pytest.approx(0.1)
    with pytest.raises(ValueError):
        read("many")


def test_a_cited_figure_must_keep_its_publishers_hedge():
    cited = Cited("more than 200 million", "a publisher")
    assert same_claim("more than 200 million", cited)
    assert not same_claim("about 200 million", cited)
    assert not same_claim("more than 250 million", cited)


@pytest.mark.parametrize("text", [
    "In mid-2024 and 2016Q2–2025Q1", "see notebook 3 and section 4.2", "GCM objectives 10 and 7",
    "SDG target 10.c", "about 60–75 min", "exercise q3 (2 points)", "resolution A/RES/71/256",
    "17 December 2018", "## 4. Costs", "> 1. Who counted it?", "COVID-19", "USD 200",
    "Rate it from 1 = not at all to 5 = fully",
])
def test_names_dates_and_course_numbers_are_not_figures(text):
    assert figures(text) == [], [m.group() for m in figures(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("about 304 million migrants", ["304"]), ("6.92% in 2025", ["6.92"]),
    ("more than half of them", ["half"]), ("42,000 residents", ["42,000"]),
    ("has roughly doubled since 1990", ["doubled"]),
    ("about two-thirds of refugees", ["two-thirds"]),
])
def test_figures_are_found(text, found):
    assert [m.group() for m in figures(text)] == found
