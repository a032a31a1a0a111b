"""Module 1 notebook 2's mainstreaming stepper: five graded steps in the order of the process,
each option with its own "what happens next", told by the cell under the step.

Reads the instructor notebook only (no kernel), so it is fast. That the solutions earn full
marks and that the untouched notebook runs are the shared checks' work (test_notebooks.py)."""

from __future__ import annotations

import ast
import re

import nbformat
from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "module1" / "02_coordination_mainstreaming.ipynb"
STEPS = ("diagnose", "engage", "plan", "budget", "monitor")


def _cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _dict_keys(node) -> set[str]:
    return {key.value for key in node.keys}


def _steps() -> list[dict]:
    """Per stepper exercise: its id, option ids, story ids, and the index of its cells."""
    found = []
    for index, cell in enumerate(_cells()):
        if cell.cell_type != "code" or "_next = {" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        step = {"index": index}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "single_choice":
                step["id"] = node.args[0].value
                step["options"] = _dict_keys(node.args[2])
            if isinstance(node, ast.Assign) and node.targets[0].id.endswith("_next"):
                step["stories"] = _dict_keys(node.value)
                step["stories_of"] = node.targets[0].id.removesuffix("_next")
        found.append(step)
    return found


def test_the_stepper_has_the_five_steps_in_the_order_of_the_process():
    steps = _steps()
    assert [s["id"] for s in steps] == ["q1", "q2", "q3", "q4", "q5"]
    titles = [c.source.splitlines()[0] for c in _cells()
              if re.match(r"### Exercise q[1-5]: Step", c.source)]
    assert [re.search(r"Step \d of 5, (\w+)", t).group(1) for t in titles] == list(STEPS)


def test_every_option_of_every_step_has_its_story():
    for step in _steps():
        assert step["stories_of"] == step["id"], step
        assert step["stories"] == step["options"], (
            f"{step['id']}: options without a story {step['options'] - step['stories']}, "
            f"stories without an option {step['stories'] - step['options']}")


def test_the_story_is_told_under_its_own_step_and_only_there():
    cells = _cells()
    for step in _steps():
        after = [c.source for c in cells[step["index"] + 1:step["index"] + 3]]
        qid = step["id"]
        assert f"{qid}.status()" in after[0]  # the graded test cell follows the exercise
        assert f"{qid}_next[{qid}.value]" in after[1] and f"if {qid}.value is None" in after[1]
