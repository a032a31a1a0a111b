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

from toolbox_widgets.course import fair_keys, layout, written_once


OPTIONS = {"one": "one", "two": "two", "three": "three"}


def _cell(kind="single_choice", points=1, in_metadata=1, answer="two", key="two", why="",
          **fields):
    fields = fields or {"options": OPTIONS}
    return {"definition": {"kind": kind, "workbook": "w", "id": "q1", "points": points, **fields},
            "key": key, "why": why, "options": {}, "answer": answer, "points": in_metadata}


def test_agreeing_points_and_keys_pass():
    assert written_once.disagreements("nb.ipynb", {"q1_test": _cell()}) == []


def test_points_that_differ_name_the_notebook_the_exercise_and_the_fix():
    [problem] = written_once.disagreements("nb.ipynb", {"q1_test": _cell(points=2, in_metadata=1)})
    assert "nb.ipynb" in problem and "exercise q1" in problem and "q1_test" in problem
    assert "2 points" in problem and "Make them the same" in problem


def test_a_solution_that_the_key_does_not_accept_is_named():
    [problem] = written_once.disagreements("nb.ipynb", {"q1_test": _cell(answer="one",
                                                                          key="three")})
    assert "solution" in problem and "q1.grade" in problem
    # partial credit is still a disagreement: the solution must earn full marks
    cell = _cell(kind="multiple_choice", answer=["one"], key=["one", "two"],
                 options={**OPTIONS, "four": "four"})
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell})


def test_a_number_within_the_tolerance_agrees():
    cell = _cell(kind="number", answer=12.4, key=12.5, unit="%", tolerance=0.5)
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell}) == []
    cell = _cell(kind="number", answer=13.4, key=12.5, unit="%", tolerance=0.5)
    assert written_once.disagreements("nb.ipynb", {"q1_test": cell})


def test_an_explanation_naming_options_by_letter_is_named():
    cell = _cell(why="B is the argument of this notebook. A and C are wrong, as is option D.")
    [problem] = written_once.disagreements("nb.ipynb", {"q1_test": cell})
    assert "exercise q1" in problem and "'B is'" in problem and "its words" in problem
    # Names and articles that look like letters are not option letters.
    for fine in ("Town A has 8,000 residents born abroad.", "A family fled; City B grew.",
                 "Plan A works best.", "In Annex B, the table gives every figure."):
        assert written_once.letter_references(fine) == [], fine
    for bare in ("B is right.", "A and C are wrong.", "Only B, C and D.", "Option E.",
                 "Right. C mistakes a stock for a flow."):
        assert written_once.letter_references(bare), bare


def _items(keys, lengths=(5, 5, 5, 5)):
    return [{"where": f"nb q{i}", "kind": "single_choice", "lengths": list(lengths), "keys": [k]}
            for i, k in enumerate(keys)]


def test_keys_clustered_on_one_position_are_warned():
    [warning] = fair_keys.warnings("core", _items([3, 3, 3, 2]))
    assert "core" in warning and "position 4: 3" in warning
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


def _tiny_course(root: Path, code_points: int, metadata_points: int, solution: str,
                 options: str = repr(OPTIONS), key: str = "two", why: str = "two") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('from toolbox_widgets import Workbook\nbook = Workbook("tiny")'),
        nbformat.v4.new_code_cell(
            f'q1 = book.single_choice("q1", "Which?", {options}, '
            f'points={code_points})\n### BEGIN SOLUTION\nq1.answer("{solution}")\n'
            "### END SOLUTION\nq1",
            metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                   "grade_id": "q1", "schema_version": 3}}),
        _graded(f'q1.status()\n### BEGIN HIDDEN TESTS\nq1.grade("{key}", why="{why}")\n'
                "### END HIDDEN TESTS", "q1_test", metadata_points),
    ]
    folder = root / "source" / "core"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / "tiny.ipynb")
    return folder / "tiny.ipynb"


@pytest.mark.slow
def test_a_notebook_with_drifted_points_and_key_fails_the_check(tmp_path):
    _tiny_course(tmp_path, code_points=2, metadata_points=1, solution="three")
    problems, keys = written_once.check(tmp_path, ["core"])
    assert len(problems) == 2, problems
    assert any("2 points" in p and "core/tiny.ipynb" in p for p in problems)
    assert any("solution" in p for p in problems)
    assert keys["core"]["tiny.ipynb"]["q1_test"]["answer"] == "three"


@pytest.mark.slow
def test_a_notebook_written_once_passes(tmp_path):
    _tiny_course(tmp_path, code_points=1, metadata_points=1, solution="two")
    problems, _ = written_once.check(tmp_path, ["core"])
    assert problems == []


@pytest.mark.slow
def test_letters_for_ids_and_in_explanations_fail_the_check(tmp_path):
    """A key by letter ("B", the way before named ids) and an explanation that names an
    option by its letter are both named, with the fix."""
    _tiny_course(tmp_path, code_points=1, metadata_points=1, solution="two", key="B",
                 why="B is right: A and C are not.")
    problems, _ = written_once.check(tmp_path, ["core"])
    assert len(problems) == 2, problems
    assert any("names options by letters" in p and "ids" in p for p in problems)
    assert any("explanation names options by letters" in p and "words" in p
               for p in problems)


@pytest.mark.slow
def test_options_given_as_a_list_fail_the_check(tmp_path):
    _tiny_course(tmp_path, code_points=1, metadata_points=1, solution="two",
                 options='["one", "two", "three"]')
    problems, _ = written_once.check(tmp_path, ["core"])
    [problem] = problems
    assert "tiny.ipynb" in problem and "Exercise q1" in problem
    assert "list, without ids" in problem and "dict of ids and words" in problem


@pytest.mark.slow
def test_the_build_command_fails_on_drift(tmp_path):
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path)
    nb = _tiny_course(tmp_path, code_points=2, metadata_points=1, solution="two")
    (tmp_path / "notebooks" / "core").mkdir(parents=True)
    shutil.move(nb, tmp_path / "notebooks" / "core" / nb.name)
    shutil.rmtree(tmp_path / "source")
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                             str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "core/tiny.ipynb, exercise q1" in result.stdout


@pytest.mark.slow
def test_the_real_course_is_written_once_and_its_keys_are_fair():
    modules = [a.name for a in layout.find_assignments(ROOT) if not a.language]
    problems, keys = written_once.check(ROOT, modules)
    assert problems == []
    for module in modules:
        assert fair_keys.warnings(module, fair_keys.choice_items(keys[module])) == []
    assert len(fair_keys.choice_items(keys["core"])) >= 8  # the audit did read Core's items

