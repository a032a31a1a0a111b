"""The exercise widgets without a browser: state, saving, restoring, feedback,
plain-Python answering and grading."""

from __future__ import annotations

import json
import re

import ipywidgets as widgets
import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.trainee.exercises import NotGraded

OPTIONS = {"kenya": "Kenya", "mexico": "Mexico", "nepal": "Nepal"}


def ids(words) -> dict:
    """{id: words} for short test words ("a", "1", "US$ 2"): ids may not be one letter or
    a number, so each is prefixed."""
    return {f"item_{n}_" + re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_"): w
            for n, w in enumerate(words)}


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
    # A click is on the option shown with those words: the trainee's order is shuffled.
    "single": ("single_choice", ("q", "Which?", OPTIONS),
               lambda e: setattr(e.control, "selected", [e.order.index(1)]),
               "Mexico", "mexico", "mexico"),
    "multiple": ("multiple_choice", ("q", "Which?", OPTIONS),
                 lambda e: setattr(e.control, "selected",
                                   sorted([e.order.index(0), e.order.index(2)])),
                 ["Kenya", "Nepal"], ["kenya", "nepal"], ["kenya", "nepal"]),
    "numeric": ("numeric", ("q", "How many?"),
                lambda e: setattr(e.control, "value", "304.0"), "304", 304.0, 304.0),
    # Menus hold ids; answers and keys in the option words become ids.
    "matching": ("matching", ("q", "Match", {"un_desa": "UN DESA", "unhcr": "UNHCR"},
                              {"stocks": "stocks", "refugees": "refugees"}),
                 lambda e: [setattr(m, "value", v) for m, v in zip(e.menus,
                                                                    ["stocks", "refugees"])],
                 {"UN DESA": "stocks", "UNHCR": "refugees"},
                 {"un_desa": "stocks", "unhcr": "refugees"},
                 {"un_desa": "stocks", "unhcr": "refugees"}),
    "ordering": ("ordering", ("q", "Order", {"item_b": "b", "item_a": "a", "item_c": "c"}),
                 lambda e: [setattr(m, "value", v)
                            for m, v in zip(e.menus, ["item_a", "item_b", "item_c"])],
                 ["a", "b", "c"], ["item_a", "item_b", "item_c"],
                 ["item_a", "item_b", "item_c"]),
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
    assert "q" not in book.store and saved(book) == {}  # the file holds the shuffle seed only
    n = book.numeric("n", "How many?")
    n.answer("lots")
    assert n.value is None


def test_partial_credit(book):
    # The widget's hidden test uses the course's scoring rules (tests/test_scoring.py).
    m = book.multiple_choice("m", "Which?", {"one": "a", "two": "b", "three": "c",
                                             "four": "d"}, points=2)
    m.answer(["one", "two", "four"])  # right/k - wrong/(n-k) = 2/2 - 1/2
    assert m.grade(["one", "two"]) == 1.0
    m.answer(["one", "two", "three", "four"])  # ticking everything earns nothing
    assert m.grade(["one", "two"]) == 0.0
    o = book.ordering("o", "Order", ids(["x", "y", "z", "w"]), points=2)
    o.answer(["x", "y", "w", "z"])  # 5 of the 6 pairs in the key's order
    assert o.grade(["x", "y", "z", "w"]) == round(2 * 5 / 6, 2)
    t = book.matching("t", "Match", ids(["a", "b"]), {"one": "1", "two": "2"}, points=2)
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
    p = book.single_choice("p", "Which?", OPTIONS, key="nepal", why="Nepal is the example.")
    assert "Check my answer" in [c.description for c in _texts_buttons(p)]
    p.answer("kenya")
    text = capsys.readouterr().out
    assert "✘" in text and "Not correct" in text and "Try again" in text
    p.control.selected = [p.order.index(2)]  # Nepal, wherever it is shown
    assert p.check() == 1.0
    assert "✔" in p.feedback.value and "Correct." in p.feedback.value
    assert "Nepal is the example." in p.feedback.value


