"""The grader's side of scoring: reading a submitted answers file as data, and writing the
outputs nbgrader reads, the same as the hidden test gives in a kernel."""

from __future__ import annotations

import json
import os

import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.trainee.exercises import NotGraded
from toolbox_widgets.grading.scores import (MAX_BYTES, AnswersUnreadable, cell_outputs,
                                            read_answers, unreadable_message)


def _file(folder, answers) -> object:
    path = folder / "unit.answers.json"
    path.write_text(json.dumps({"format": 1, "workbook": "unit", "answers": answers}))
    return path


def test_a_submitted_answers_file_is_read_as_data(tmp_path):
    path = _file(tmp_path, {"q1": {"value": "C", "saved": "x"}, "q2": ["A", "B"]})
    assert read_answers(path) == {"q1": "C", "q2": ["A", "B"]}
    assert read_answers(tmp_path / "missing.answers.json") == {}


@pytest.mark.parametrize("bad", ["symlink", "fifo", "folder", "too big", "too deep", "not json",
                                 "not a mapping", "not utf-8"])
def test_a_bad_answers_file_is_refused_in_plain_words(tmp_path, bad):
    path = tmp_path / "unit.answers.json"
    if bad == "symlink":
        real = _file(tmp_path, {"q1": "C"}).rename(tmp_path / "elsewhere.json")
        os.symlink(real, path)  # e.g. to gradebook.db or a root-only file
    elif bad == "fifo":
        os.mkfifo(path)  # opening it would block the grader
    elif bad == "folder":
        path.mkdir()
    elif bad == "too big":
        path.write_text(json.dumps({"answers": {"r1": "x" * MAX_BYTES}}))
    elif bad == "too deep":
        path.write_text('{"answers": {"q1": ' + "[" * 10_000 + "]" * 10_000 + "}}")
    elif bad == "not json":
        path.write_text("{ this is not json ]]")
    elif bad == "not a mapping":
        path.write_text('{"answers": [1, 2]}')
    else:
        path.write_bytes(b'{"answers": {"q1": "\xff"}}')
    with pytest.raises(AnswersUnreadable) as refused:
        read_answers(path)
    message = unreadable_message("ada", path.name, str(refused.value))
    assert "ada" in message and "unit.answers.json" in message and "score 0" in message


def _entry(exercise, key, why="Because.", **options) -> dict:
    return {"definition": exercise.definition(), "key": exercise._normalize(key), "why": why,
            "options": options, "source": ""}


def test_the_grader_writes_what_the_hidden_test_prints(tmp_path, monkeypatch, capsys):
    """One scorer: the grader's outputs carry the hidden test's own sentence and points."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    book = Workbook("unit", folder=tmp_path)
    m = book.multiple_choice("m", "Which?", {"one": "a", "two": "b", "three": "c",
                                             "four": "d", "five": "e"}, points=2)
    m.answer(["one", "two"])
    capsys.readouterr()
    m.status()
    earned = m.grade(["one", "two", "three"], why="Because.")
    printed = capsys.readouterr().out
    outputs, points = cell_outputs(_entry(m, ["one", "two", "three"]), ["one", "two"], 3)
    assert points == earned == round(2 * 2 / 3, 2)
    assert outputs[0]["text"] == printed
    assert outputs[1]["output_type"] == "execute_result"
    assert float(outputs[1]["data"]["text/plain"]) == earned


def test_zero_and_unanswered_are_errors_with_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    book = Workbook("unit", folder=tmp_path)
    q = book.single_choice("q", "Which?", {"one": "a", "two": "b", "three": "c"}, points=1)
    outputs, points = cell_outputs(_entry(q, "three"), "one")
    assert points == 0 and outputs[-1]["output_type"] == "error"
    q.answer("one")
    with pytest.raises(NotGraded) as raised:
        q.grade("three", why="Because.")
    assert outputs[-1]["evalue"] == str(raised.value)
    for saved in (None, "not an option", {"a": object}):
        outputs, points = cell_outputs(_entry(q, "three"), saved)
        assert points == 0 and [o["output_type"] for o in outputs] == ["error"]
        assert "not answered yet" in outputs[0]["evalue"]


def test_a_code_task_is_scored_from_its_saved_value(tmp_path):
    pd = pytest.importorskip("pandas")
    book = Workbook("unit", folder=tmp_path)
    t = book.code_task("t1", "Top three", points=1)
    t.status(pd.Series(["PHL", "MEX", "IND"]))
    saved = json.loads(book.store.path.read_text())["answers"]["t1"]["value"]
    assert saved == ["PHL", "MEX", "IND"]
    entry = {"definition": t.definition(), "key": ["PHL", "MEX", "IND"], "why": "",
             "options": {"tolerance": 0}, "source": ""}
    assert cell_outputs(entry, saved)[1] == 1
    assert cell_outputs(entry, ["MEX", "PHL", "IND"])[1] == 0
    t.status({"not": "a list"})  # cannot be kept: the old value is cleared, not kept
    assert "t1" not in json.loads(book.store.path.read_text())["answers"]


def test_only_test_cells_lose_hidden_tests():
    import nbformat

    from toolbox_widgets.grading.scores import StripHiddenTests

    marks = "x = 1\n### BEGIN HIDDEN TESTS\nq1.grade('C')\n### END HIDDEN TESTS"
    test = nbformat.v4.new_code_cell(marks, metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "q1_test", "points": 1}})
    typed = nbformat.v4.new_code_cell("# ### BEGIN HIDDEN TESTS (a trainee's note)")
    notebook = nbformat.v4.new_notebook(cells=[test, typed])
    StripHiddenTests().preprocess(notebook, {})
    assert test.source == "x = 1" and "BEGIN HIDDEN TESTS" in typed.source
