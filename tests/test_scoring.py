"""The scoring rules (issue 11), the same in every module, and the blind strategies that
must earn (about) nothing. scoring.py is pure: these tests need no widget or kernel."""

from __future__ import annotations

from itertools import permutations

import pytest

from toolbox_widgets.trainee import scoring
from toolbox_widgets.trainee.scoring import BLANK, AnswerError, json_safe, normalize, score

OPTIONS = {"one": "Option one", "two": "Option two", "three": "Option three",
           "four": "Option four", "five": "Option five"}
SINGLE = {"kind": "single_choice", "id": "q", "points": 1, "options": OPTIONS}
MULTI = {"kind": "multiple_choice", "id": "q", "points": 2, "options": OPTIONS}
# Ordering and matching answers below are given by the items' words ("a", "w", "1"),
# which are read as their ids, as a trainee typing them would.
ITEMS = ["a", "b", "c", "d", "e"]
ORDER = {"kind": "ordering", "id": "q", "points": 2, "items": {f"item_{i}": i for i in ITEMS}}
LEFT, RIGHT = ["w", "x", "y", "z"], ["1", "2", "3", "4", "5"]
MATCH = {"kind": "matching", "id": "q", "points": 2, "left": {f"item_{i}": i for i in LEFT},
         "right": {f"match_{m}": m for m in RIGHT}}
NUMBER = {"kind": "number", "id": "q", "points": 1, "unit": "million", "tolerance": 1}
CODE = {"kind": "code_task", "id": "t", "points": 1}


def share(definition, value, key, **options) -> float:
    return score(definition, normalize(definition, value), normalize(definition, key),
                 **options)[0]


def test_single_choice_is_all_or_nothing():
    assert share(SINGLE, "three", "three") == 1
    assert share(SINGLE, "option THREE", "three") == 1  # the words, in any case
    assert share(SINGLE, "two", "three") == 0
    assert score(SINGLE, None, "three")[0] == 0


def test_multiple_choice_right_over_k_minus_wrong_over_n_minus_k():
    key = ["one", "three", "four"]  # k = 3 of n = 5
    assert share(MULTI, key, key) == 1
    assert share(MULTI, ["one", "three"], key) == pytest.approx(2 / 3)
    assert share(MULTI, ["one", "three", "four", "two"], key) == pytest.approx(1 - 1 / 2)
    assert share(MULTI, ["one", "two"], key) == 0  # 1/3 - 1/2 is below 0
    assert share(MULTI, ["one", "three", "two"], key) == pytest.approx(2 / 3 - 1 / 2)
    assert share(MULTI, ["two", "five"], key) == 0  # never below 0
    assert share(MULTI, ["one", "three"], list(OPTIONS)) == pytest.approx(2 / 5)


def test_ticking_every_box_earns_nothing():
    for k in range(1, len(OPTIONS)):
        for key in permutations(OPTIONS, k):
            assert share(MULTI, list(OPTIONS), list(key)) == 0


def test_ordering_is_pairwise_agreement():
    assert share(ORDER, ITEMS, ITEMS) == 1
    assert share(ORDER, list(reversed(ITEMS)), ITEMS) == 0
    # Moving the first item to the end breaks only the 4 pairs it is in, of 10.
    assert share(ORDER, ITEMS[1:] + ITEMS[:1], ITEMS) == pytest.approx(6 / 10)
    # Swapping two neighbours breaks one pair.
    assert share(ORDER, ["b", "a", "c", "d", "e"], ITEMS) == pytest.approx(9 / 10)
    # Empty slots place nothing: pairs with an unplaced item do not agree.
    assert share(ORDER, ["a", BLANK, "c", BLANK, BLANK], ITEMS) == pytest.approx(1 / 10)


def test_an_item_fills_one_slot_only():
    # "a" is counted at its first slot only; the second "a" places nothing.
    assert share(ORDER, ["b", "a", "a", "c", "d"], ITEMS) == \
        share(ORDER, ["b", "a", BLANK, "c", "d"], ITEMS)
    assert share(ORDER, ["b", "c", "d", "e", "a"], ITEMS) == pytest.approx(6 / 10)


def test_one_item_in_every_slot_earns_nothing():
    for item in ITEMS:
        assert share(ORDER, [item] * len(ITEMS), ITEMS) == 0


def test_matching_is_per_pair():
    key = {"w": "1", "x": "2", "y": "3", "z": "4"}
    assert share(MATCH, key, key) == 1
    assert share(MATCH, {"w": "1", "x": "2"}, key) == pytest.approx(2 / 4)
    assert share(MATCH, {"w": "1", "x": "2", "y": "4", "z": "3"}, key) == pytest.approx(2 / 4)


def test_the_same_menu_entry_everywhere_earns_nothing():
    key = {"w": "1", "x": "2", "y": "3", "z": "4"}
    for match in RIGHT:
        assert share(MATCH, dict.fromkeys(LEFT, match), key) == 0
    # A match used twice earns nothing for either item; the other pairs still count.
    assert share(MATCH, {"w": "1", "x": "1", "y": "3", "z": "4"}, key) == pytest.approx(2 / 4)


