"""Module 1 notebook 2's mainstreaming stepper: five graded steps in the order of the process,
each option with its own "what happens next".

No story may be read before the choice is locked. The stories live only in the hidden tests
(``qN.grade(key, why=..., consequences=qN_next)``), so:

* the class version (release/) holds no story at all, before or after the lock; the story
  of the locked choice reaches the trainee with the grading feedback;
* the self-study version (selfstudy/) tells the locked choice's story, and only that one,
  once the step is locked.

The structure is read from the instructor notebook; the lock is proven on the built
versions, run in this process with a real answers file. That the solutions earn full marks
and that the untouched notebook runs are the shared checks' work (test_notebooks.py)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets import Workbook, tr
from toolbox_widgets.trainee.i18n import use_language

NOTEBOOK = ROOT / "notebooks" / "module1" / "02_coordination_mainstreaming.ipynb"
WORKBOOK = "module1_02_coordination_mainstreaming"
STEPS = ("diagnose", "engage", "plan", "budget", "monitor")
QIDS = ("q1", "q2", "q3", "q4", "q5")
LANGUAGES = {"module1": None, "module1_fr": "fr", "module1_es": "es"}


def _cells():
    return nbformat.read(NOTEBOOK, as_version=4).cells


def _cell(cell_id: str):
    return next(c for c in _cells() if c.get("id") == cell_id)


def _dict_keys(node) -> set[str]:
    return {key.value for key in node.keys}


def _hidden(source: str) -> str:
    """The hidden-tests region of a test cell: what the class version loses."""
    return source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]


def _steps() -> list[dict]:
    """Per stepper exercise: its id, option ids, and the story ids its hidden test hands on."""
    found = []
    for cell in _cells():
        if cell.cell_type != "code" or "lock=True" not in cell.source:
            continue
        step = {}
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "single_choice":
                step["id"] = node.args[0].value
                step["options"] = _dict_keys(node.args[2])
        test = _cell(f"{step['id']}-test").source
        for node in ast.walk(ast.parse(_hidden(test))):
            if isinstance(node, ast.Assign) and node.targets[0].id.endswith("_next"):
                step["stories"] = _dict_keys(node.value)
                step["stories_of"] = node.targets[0].id.removesuffix("_next")
        found.append(step)
    return found


def _stories(language: str | None) -> dict[str, dict[str, str]]:
    """Every step's stories {option: story}, in the language, as the hidden tests write them."""
    use_language(language)
    try:
        stories = {}
        for qid in QIDS:
            namespace = {"tr": tr}
            assignment = next(node for node in ast.parse(_hidden(_cell(f"{qid}-test").source)).body
                              if isinstance(node, ast.Assign))
            exec(compile(ast.Module([assignment], []), "<hidden>", "exec"), namespace)
            stories[qid] = namespace[f"{qid}_next"]
        return stories
    finally:
        use_language(None)


def test_the_stepper_has_the_five_steps_in_the_order_of_the_process():
    steps = _steps()
    assert [s["id"] for s in steps] == list(QIDS)
    titles = [c.source.splitlines()[0] for c in _cells()
              if re.match(r"### Exercise q[1-5]: Step", c.source)]
    assert [re.search(r"Step \d of 5, (\w+)", t).group(1) for t in titles] == list(STEPS)


def test_every_option_of_every_step_has_its_story_in_the_hidden_test():
    for step in _steps():
        assert step.get("stories_of") == step["id"], step
        assert step["stories"] == step["options"], (
            f"{step['id']}: options without a story {step['options'] - step['stories']}, "
            f"stories without an option {step['stories'] - step['options']}")
        hidden = _hidden(_cell(f"{step['id']}-test").source)
        assert f"consequences={step['id']}_next)" in hidden, step["id"]
    outside = [c.get("id") for c in _cells()
               if "_next" in (c.source.replace(_hidden(c.source), "")
                              if "### BEGIN HIDDEN TESTS" in c.source else c.source)]
    assert outside == [], f"a story outside a hidden test: {outside}"


def test_a_hidden_test_without_every_story_stops_the_build(tmp_path):
    book = Workbook(WORKBOOK, folder=tmp_path)
    step = book.single_choice("q1", "Which?", {"stay": "Stay", "leave": "Leave"}, lock=True)
    with pytest.raises(ValueError, match="q1.*'leave'"):
        step.grade("stay", consequences={"stay": "They stay."})


# --- the built versions --------------------------------------------------------------------

def _built(tree: str, assignment: str):
    return nbformat.read(ROOT / tree / assignment / NOTEBOOK.name, as_version=4)


