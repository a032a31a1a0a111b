"""Answers and keys are language-neutral ids, and options are shuffled per trainee
(issues 11 and 12, contract C1).

A choice is saved as its option's id (a name the author gives it), a matching answer as
{item id: match id}, an ordering as item ids. The trainee sees the options in an order
of their own, kept in the answers file."""

from __future__ import annotations

import json

import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.trainee import scoring

OPTIONS = ["Kenya", "Mexico", "Nepal", "Peru", "Chad", "Fiji"]
LEFT = ["UN DESA", "UNHCR", "KNOMAD", "RPW"]
RIGHT = ["stocks", "refugees", "remittances", "costs", "returns"]
ITEMS = ["first", "second", "third", "fourth", "fifth", "sixth"]


def ids(words):
    """{id: words}: the id is the words in lower case, spaces as _."""
    return {w.lower().replace(" ", "_"): w for w in words}


@pytest.fixture(autouse=True)
def _outside_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def exercises(book):
    return {
        "single": book.single_choice("s", "Which?", ids(OPTIONS)),
        "multiple": book.multiple_choice("m", "Which?", ids(OPTIONS)),
        "matching": book.matching("t", "Match", ids(LEFT), ids(RIGHT)),
        "ordering": book.ordering("o", "Order", ids(ITEMS)),
    }


def shown(exercise) -> list[str]:
    """The option words in the order this trainee sees them."""
    if hasattr(exercise, "control"):
        return list(exercise.control.options)
    return [label for label, _value in exercise.menus[0].options[1:]]


def shown_ids(exercise) -> list[str]:
    """The ids of the options, in the order this trainee sees them."""
    return list(ids(shown(exercise)))


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


MATCHED = {"un_desa": "stocks", "unhcr": "refugees", "knomad": "remittances", "rpw": "costs"}
KEYS = {"single": "nepal", "multiple": ["kenya", "chad"], "matching": MATCHED,
        "ordering": list(ids(ITEMS))}


def test_a_right_answer_clicked_in_shuffled_order_scores_full_and_is_saved_as_ids(tmp_path):
    book = Workbook("ids", folder=tmp_path)
    ex = exercises(book)
    assert any(shown_ids(e) != list(e._shuffled) for e in ex.values()), "nothing was shuffled"
    click_right_answers(ex)
    saved = json.loads(book.store.path.read_text())["answers"]
    assert saved["s"]["value"] == "nepal"
    assert saved["m"]["value"] == ["kenya", "chad"]
    assert saved["t"]["value"] == MATCHED
    assert saved["o"]["value"] == list(ids(ITEMS))
    for name, exercise in ex.items():
        assert exercise.grade(KEYS[name]) == exercise.points, name
    # ... and a wrong one does not.
    ex["single"].control.selected = [shown(ex["single"]).index("Peru")]
    assert ex["single"].grade("nepal") == 0


def test_a_shuffled_display_never_changes_the_key(tmp_path):
    keys = set()
    for trainee in range(6):
        (tmp_path / str(trainee)).mkdir()
        book = Workbook("ids", folder=tmp_path / str(trainee))
        ex = exercises(book)
        # The key in words or in ids: always the same ids, whatever the order shown.
        assert ex["single"]._normalize("Nepal") == ex["single"]._normalize("nepal") == "nepal"
        assert ex["matching"]._normalize({"UNHCR": "refugees"}) == {"unhcr": "refugees"}
        assert ex["ordering"]._normalize(ITEMS) == list(ids(ITEMS))
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
    bands = {"under_1": "under 1%", "from_1_to_5": "1% to 5%", "over_5": "over 5%",
             "all": "All of the above"}
    assert (list(book.single_choice("b", "Which?", bands, shuffle=False).control.options)
            == list(bands.values()))
    assert shown(book.ordering("o", "Order", ids(ITEMS), shuffle=False)) == ITEMS


def test_answers_files_written_before_ids_still_load(tmp_path):
    """Texts in an old file become ids, in the widget and in the grader's scorer."""
    old = {"format": 1, "workbook": "ids", "answers": {
        "s": {"value": "Nepal", "saved": "2026-11-01T10:00:00+00:00"},
        "t": {"value": {"UN DESA": "stocks", "UNHCR": "refugees"}, "saved": None},
        "o": {"value": ["first", "second", "— choose —", "fourth"], "saved": None}}}
    (tmp_path / "ids.answers.json").write_text(json.dumps(old))
    ex = exercises(Workbook("ids", folder=tmp_path))
    assert ex["single"].value == "nepal"
    assert ex["matching"].value == {"un_desa": "stocks", "unhcr": "refugees"}
    assert ex["ordering"].value == ["first", "second", None, "fourth", None, None]
    definition = ex["matching"].definition()
    assert scoring.normalize(definition, old["answers"]["t"]["value"]) == {
        "un_desa": "stocks", "unhcr": "refugees"}
    # The file keeps its answers and gains the seed that keeps the order.
    data = json.loads((tmp_path / "ids.answers.json").read_text())
    assert isinstance(data["seed"], int) and data["answers"]["s"]["value"] == "Nepal"


def test_answers_files_saved_with_letters_keep_every_choice(tmp_path):
    """Before named ids, answers were saved as letters in the author's order: letter n is
    the n-th option. Such a file shows and grades the same choices now."""
    old = {"format": 1, "workbook": "ids", "answers": {
        "s": {"value": "C", "saved": None},
        "m": {"value": ["A", "E"], "saved": None},
        "t": {"value": {"A": "A", "B": "B", "C": "C", "D": "D"}, "saved": None},
        "o": {"value": ["A", "B", None, "D", "C", "F"], "saved": None}}}
    (tmp_path / "ids.answers.json").write_text(json.dumps(old))
    ex = exercises(Workbook("ids", folder=tmp_path))
    assert ex["single"].value == "nepal"
    assert ex["multiple"].value == ["kenya", "chad"]
    assert ex["matching"].value == MATCHED
    assert ex["ordering"].value == ["first", "second", None, "fourth", "third", "sixth"]
    for name in ("single", "multiple", "matching"):
        assert ex[name].grade(KEYS[name]) == ex[name].points, name
    # The grader reads the submitted file, not the widget: the same ids there.
    definition = ex["multiple"].definition()
    assert scoring.normalize(definition, ["A", "E"]) == ["kenya", "chad"]


def test_the_recorded_definition_is_in_the_authors_order(tmp_path, monkeypatch):
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("MLD_RECORD_KEYS", str(events))
    book = Workbook("ids", folder=tmp_path)
    q = book.matching("t", "Match", ids(LEFT), ids(RIGHT))
    assert shown(q) == RIGHT  # recording: no shuffle, nothing written
    q.grade({"UN DESA": "stocks", "UNHCR": "refugees", "KNOMAD": "remittances",
             "RPW": "costs"})
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert lines[-1]["key"] == MATCHED and lines[-1]["letters"] is False
    assert not (tmp_path / "ids.answers.json").exists()