def test_a_key_that_repeats_a_match_is_scored_per_pair():
    key = {"w": "1", "x": "1", "y": "2", "z": "2"}  # e.g. stock / flow
    assert share(MATCH, dict.fromkeys(LEFT, "1"), key) == pytest.approx(2 / 4)
    assert share(MATCH, key, key) == 1


def test_number_within_tolerance():
    assert share(NUMBER, "303,5", 304) == 1
    assert share(NUMBER, 305.5, 304) == 0
    assert share(NUMBER, 305.5, 304, tolerance=2) == 1


def test_code_task_matches_as_before():
    assert score(CODE, 2.04, 2.0, tolerance=0.05)[0] == 1
    assert score(CODE, 2.1, 2.0, tolerance=0.05)[0] == 0
    assert score(CODE, ["PHL", "MEX"], ["PHL", "MEX"])[0] == 1
    assert score(CODE, ["MEX", "PHL"], ["PHL", "MEX"])[0] == 0
    assert score(CODE, "phl ", "PHL")[0] == 1
    assert score(CODE, None, 3)[0] == 0


def test_code_task_values_are_kept_as_json():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert json_safe(pd.Series(["A", "B"])) == ["A", "B"]
    assert json_safe(pd.Index([1, 2])) == [1, 2]
    assert json_safe(np.float64(2.5)) == 2.5 and type(json_safe(np.int64(3))) is int
    assert json_safe({"not": "a number"}) is None
    assert json_safe([[1, 2]]) is None
    assert json_safe(float("nan")) == "nan"


def test_refused_answers_say_why():
    with pytest.raises(AnswerError):
        normalize(SINGLE, "F")  # no sixth option, even in an old file
    with pytest.raises(AnswerError):
        normalize(SINGLE, "six")
    with pytest.raises(AnswerError):
        normalize(MATCH, {"w": "not a match"})
    with pytest.raises(AnswerError):
        normalize(ORDER, ["a"] * 6)


def test_feedback_sentence_and_points():
    earned, text = scoring.grade(MULTI, ["one", "three"], ["one", "three", "four"], why="Because.")
    assert earned == round(2 * 2 / 3, 2)
    assert text.startswith("◐ Exercise q: Partly correct.") and "Because." in text
    assert text.endswith(f"({scoring.points_text(earned)} of 2)")
    assert scoring.grade(SINGLE, None, "three")[0] == 0


def test_answers_files_saved_before_named_ids_keep_their_letters_by_position():
    """Letters were the ids before named ids: letter n is the author's n-th option, so an
    old answers file gives the same choices, and the same score, as before."""
    assert normalize(SINGLE, "C") == "three"
    assert normalize(MULTI, ["E", "A"]) == ["one", "five"]
    assert normalize(ORDER, ["B", "A", None]) == ["item_b", "item_a", None]
    assert normalize(MATCH, {"A": "B", "C": BLANK}) == {"item_w": "match_2"}
    key = ["one", "three", "four"]
    assert share(MULTI, ["A", "C"], key) == share(MULTI, ["one", "three"], key)
    # A key written with letters is noticed, so the build can ask for the ids.
    assert scoring.uses_letters(MULTI, ["A", "three"])
    assert not scoring.uses_letters(MULTI, ["one", "Option three"])
    assert scoring.uses_letters(MATCH, {"item_w": "B"})


@pytest.mark.parametrize("choices, problem", [
    (["Option one", "Option two"], "a list, without ids"),
    ({"a": "Option one", "two": "Option two"}, "'a' cannot be an id"),
    ({"1": "Option one", "two": "Option two"}, "'1' cannot be an id"),
    ({"Lived locally": "Option one"}, "cannot be an id"),
    ({"one": 1}, "not a text"),
])
def test_options_must_be_named_by_ids(choices, problem):
    with pytest.raises(scoring.NamingError) as error:
        scoring.named("q7", choices)
    assert "Exercise q7" in str(error.value) and problem in str(error.value)
    assert "dict of ids and words" in str(error.value)  # the fix


def test_ids_are_unique_within_an_exercise():
    left = scoring.named("q7", {"stock": "A count", "flow": "Moves"}, "items to match")
    with pytest.raises(scoring.NamingError, match="'stock' is used twice"):
        scoring.named("q7", {"stock": "Stock"}, "matches", taken=tuple(left))


def test_an_ordering_hint_counts_pairs_as_the_scorer_does():
    """A practice hint must not describe another rule than the score: one neighbour swap
    of four items leaves five of six pairs in order (not "2 of 4 in the right position")."""
    from toolbox_widgets.trainee import feedback

    key = ["a", "b", "c", "d"]
    assert feedback.hint("ordering", ["b", "a", "c", "d"], key) == (
        "5 of 6 pairs of items are in the right order.")
    assert feedback.hint("ordering", key, key).startswith("6 of 6 pairs")