def _all_text(notebook) -> str:
    """The whole notebook as text (sources, outputs, metadata, widget state), plus every
    string of its code as Python reads it (a story split over several literals is whole)."""
    texts = [json.dumps(notebook, ensure_ascii=False)]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            with contextlib.suppress(SyntaxError):
                texts += [node.value for node in ast.walk(ast.parse(cell.source))
                          if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return "\n".join(texts)


def _stepper_cells(notebook) -> list[str]:
    """The code cells from the first step to the last step's test."""
    ids = [c.get("id") for c in notebook.cells]
    chosen = notebook.cells[ids.index("q1-answer"):ids.index("q6-intro")]
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

    for qid in QIDS:
        walk(namespace[qid])
        texts.append(namespace[qid].text_form())
    return "\n".join(texts)


def _run(cells: list[str], namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for source in cells:
            exec(compile(source, "<cell>", "exec"), namespace)
    return out.getvalue()


def _told(stories: dict[str, str], seen: str) -> list[str]:
    return [option for option, story in stories.items() if story in seen]


def _play(tree: str, assignment: str, folder, self_study: bool):
    """Run the stepper of a built version; per step, try every option unlocked, then lock the
    first one. Yields (qid, chosen option, what the trainee could read after the lock)."""
    language = LANGUAGES[assignment]
    cells = _stepper_cells(_built(tree, assignment))
    stories = _stories(language)
    namespace = {"book": Workbook(WORKBOOK, folder=folder, self_study=self_study,
                                  language=language), "tr": tr}
    done = []  # the steps locked so far: in self-study, their stories are told

    def untold(seen: str) -> list:
        return [found for found in _told_any(stories, seen) if found[0] not in done]

    try:
        printed = _run(cells, namespace)
        assert untold(_visible(namespace, printed)) == []
        for qid in QIDS:
            step = namespace[qid]
            for option in step.options:  # every option, as a trainee hunting for a good story
                step.control.selected = [step._position(option)]
                printed = _run([c for c in cells if f"{qid} = book" not in c], namespace)
                assert untold(_visible(namespace, printed)) == [], (qid, option)
                assert step.value is None and qid not in namespace["book"].store
            chosen = next(iter(step.options))
            step.control.selected = [step._position(chosen)]
            step.press_lock()  # as the button does, clicked or pressed with Enter or Space
            assert namespace["book"].store.get(qid) == chosen
            done.append(qid)
            yield qid, chosen, _visible(namespace, ""), stories, namespace
    finally:
        use_language(None)


def _told_any(stories: dict, seen: str) -> list:
    return [(qid, option) for qid, mine in stories.items() for option in _told(mine, seen)]


@pytest.mark.parametrize("assignment", list(LANGUAGES))
def test_no_story_is_anywhere_in_the_class_version(assignment):
    text = _all_text(_built("release", assignment))
    assert _told_any(_stories(LANGUAGES[assignment]), text) == []


@pytest.mark.parametrize("assignment", list(LANGUAGES))
def test_the_class_version_tells_no_story_before_or_after_the_lock(assignment, tmp_path):
    for qid, chosen, seen, stories, ns in _play("release", assignment, tmp_path, False):
        assert _told_any(stories, seen) == [], (qid, chosen)
        assert ns[qid].locked and ns[qid].control.disabled
        other = [o for o in ns[qid].options if o != chosen][0]
        ns[qid].control.selected = [ns[qid]._position(other)]  # after the lock: no change
        ns[qid].answer(other)
        assert ns[qid].value == chosen and ns["book"].store.get(qid) == chosen
    # Reopening (a new kernel, the same answers file): still locked, still no story.
    cells = _stepper_cells(_built("release", assignment))
    reopened = {"book": Workbook(WORKBOOK, folder=tmp_path, language=LANGUAGES[assignment]),
                "tr": tr}
    try:
        printed = _run(cells, reopened)
        for qid in QIDS:
            assert reopened[qid].value == next(iter(reopened[qid].options))
            assert reopened[qid].control.disabled
        assert _told_any(stories, _visible(reopened, printed)) == []
    finally:
        use_language(None)


def test_the_grading_feedback_tells_the_locked_choice_story(tmp_path):
    """What nbgrader runs after submission: the instructor's test cells, hidden tests and all."""
    source = _stepper_cells(_built("source", "module1"))
    tests = {qid: next(c for c in source if c.startswith(f"{qid}.status()")) for qid in QIDS}
    for qid, chosen, _seen, stories, ns in _play("release", "module1", tmp_path, False):
        feedback = _run([tests[qid]], ns)
        assert _told(stories[qid], feedback) == [chosen], (qid, feedback)


@pytest.mark.parametrize("assignment", list(LANGUAGES))
def test_the_self_study_version_tells_the_locked_choice_story_and_no_other(assignment,
                                                                           tmp_path):
    for qid, chosen, seen, stories, _ns in _play("selfstudy", assignment, tmp_path, True):
        assert _told(stories[qid], seen) == [chosen], (qid, chosen)


def test_the_locked_answer_is_what_is_graded(tmp_path):
    from toolbox_widgets.trainee import scoring
    ns = {"book": Workbook(WORKBOOK, folder=tmp_path), "tr": tr}
    _run(_stepper_cells(_built("release", "module1")), ns)
    step = ns["q1"]
    step.control.selected = [step._position("profile")]
    assert scoring.grade(step.definition(), step.value, "profile")[0] == 0  # not locked yet
    step.lock()
    assert scoring.grade(step.definition(), ns["book"].store.get("q1"), "profile")[0] == 1
    wrong = ns["q2"]
    wrong.answer("one_meeting")  # typed in plain Python: chosen and locked in one go
    assert scoring.grade(wrong.definition(), ns["book"].store.get("q2"), "working_group")[0] == 0
