"""Each exercise is written once: the build fails when its points or its key, written twice,
disagree; and the fair-key audit warns when keys give themselves away."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets.course import fair_keys, written_once


def _cell(kind="single_choice", points=1, in_metadata=1, answer="B", key="B", **fields):
    fields = fields or {"options": ["one", "two", "three"]}
    return {"definition": {"kind": kind, "workbook": "w", "id": "q1", "points": points, **fields},
            "key": key, "why": "", "options": {}, "answer": answer, "points": in_metadata}


def test_agreeing_points_and_keys_pass():
    assert written_once.disagreements("nb.ipynb", {"q1_test": _cell()}) == []


def test_points_that_differ_name_the_notebook_the_exercise_and_the_fix():
    [problem] = written_once.disagreements("nb.ipynb", {"q1_test": _cell(points=2, in_metadata=1)})
    assert "nb.ipynb" in problem and "exercise q1" in problem and "q1_test" in problem
    assert "2 points" in problem and "Make them the same" in problem


def test_a_solution_that_the_key_does_not_accept_is_named():
    [problem] = written_once.disagreements("nb.ipynb", {"q1_test": _cell(answer="A", key="C")})
    assert "solution" in problem and "q1.grade" in problem
    # partial credit is still a disagreement: the solution must earn full marks
    cell = _cell(kind="multiple_choice", answer=["A"], key=["A", "B"],
                 options=["one", "two", "three", "four"])
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell})


def test_a_number_within_the_tolerance_agrees():
    cell = _cell(kind="number", answer=12.4, key=12.5, unit="%", tolerance=0.5)
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell}) == []
    cell = _cell(kind="number", answer=13.4, key=12.5, unit="%", tolerance=0.5)
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell})


def _items(keys, lengths=(5, 5, 5, 5)):
    return [{"where": f"nb q{i}", "kind": "single_choice", "lengths": list(lengths), "keys": [k]}
            for i, k in enumerate(keys)]


def test_keys_clustered_on_one_position_are_warned():
    [warning] = fair_keys.warnings("core", _items([3, 3, 3, 2]))
    assert "core" in warning and "D: 3" in warning
    assert fair_keys.warnings("core", _items([0, 3, 1, 2, 2])) == []


def test_keys_that_are_the_longest_option_are_warned():
    items = _items([0, 1, 2, 3], lengths=(5, 5, 5, 5))
    for item in items:
        item["lengths"][item["keys"][0]] = 40
    warnings = fair_keys.warnings("core", items)
    assert any("longest option" in w for w in warnings)
    items[0]["lengths"] = [40, 5, 5, 5]
    items[1]["lengths"] = [40, 5, 5, 5]
    items[2]["lengths"] = [40, 5, 5, 5]
    assert not any("longest option" in w for w in fair_keys.warnings("core", items))


# --- with a kernel: the recording is what the build reads --------------------------------------

def _graded(source, grade_id, points):
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": points,
        "grade_id": grade_id, "schema_version": 3}})


def _tiny_course(root: Path, code_points: int, metadata_points: int, solution: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('from toolbox_widgets import Workbook\nbook = Workbook("tiny")'),
        nbformat.v4.new_code_cell(
            f'q1 = book.single_choice("q1", "Which?", ["one", "two", "three"], '
            f'points={code_points})\n### BEGIN SOLUTION\nq1.answer("{solution}")\n'
            "### END SOLUTION\nq1",
            metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                   "grade_id": "q1", "schema_version": 3}}),
        _graded('q1.status()\n### BEGIN HIDDEN TESTS\nq1.grade("B", why="two")\n'
                "### END HIDDEN TESTS", "q1_test", metadata_points),
    ]
    folder = root / "source" / "core"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "tiny.ipynb")
    return folder / "tiny.ipynb"


@pytest.mark.slow
def test_a_notebook_with_drifted_points_and_key_fails_the_check(tmp_path):
    _tiny_course(tmp_path, code_points=2, metadata_points=1, solution="C")
    problems, keys = written_once.check(tmp_path, ["core"])
    assert len(problems) == 2, problems
    assert any("2 points" in p and "core/tiny.ipynb" in p for p in problems)
    assert any("solution" in p for p in problems)
    assert keys["core"]["tiny.ipynb"]["q1_test"]["answer"] == "C"


@pytest.mark.slow
def test_a_notebook_written_once_passes(tmp_path):
    _tiny_course(tmp_path, code_points=1, metadata_points=1, solution="B")
    problems, _ = written_once.check(tmp_path, ["core"])
    assert problems == []


@pytest.mark.slow
def test_the_build_command_fails_on_drift(tmp_path):
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path)
    nb = _tiny_course(tmp_path, code_points=2, metadata_points=1, solution="B")
    (tmp_path / "notebooks" / "core").mkdir(parents=True)
    shutil.move(nb, tmp_path / "notebooks" / "core" / nb.name)
    shutil.rmtree(tmp_path / "source")
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                             str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "core/tiny.ipynb, exercise q1" in result.stdout


@pytest.mark.slow
def test_the_real_core_is_written_once_and_its_keys_are_fair():
    problems, keys = written_once.check(ROOT, ["core"])
    assert problems == []
    assert fair_keys.warnings("core", fair_keys.choice_items(keys["core"])) == []
    assert len(fair_keys.choice_items(keys["core"])) >= 8  # the audit did read Core's items

