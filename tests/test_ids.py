"""Answers and keys are language-neutral ids, and options are shuffled per trainee
(issues 11 and 12, contract C1).

A choice is saved as its option's letter in the author's order, a matching answer as
{item letter: match letter}, an ordering as item letters. The trainee sees the options
in an order of their own, kept in the answers file."""

from __future__ import annotations

import json

import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.trainee import scoring

OPTIONS = ["Kenya", "Mexico", "Nepal", "Peru", "Chad", "Fiji"]
LEFT = ["UN DESA", "UNHCR", "KNOMAD", "RPW"]
RIGHT = ["stocks", "refugees", "remittances", "costs", "returns"]
ITEMS = ["first", "second", "third", "fourth", "fifth", "sixth"]


@pytest.fixture(autouse=True)
def _outside_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def exercises(book):
    return {
        "single": book.single_choice("s", "Which?", OPTIONS),
        "multiple": book.multiple_choice("m", "Which?", OPTIONS),
        "matching": book.matching("t", "Match", LEFT, RIGHT),
        "ordering": book.ordering("o", "Order", ITEMS),
    }


def shown(exercise) -> list[str]:
    """The option words in the order this trainee sees them."""
    if hasattr(exercise, "control"):
        return list(exercise.control.options)
    return [label for label, _value in exercise.menus[0].options[1:]]


def click_right_answers(ex):
    """Answer each exercise with the mouse, by the words shown, wherever they are."""
    ex["single"].control.selected = [shown(ex["single"]).index("Nepal")]
    ex["multiple"].control.selected = sorted(shown(ex["multiple"]).index(o)
                                             for o in ("Kenya", "Chad"))
    for item, menu in zip(LEFT, ex["matching"].menus):
        words = RIGHT[LEFT.index(item)]
        menu.value = dict(menu.options)[words]
    for position, menu in enumerate(ex["ordering"].menus):
        menu.value = dict(menu.options)[ITEMS[position]]


KEYS = {"single": "C", "multiple": ["A", "E"],
        "matching": {"A": "A", "B": "B", "C": "C", "D": "D"},
        "ordering": list("ABCDEF")}


def test_a_right_answer_clicked_in_shuffled_order_scores_full_and_is_saved_as_ids(tmp_path):
    book = Workbook("ids", folder=tmp_path)
    ex = exercises(book)
    assert any(shown(e) != list(e._shuffled) for e in ex.values()), "nothing was shuffled"
    click_right_answers(ex)
    saved = json.loads(book.store.path.read_text())["answers"]
    assert saved["s"]["value"] == "C"
    assert saved["m"]["value"] == ["A", "E"]
    assert saved["t"]["value"] == {"A": "A", "B": "B", "C": "C", "D": "D"}
    assert saved["o"]["value"] == list("ABCDEF")
    for name, exercise in ex.items():
        assert exercise.grade(KEYS[name]) == exercise.points, name
    # ... and a wrong one does not.
    ex["single"].control.selected = [shown(ex["single"]).index("Peru")]
    assert ex["single"].grade("C") == 0


def test_a_shuffled_display_never_changes_the_key(tmp_path):
    keys = set()
    for trainee in range(6):
        (tmp_path / str(trainee)).mkdir()
        book = Workbook("ids", folder=tmp_path / str(trainee))
        ex = exercises(book)
        # The key in words or in letters: always the same ids, whatever the order shown.
        assert ex["single"]._normalize("Nepal") == "C"
        assert ex["matching"]._normalize({"UNHCR": "refugees"}) == {"B": "B"}
        assert ex["ordering"]._normalize(ITEMS) == list("ABCDEF")
        keys.add(json.dumps([e.definition().get("options") or e.definition().get("right")
                             or e.definition().get("items") for e in ex.values()]))
    assert len(keys) == 1  # the definition (what the grader scores against) is the author's


def test_two_trainees_see_different_orders_and_one_trainee_the_same_after_reopening(tmp_path):
    orders = {}
    for trainee in ("amina", "yusuf"):
        (tmp_path / trainee).mkdir()
        book = Workbook("ids", folder=tmp_path / trainee)
        orders[trainee] = {name: shown(e) for name, e in exercises(book).items()}
        again = Workbook("ids", folder=tmp_path / trainee)  # a new kernel, the same file
        assert {name: shown(e) for name, e in exercises(again).items()} == orders[trainee]
    assert orders["amina"] != orders["yusuf"]


def test_shuffle_false_keeps_the_authors_order(tmp_path):
    book = Workbook("ids", folder=tmp_path)
    bands = ["under 1%", "1% to 5%", "over 5%", "All of the above"]
    assert book.single_choice("b", "Which?", bands, shuffle=False).control.options == bands
    assert shown(book.ordering("o", "Order", ITEMS, shuffle=False)) == ITEMS


def test_answers_files_written_before_ids_still_load(tmp_path):
    """Texts in an old file become ids, in the widget and in the grader's scorer."""
    old = {"format": 1, "workbook": "ids", "answers": {
        "s": {"value": "C", "saved": "2026-11-01T10:00:00+00:00"},
        "t": {"value": {"UN DESA": "stocks", "UNHCR": "refugees"}, "saved": None},
        "o": {"value": ["first", "second", "— choose —", "fourth"], "saved": None}}}
    (tmp_path / "ids.answers.json").write_text(json.dumps(old))
    ex = exercises(Workbook("ids", folder=tmp_path))
    assert ex["single"].value == "C"
    assert ex["matching"].value == {"A": "A", "B": "B"}
    assert ex["ordering"].value == ["A", "B", None, "D", None, None]
    definition = ex["matching"].definition()
    assert scoring.normalize(definition, old["answers"]["t"]["value"]) == {"A": "A", "B": "B"}
    # The file keeps its answers and gains the seed that keeps the order.
    data = json.loads((tmp_path / "ids.answers.json").read_text())
    assert isinstance(data["seed"], int) and data["answers"]["s"]["value"] == "C"


def test_the_recorded_definition_is_in_the_authors_order(tmp_path, monkeypatch):
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("MLD_RECORD_KEYS", str(events))
    book = Workbook("ids", folder=tmp_path)
    q = book.matching("t", "Match", LEFT, RIGHT)
    assert shown(q) == RIGHT  # recording: no shuffle, nothing written
    q.grade({"UN DESA": "stocks", "UNHCR": "refugees", "KNOMAD": "remittances",
             "RPW": "costs"})
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert lines[-1]["key"] == {"A": "A", "B": "B", "C": "C", "D": "D"}
    assert not (tmp_path / "ids.answers.json").exists()
