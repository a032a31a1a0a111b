"""Module 1 notebook 2's mainstreaming stepper: five graded steps in the order of the process,
each option with its own "what happens next", told only once the trainee has locked the step.

The structure is read from the instructor notebook; the lock is proven on the class version
(release/), run in this process with a real answers file. That the solutions earn full marks
and that the untouched notebook runs are the shared checks' work (test_notebooks.py)."""

from __future__ import annotations

import ast
import contextlib
import io
import re

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets import Workbook

NOTEBOOK = ROOT / "notebooks" / "module1" / "02_coordination_mainstreaming.ipynb"
RELEASE = ROOT / "release" / "module1" / NOTEBOOK.name
WORKBOOK = "module1_02_coordination_mainstreaming"
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


def test_every_step_hands_its_stories_to_its_own_widget():
    for step in _steps():
        source = _cells()[step["index"]].source
        assert f"consequences={step['id']}_next)" in source, step["id"]
    assert not any("_next[" in c.source for c in _cells()), "a cell tells a story by itself"


# --- the lock, on the class version ------------------------------------------------------

def _stepper_cells() -> list[str]:
    """The class version's code cells from the first step to the last step's test."""
    cells = nbformat.read(RELEASE, as_version=4).cells
    ids = [c.get("id") for c in cells]
    chosen = cells[ids.index("q1-answer"):ids.index("q6-intro")]
    return [c.source for c in chosen if c.cell_type == "code"]


def _visible(namespace: dict, printed: str) -> str:
    """Everything a trainee can read of the stepper: what the cells printed, every widget's
    words, and the text JupyterLab shows in place of a widget."""
    texts = [printed]

    def walk(widget):
        for name in ("value", "description", "label", "tooltip"):
            text = getattr(widget, name, None)
            if isinstance(text, str):
                texts.append(text)
        for child in getattr(widget, "children", ()):
            walk(child)

    for qid in ("q1", "q2", "q3", "q4", "q5"):
        walk(namespace[qid])
        texts.append(namespace[qid].text_form())
    return "\n".join(texts)


def _run(cells: list[str], namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for source in cells:
            exec(compile(source, "<cell>", "exec"), namespace)
    return out.getvalue()


@pytest.fixture()
def class_stepper(tmp_path):
    from toolbox_widgets import tr
    cells = _stepper_cells()
    namespace = {"book": Workbook(WORKBOOK, folder=tmp_path), "tr": tr}
    _run(cells, namespace)
    return cells, namespace, tmp_path


def test_the_class_version_tells_no_story_before_the_choice_is_locked(class_stepper):
    cells, ns, folder = class_stepper
    for qid in ("q1", "q2", "q3", "q4", "q5"):
        step, stories = ns[qid], ns[f"{qid}_next"]
        for option in step.options:  # try every option, as a trainee hunting for a good story
            step.control.selected = [step._position(option)]
            printed = _run([c for c in cells if f"{qid} = book" not in c], ns)
            seen = _visible(ns, printed)
            assert not [s for s in stories.values() if s in seen], (qid, option)
            assert step.value is None and qid not in ns["book"].store  # nothing saved yet
        chosen = next(iter(step.options))
        step.control.selected = [step._position(chosen)]
        step.press_lock()  # as the button does, clicked or pressed with Enter or Space
        seen = _visible(ns, "")
        assert stories[chosen] in seen
        assert [s for s in stories.values() if s in seen] == [stories[chosen]]
        other = [o for o in step.options if o != chosen][0]
        step.control.selected = [step._position(other)]  # after the lock: changes nothing
        step.answer(other)
        assert step.value == chosen and ns["book"].store.get(qid) == chosen
    # The lock survives reopening: a new kernel reads the same answers file.
    reopened = {"book": Workbook(WORKBOOK, folder=folder), "tr": ns["tr"]}
    _run(cells, reopened)
    for qid in ("q1", "q2", "q3", "q4", "q5"):
        chosen = next(iter(ns[qid].options))
        assert reopened[qid].value == chosen and reopened[qid].control.disabled
        assert reopened[f"{qid}_next"][chosen] in _visible(reopened, "")


def test_the_locked_answer_is_what_is_graded(class_stepper):
    from toolbox_widgets.trainee import scoring
    ns = class_stepper[1]
    step = ns["q1"]
    step.control.selected = [step._position("profile")]
    assert scoring.grade(step.definition(), step.value, "profile")[0] == 0  # not locked yet
    step.lock()
    assert scoring.grade(step.definition(), ns["book"].store.get("q1"), "profile")[0] == 1
    wrong = ns["q2"]
    wrong.answer("one_meeting")  # typed in plain Python: chosen and locked in one go
    assert scoring.grade(wrong.definition(), ns["book"].store.get("q2"), "working_group")[0] == 0