def test_every_control_has_a_label(book):
    exercises = [make(book, case) for case in CASES]
    exercises.append(book.reflection("r", "Reflect"))
    exercises.append(book.self_assessment("s", "Rate", ["data", "policy"]))
    exercises.append(book.single_choice("p", "Which?", OPTIONS, key="nepal", why="Asia."))

    def controls(widget):
        for child in getattr(widget, "children", ()):
            yield child
            yield from controls(child)

    buttons = 0
    for exercise in exercises:
        for control in controls(exercise):
            if isinstance(control, (widgets.Button,)):
                assert control.description and control.tooltip
                # as wide as its words in every language, never cut ("Comprobar mi re…")
                assert control.layout.width == "auto", control.description
                buttons += 1
            elif isinstance(control, widgets.ValueWidget) and not isinstance(
                    control, (widgets.HTML, widgets.Label)):
                assert control.description, f"{exercise.id}: {type(control).__name__}"
    assert buttons >= 3  # check, show the answer, show my profile


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
    q.answer("mexico")
    assert "application/vnd.jupyter.widget-view+json" in q._repr_mimebundle_()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bundle = q._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "Answer: “Mexico”" in bundle["text/plain"]


def test_garbage_answers_file_is_kept_aside_with_a_clear_message(tmp_path, capsys):
    (tmp_path / "unit.answers.json").write_text("{ not json")
    book = Workbook("unit", folder=tmp_path)
    assert "unit.answers.json could not be read" in capsys.readouterr().out
    kept = list(tmp_path.glob("unit.answers.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == "{ not json"
    q = book.single_choice("q", "Which?", OPTIONS)
    assert q.value is None and "could not be read" in q.feedback.value
    q.answer("kenya")
    assert reopen(book).single_choice("q", "Which?", OPTIONS).value == "kenya"


def test_a_saved_answer_that_no_longer_fits_is_dropped(tmp_path):
    book = Workbook("unit", folder=tmp_path)
    book.single_choice("q", "Which?", {**OPTIONS, "peru": "Peru"}).answer("peru")
    again = reopen(book).single_choice("q", "Which?", OPTIONS)  # the author removed Peru
    assert again.value is None
    assert saved(book)["q"]["value"] == "peru"  # nothing is deleted from the trainee's file


def test_an_inserted_option_moves_no_saved_answer(tmp_path):
    """Ids, not positions: an option the author inserts first changes no earlier answer."""
    book = Workbook("unit", folder=tmp_path)
    book.single_choice("q", "Which?", OPTIONS).answer("Nepal")
    again = reopen(book).single_choice("q", "Which?", {"chad": "Chad", **OPTIONS})
    assert again.value == "nepal" and again.grade("nepal") == 1


def test_no_answers_are_written_inside_the_course_trees(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    for tree in ("source", "release"):
        folder = tmp_path / tree / "core"
        folder.mkdir(parents=True)
        book = Workbook("unit", folder=folder)
        book.single_choice("q", "Which?", OPTIONS).answer("kenya")
        assert book.exercises["q"].value == "kenya"
        assert not list(folder.iterdir())


def test_code_task_status_and_grade(book, monkeypatch, capsys):
    t = book.code_task("t", points=2)
    t.status(None)
    assert "is not answered" in capsys.readouterr().out
    assert t.grade(48.03, 48.0, tolerance=0.1) == 2
    assert t.grade(["IND", "MEX"], ["IND", "MEX"]) == 2
    assert t.grade(["MEX", "IND"], ["IND", "MEX"]) == 0
    assert t.grade("india", "India") == 2
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotGraded):
        t.status(None)
    with pytest.raises(NotGraded):
        t.grade({"not": "a number"}, 48.0)


def test_status_outside_nbgrader_shows_nothing(book, capsys):
    """The widget's own status line is the one the trainee reads: the test cell's
    q.status() must not repeat it (it used to display a second status line)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    InteractiveShell.instance()  # display() only records outputs inside a shell
    q = book.single_choice("q", "Which?", OPTIONS)
    with capture_output() as shown:
        assert q.status() is None
    assert shown.outputs == [] and shown.stdout == ""

# --- saving is not correctness; literal dollars; practice hints; self-study -------------

def _texts(widget):
    """Every text a trainee can see or hear in a widget tree: HTML, labels, tooltips."""
    for name in ("value", "description", "tooltip", "placeholder", "label"):
        text = getattr(widget, name, None)
        if isinstance(text, str):
            yield text
    for name in ("options",):
        for option in getattr(widget, name, ()) or ():
            yield str(option)
    for child in getattr(widget, "children", ()):
        yield from _texts(child)


def test_saved_has_its_own_tag_and_never_a_tick(book, capsys):
    for case in CASES:
        exercise = make(book, case)
        CASES[case][2](exercise)
        assert 'class="mld-tag">Saved<' in exercise.feedback.value
        assert "✔" not in exercise.feedback.value, case
        book.exercises.clear()
        book.store.clear("q")
    r = book.reflection("r", "Why?", min_words=2)
    r.answer("Because of remittances.")
    assert "Saved" in r.feedback.value and "✔" not in r.feedback.value
    r.status()
    assert "✔" not in capsys.readouterr().out


def test_dollar_signs_never_pair_up_as_maths(book):
    """JupyterLab typesets $...$ in widget text; MathJax never pairs across elements, so
    no text run between tags may hold two dollar signs."""
    import re
    prompt = "A family sends US$ 200 and pays US$ 16 in fees."
    exercises = [
        book.single_choice("a", prompt, ids(["US$ 1 or US$ 2", "none"])),
        book.matching("b", prompt, ids(["Cost of US$ 200 in US$", "other"]),
                      {"x_axis": "x", "y_axis": "y"}),
        book.self_assessment("c", prompt, ["I can price US$ 200 in US$"]),
        book.numeric("d", prompt, key=16, why="US$ 200 × 8% = US$ 16."),
    ]
    exercises[3].show_answer()
    for exercise in exercises:
        html_texts = [t for t in _texts(exercise) if "$" in t and "<" in t]
        assert html_texts, exercise.id
        for text in html_texts:
            for run in re.split(r"<[^>]+>", text):
                assert run.count("$") <= 1, (exercise.id, text)
    # The choice group is not typeset at all: its options stay as written.
    assert "US$ 1 or US$ 2" in exercises[0].control.options


@pytest.mark.parametrize("factory, args, wrong, hint", [
    ("numeric", ("p", "How much?"), {"answer": 150, "key": 144}, "too high"),
    ("numeric", ("p", "How much?"), {"answer": 100, "key": 144}, "too low"),
    ("single_choice", ("p", "Which?", OPTIONS), {"answer": "kenya", "key": "nepal"},
     "another one"),
    ("multiple_choice", ("p", "Which?", OPTIONS),
     {"answer": ["kenya", "mexico"], "key": ["kenya", "nepal"]}, "right: 1 of 2"),
    ("matching", ("p", "Match", ids(["a", "b"]), {"one": "1", "two": "2"}),
     {"answer": {"a": "1", "b": "1"}, "key": {"a": "1", "b": "2"}}, "1 of 2"),
    ("ordering", ("p", "Order", ids(["x", "y", "z"])),
     {"answer": ["y", "x", "z"], "key": ["x", "y", "z"]}, "2 of 3 pairs"),
])
def test_practice_hints_first_then_shows_the_answer(book, factory, args, wrong, hint):
    p = getattr(book, factory)(*args, key=wrong["key"], why="The reason.")
    key_text = p.describe(p._normalize(wrong["key"]))
    # Nothing a trainee sees gives the key away before they ask or try twice.
    assert not [t for t in _texts(p) if key_text in t and "The answer" not in t]
    p.answer(wrong["answer"])
    first = p._plain(p.feedback.value)
    assert hint in first and "Try again" in first
    assert "The reason." not in first and "The answer" not in first
    p.answer(wrong["answer"])
    second = p._plain(p.feedback.value)
    assert f"The answer: {key_text}." in second and "The reason." in second


def test_show_the_answer_button_reveals_answer_and_why(book):
    p = book.numeric("p", "How much?", unit="US$", key=144, why="12 × 12.")
    buttons = {c.description: c for c in _texts_buttons(p)}
    assert set(buttons) == {"Check my answer", "Show the answer"}
    assert "144" not in p.feedback.value
    buttons["Show the answer"].click()
    assert "The answer: 144 US$. 12 × 12." in p._plain(p.feedback.value)


def _texts_buttons(widget):
    for child in getattr(widget, "children", ()):
        if isinstance(child, widgets.Button):
            yield child
        yield from _texts_buttons(child)


def test_author_hint_comes_before_the_generic_one(book):
    p = book.single_choice("p", "Which?", OPTIONS, key="nepal", hint="Think of Asia.")
    p.answer("kenya")
    assert "Think of Asia." in p.feedback.value


@pytest.fixture
def study(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return Workbook("unit", folder=tmp_path, self_study=True)


def test_self_study_checks_against_the_hidden_key_and_keeps_the_score(study, capsys):
    q1 = study.single_choice("q1", "Which?", OPTIONS, points=1)
    q2 = study.numeric("q2", "How many?", points=2, tolerance=1)
    assert [b.description for b in _texts_buttons(q1)] == ["Check my answer"]
    q1.check()
    assert "Choose an answer first" in q1.feedback.value
    q1.answer("kenya")
    q1.check()
    assert "Run the cell just below" in q1.feedback.value  # the key is not known yet
    # The hidden test hands over the key and explanation: nothing printed, nothing earned.
    assert q1.grade("mexico", why="Mexico is the one.") is None
    assert q2.grade(304, tolerance=2, why="UN DESA counts 304 million.") is None
    assert "points" not in capsys.readouterr().out
    # A wrong answer gets the explanation; the score counts it as 0.
    assert "✘" in q1.feedback.value and "Mexico is the one." in q1.feedback.value
    assert study.score_text() == "Your score in this notebook so far: 0 of 3 points."
    q1.control.selected = [q1.order.index(1)]  # Mexico, wherever it is shown
    assert "Check my answer" in q1.feedback.value  # changed: to be checked again
    assert q1.check() == 1.0
    q2.control.value = "302.5"  # within the hidden test's tolerance of 2, not the author's 1
    assert q2.check() == 1.0
    assert "UN DESA counts 304 million." in q2.feedback.value
    assert study.score_text() == "Your score in this notebook so far: 3 of 3 points."
    assert "3 of 3 points" in q2.feedback.value


def test_self_study_progress_shows_the_live_score(study, monkeypatch, capsys):
    shown = []
    monkeypatch.setattr("toolbox_widgets.trainee.workbook.display", shown.append)
    q = study.single_choice("q", "Which?", OPTIONS, points=2)
    study.reflection("r", "Why?", points=3)  # graded by hand: not in the self-study score
    q.grade("nepal")
    study.progress()
    assert shown == [study.score]
    assert "0 of 2 points" in study.score._repr_mimebundle_()["text/plain"]
    q.answer("nepal")
    q.check()
    assert "2 of 2 points" in study.score._repr_mimebundle_()["text/plain"]


def test_class_version_grades_exactly_as_before(book, capsys):
    q = book.single_choice("q", "Which?", OPTIONS, points=2)
    assert [b.description for b in _texts_buttons(q)] == []  # no check in the class version
    q.answer("nepal")
    assert q.grade("nepal", why="Nepal.") == 2
    assert "✔ Exercise q: Correct." in capsys.readouterr().out


def test_self_study_code_task_keeps_its_explanation_until_tried(study, capsys):
    t = study.code_task("t")
    assert t.grade(None, 48.0, why="The share is 48%.") == 0
    assert "48%" not in capsys.readouterr().out
    assert t.grade(48.0, 48.0, why="The share is 48%.") == 1
    assert "The share is 48%." in capsys.readouterr().out


def test_a_number_box_is_wide_enough_beside_a_long_label(book):
    """ipywidgets gives a Text a fixed width, label included: "Su respuesta a q2 (US$ por
    emigrante):" left a box a few letters wide. The box grows with its label instead."""
    q = book.numeric("q", "How many?", unit="US$ per emigrant")
    assert q.control.layout.width == "auto"
    assert q.control.layout.min_width == "max-content"


@pytest.mark.parametrize("case", CASES)
def test_an_unanswered_exercise_shows_the_typing_example_once(book, case):
    """The status line says how to answer with the controls; the typed way is the hint
    line's alone, not repeated in the status."""
    exercise = make(book, case)

    def texts(widget):
        for child in getattr(widget, "children", ()):
            if isinstance(child, widgets.HTML):
                yield child.value
            yield from texts(child)

    shown = " ".join(texts(exercise))
    assert "is not answered yet" in shown
    assert shown.count(f"{exercise.id}.answer(") == 1, shown
