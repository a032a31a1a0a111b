"""The exercise widgets without a browser: state, saving, restoring, feedback,
plain-Python answering and grading."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.exercises import NotGraded

OPTIONS = ["Kenya", "Mexico", "Nepal"]


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return Workbook("unit", folder=tmp_path)


def saved(book) -> dict:
    return json.loads(book.store.path.read_text())["answers"]


def reopen(book) -> Workbook:
    """A new kernel: nothing in memory, only the answers file."""
    return Workbook(book.name, folder=book.store.folder)


# (factory name, args, a click as a function of the exercise, plain answer, key,
#  expected value)
CASES = {
    "single": ("single_choice", ("q", "Which?", OPTIONS),
               lambda e: setattr(e.control, "value", e.control.options[1]),
               "B", "B", "B"),
    "multiple": ("multiple_choice", ("q", "Which?", OPTIONS),
                 lambda e: [setattr(e.boxes[i], "value", True) for i in (0, 2)],
                 ["A", "C"], ["A", "C"], ["A", "C"]),
    "numeric": ("numeric", ("q", "How many?"),
                lambda e: setattr(e.control, "value", "304.0"), "304", 304.0, 304.0),
    "matching": ("matching", ("q", "Match", ["UN DESA", "UNHCR"], ["stocks", "refugees"]),
                 lambda e: [setattr(m, "value", v) for m, v in zip(e.menus, ["stocks",
                                                                              "refugees"])],
                 {"UN DESA": "stocks", "UNHCR": "refugees"},
                 {"UN DESA": "stocks", "UNHCR": "refugees"},
                 {"UN DESA": "stocks", "UNHCR": "refugees"}),
    "ordering": ("ordering", ("q", "Order", ["b", "a", "c"]),
                 lambda e: [setattr(m, "value", v) for m, v in zip(e.menus, "abc")],
                 ["a", "b", "c"], ["a", "b", "c"], ["a", "b", "c"]),
}


def make(book, case):
    factory, args, *_ = CASES[case]
    return getattr(book, factory)(*args)


@pytest.mark.parametrize("case", CASES)
def test_a_click_is_saved_and_survives_a_new_kernel(book, case):
    exercise = make(book, case)
    assert exercise.value is None
    CASES[case][2](exercise)
    expected = CASES[case][5]
    assert exercise.value == expected
    assert saved(book)["q"]["value"] == expected
    again = make(reopen(book), case)
    assert again.value == expected


@pytest.mark.parametrize("case", CASES)
def test_plain_python_answer_equals_a_click(book, case, capsys):
    exercise = make(book, case)
    exercise.answer(CASES[case][3])
    assert exercise.value == CASES[case][5]
    assert "saved your answer" in capsys.readouterr().out
    assert make(reopen(book), case).value == CASES[case][5]


@pytest.mark.parametrize("case", CASES)
def test_grade_full_marks_and_zero(book, case, capsys):
    exercise = make(book, case)
    assert exercise.grade(CASES[case][4]) == 0  # unanswered, outside nbgrader: no raise
    exercise.answer(CASES[case][3])
    assert exercise.grade(CASES[case][4]) == exercise.points
    assert "Correct." in capsys.readouterr().out


@pytest.mark.parametrize("case", CASES)
def test_under_nbgrader_unanswered_fails_in_plain_words(book, case, monkeypatch):
    exercise = make(book, case)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(NotGraded, match="not answered yet"):
        exercise.status()
    with pytest.raises(NotGraded, match="No answer was given"):
        exercise.grade(CASES[case][4])
    assert all("Traceback" not in line for line in NotGraded("x")._render_traceback_())


def test_wrong_plain_python_answer_is_refused_and_not_saved(book, capsys):
    q = book.single_choice("q", "Which?", OPTIONS)
    q.answer("Z")
    assert "could not be used" in capsys.readouterr().out
    assert q.value is None
    assert not book.store.path.exists()
    n = book.numeric("n", "How many?")
    n.answer("lots")
    assert n.value is None


def test_partial_credit(book):
    # The widget's hidden test uses the course's scoring rules (tests/test_scoring.py).
    m = book.multiple_choice("m", "Which?", ["a", "b", "c", "d"], points=2)
    m.answer(["A", "B", "D"])  # right/k - wrong/(n-k) = 2/2 - 1/2
    assert m.grade(["A", "B"]) == 1.0
    m.answer(["A", "B", "C", "D"])  # ticking everything earns nothing
    assert m.grade(["A", "B"]) == 0.0
    o = book.ordering("o", "Order", ["x", "y", "z", "w"], points=2)
    o.answer(["x", "y", "w", "z"])  # 5 of the 6 pairs in the key's order
    assert o.grade(["x", "y", "z", "w"]) == round(2 * 5 / 6, 2)
    t = book.matching("t", "Match", ["a", "b"], ["1", "2"], points=2)
    t.answer({"a": "1", "b": "2"})
    assert t.grade({"a": "1", "b": "1"}) == 1.0  # the key repeats "1": per pair
    assert t.grade({"a": "1", "b": "2"}) == 2.0
    t.answer({"a": "1", "b": "1"})  # one match everywhere, against a one-to-one key
    assert t.grade({"a": "1", "b": "2"}) == 0.0


def test_numeric_tolerance_and_unit(book):
    n = book.numeric("n", "World migrants in 2024?", unit="million", tolerance=1)
    n.control.value = "303.4"
    assert n.grade(304.0) == 1
    assert n.grade(306.0) == 0
    assert n.grade(306.0, tolerance=3) == 1
    for typed, meant in [("3,5", 3.5), ("1,234", 1234.0), ("1.234,5", 1234.5),
                         ("1,234.5", 1234.5), ("304 %", 304.0), ("12 000", 12000.0)]:
        n.control.value = typed
        assert n.value == meant, typed
    n.control.value = "abc"
    assert n.value is None
    assert "not a number" in n.feedback.value
    assert "million" in n.describe(5.0)


def test_practice_feedback_explains_why_without_colour(book, capsys):
    p = book.single_choice("p", "Which?", OPTIONS, key="C", why="Nepal is the example.")
    assert "Check my answer" in [c.description for c in p.children
                                 if isinstance(c, widgets.Button)]
    p.answer("A")
    text = capsys.readouterr().out
    assert "✘" in text and "Not correct" in text and "Nepal is the example." in text
    p.control.value = p.control.options[2]
    assert p.check() == 1.0
    assert "✔" in p.feedback.value and "Correct." in p.feedback.value


def test_every_control_has_a_label(book):
    exercises = [make(book, case) for case in CASES]
    exercises.append(book.reflection("r", "Reflect"))
    exercises.append(book.self_assessment("s", "Rate", ["data", "policy"]))

    def controls(widget):
        for child in getattr(widget, "children", ()):
            yield child
            yield from controls(child)

    for exercise in exercises:
        for control in controls(exercise):
            if isinstance(control, (widgets.Button,)):
                assert control.description and control.tooltip
            elif isinstance(control, widgets.ValueWidget) and not isinstance(
                    control, (widgets.HTML, widgets.Label)):
                assert control.description, f"{exercise.id}: {type(control).__name__}"


def test_reflection_saves_text_and_shows_it_in_text_form(book, capsys):
    r = book.reflection("r", "What matters in your town?", min_words=5)
    r.control.value = "Remittances pay for school fees here."
    assert reopen(book).reflection("r", "x").value == "Remittances pay for school fees here."
    assert "Remittances pay" in r.text_form()
    r.status()
    assert "6 words" in capsys.readouterr().out


def test_self_assessment_draws_a_chart_with_a_text_alternative(book):
    s = book.self_assessment("s", "How sure are you?", ["stocks", "flows"])
    s.scales[0].value = 4
    figure, alt = s.profile_figure()
    assert list(figure.data[0].x) == [4, 0]
    assert "stocks: 4" in alt
    assert reopen(book).self_assessment("s", "x", ["stocks", "flows"]).value == {
        "stocks": 4, "flows": 0}


def test_text_form_under_nbgrader_has_no_widget_view(book, monkeypatch):
    q = book.single_choice("q", "Which?", OPTIONS)
    q.answer("B")
    assert "application/vnd.jupyter.widget-view+json" in q._repr_mimebundle_()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bundle = q._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "Answer: B (Mexico)" in bundle["text/plain"]


def test_garbage_answers_file_is_kept_aside_with_a_clear_message(tmp_path, capsys):
    (tmp_path / "unit.answers.json").write_text("{ not json")
    book = Workbook("unit", folder=tmp_path)
    assert "unit.answers.json could not be read" in capsys.readouterr().out
    kept = list(tmp_path.glob("unit.answers.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == "{ not json"
    q = book.single_choice("q", "Which?", OPTIONS)
    assert q.value is None and "could not be read" in q.feedback.value
    q.answer("A")
    assert reopen(book).single_choice("q", "Which?", OPTIONS).value == "A"


def test_a_saved_answer_that_no_longer_fits_is_dropped(tmp_path):
    book = Workbook("unit", folder=tmp_path)
    book.single_choice("q", "Which?", OPTIONS + ["Peru"]).answer("D")
    again = reopen(book).single_choice("q", "Which?", OPTIONS)  # the author removed D
    assert again.value is None
    assert saved(book)["q"]["value"] == "D"  # nothing is deleted from the trainee's file


def test_no_answers_are_written_inside_the_course_trees(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    for tree in ("source", "release"):
        folder = tmp_path / tree / "core"
        folder.mkdir(parents=True)
        book = Workbook("unit", folder=folder)
        book.single_choice("q", "Which?", OPTIONS).answer("A")
        assert book.exercises["q"].value == "A"
        assert not list(folder.iterdir())


def test_code_task_status_and_grade(book, monkeypatch, capsys):
    t = book.code_task("t", points=2)
    t.status(None)
    assert "not answered yet" in capsys.readouterr().out
    assert t.grade(48.03, 48.0, tolerance=0.1) == 2
    assert t.grade(["IND", "MEX"], ["IND", "MEX"]) == 2
    assert t.grade(["MEX", "IND"], ["IND", "MEX"]) == 0
    assert t.grade("india", "India") == 2
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotGraded):
        t.status(None)
    with pytest.raises(NotGraded):
        t.grade({"not": "a number"}, 48.0)


def test_status_outside_nbgrader_is_a_live_view_of_the_answer(book, monkeypatch):
    shown = []
    monkeypatch.setattr("toolbox_widgets.exercises.display", shown.append)
    q = book.single_choice("q", "Which?", OPTIONS)
    q.status()
    assert shown == [q.feedback]
    assert "not answered yet" in q.feedback._repr_mimebundle_()["text/plain"]
    q.control.value = q.control.options[0]  # the line the trainee sees changes at once
    assert "Saved: A (Kenya)" in q.feedback._repr_mimebundle_()["text/plain"]
