"""Grading regression suite: synthetic trainees submit, `mld grade` grades them from a
fresh kernel, and every graded cell must get exactly the expected score.

The trainees answer through the widgets' own change path (see trainees.CLICK).
Each assignment is graded in one `mld grade` run, as an instructor would, so a bad
submission must not stop the others. `mld grade` runs nbgrader's autograde, sandboxed
and in parallel; that it gives stock `nbgrader autograde`'s scores is proven on a fixed
sample of notebooks and these same trainees (test_grade_command.py), so the regression of
every notebook of every module runs with the faster one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import for_every_module, nbgrader
from executions import WORKERS
from nbgrader.api import Gradebook
from trainees import NotebookKey, answer_with_widgets, read_key, write_code_answer

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env

pytestmark = pytest.mark.slow

TIMEOUT = 10  # seconds per cell: the runaway trainee is stopped by this


def _answers(key: NotebookKey, exercises) -> dict[str, str]:
    return {e.exercise_id: e.answer_expr for e in exercises if e.exercise_id}


def _code(folder: Path, key: NotebookKey, exercises, replace=None) -> None:
    for e in exercises:
        if e.code is not None and e.answer_cell:
            write_code_answer(folder / f"{key.name}.ipynb", e.answer_cell, replace or e.code)


def _test_cell(notebook: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(notebook["cells"])
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def perfect(folder, key):
    if not key.auto:
        return {}
    _code(folder, key, key.auto)  # written, then run: the code task saves its value
    answer_with_widgets(folder / f"{key.name}.ipynb", _answers(key, key.auto))
    return {e.grade_id: e.points for e in key.auto}


def blank(folder, key):
    return {e.grade_id: 0.0 for e in key.auto}


def partial(folder, key):
    half = key.auto[: len(key.auto) // 2]
    if not half:
        return blank(folder, key)
    _code(folder, key, half)
    answer_with_widgets(folder / f"{key.name}.ipynb", _answers(key, half))
    done = {e.grade_id for e in half}
    return {e.grade_id: (e.points if e.grade_id in done else 0.0) for e in key.auto}


def wrong_types(folder, key):
    # Plain-Python answers of the wrong type are refused with a message, not saved.
    notebook = folder / f"{key.name}.ipynb"
    answer_with_widgets(notebook, {})
    wrong = {e.exercise_id: "{'a': object}" for e in key.auto if e.exercise_id}
    clicks_refused = [f"{eid}.answer({expr})" for eid, expr in wrong.items()]
    for e in key.auto:
        if e.code is not None:
            write_code_answer(notebook, e.answer_cell,
                              e.code.split("=")[0].strip() + " = {'not': 'a number'}")
    nb = json.loads(notebook.read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                        "execution_count": None, "source": "\n".join(clicks_refused)})
    notebook.write_text(json.dumps(nb))
    return {e.grade_id: 0.0 for e in key.auto}


def garbage_answers_file(folder, key):
    scores = perfect(folder, key)
    (folder / key.answers_file).write_text("{ this is not json ]]")
    # Every answer is gone with the file, the code tasks' saved values too: the grader
    # scores saved answers, never what the notebook computes at grading time.
    return dict.fromkeys(scores, 0.0)


def deleted_test_cell(folder, key):
    scores = perfect(folder, key)
    path = folder / f"{key.name}.ipynb"
    notebook = json.loads(path.read_text())
    del notebook["cells"][_test_cell(notebook, key.auto[0].grade_id)]
    path.write_text(json.dumps(notebook))
    return scores  # nbgrader puts the locked test cell back and grades it


def edited_test_cell(folder, key):
    # A blank trainee who rewrites a test so it passes: the instructor's test wins.
    path = folder / f"{key.name}.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"][_test_cell(notebook, key.auto[0].grade_id)]["source"] = "pass"
    path.write_text(json.dumps(notebook))
    return {e.grade_id: 0.0 for e in key.auto}


def infinite_loop(folder, key):
    # The loop is typed after the last run, before the answer line: no value of the code
    # task was ever saved, so it earns nothing; the kernel is interrupted and every later
    # cell is still graded.
    answer_with_widgets(folder / f"{key.name}.ipynb", _answers(key, key.auto))
    scores = {e.grade_id: e.points for e in key.auto}
    for e in key.auto:
        if e.code is not None:
            write_code_answer(folder / f"{key.name}.ipynb", e.answer_cell,
                              "while True:\n    pass\n" + e.code)
            scores[e.grade_id] = 0.0
    return scores


def not_json(folder, key):
    perfect(folder, key)
    path = folder / f"{key.name}.ipynb"
    path.write_text(path.read_text()[:200])
    return  # cannot be graded; reported, and the others still are


# Every notebook is answered by these trainees...
EVERY_NOTEBOOK = {"perfect": perfect, "blank": blank, "partial": partial}
# ...and these misbehave in one notebook per assignment; their other notebooks are
# missing from the submission, which nbgrader scores zero.
ONE_NOTEBOOK = {
    "wrong-types": wrong_types,
    "garbage-answers": garbage_answers_file,
    "deleted-test-cell": deleted_test_cell,
    "edited-test-cell": edited_test_cell,
    "infinite-loop": infinite_loop,
    "not-json": not_json,
}
TRAINEES = {**EVERY_NOTEBOOK, **ONE_NOTEBOOK}


def assignments(root: Path) -> list[str]:
    """The English assignments: a translation has the same graded cells (test_languages.py
    proves it), so the exact-score regression runs once per notebook, not per language."""
    return sorted(p.name for p in (root / "release").iterdir()
                  if p.is_dir() and not layout.language_of(p.name))


@pytest.fixture(scope="module")
def graded(built_course):
    """Submit every trainee for every assignment, then grade each assignment once."""
    with for_every_module("grading regression"):
        return _submit_and_grade(built_course)


def _submit_and_grade(built_course: Path):
    expected: dict[tuple[str, str, str], dict | None] = {}
    runs = {}
    for assignment in assignments(built_course):
        keys = [read_key(p) for p in sorted((built_course / "source" / assignment).glob("*.ipynb"))]
        target = next(k for k in keys if k.auto)  # the first notebook with graded exercises
        answering = {}
        # Each notebook has its own answers file: the trainees answer side by side.
        with ThreadPoolExecutor(WORKERS) as pool:
            for trainee, behave in TRAINEES.items():
                folder = built_course / "submitted" / trainee / assignment
                shutil.copytree(built_course / "release" / assignment, folder)
                for key in keys:
                    if trainee in EVERY_NOTEBOOK or key is target:
                        answering[trainee, assignment, key.name] = pool.submit(behave, folder, key)
                    else:
                        (folder / f"{key.name}.ipynb").unlink()
                        expected[trainee, assignment, key.name] = {
                            e.grade_id: 0.0 for e in key.auto}
        expected.update({name: job.result() for name, job in answering.items()})
        runs[assignment] = subprocess.run(
            [sys.executable, "-m", "toolbox_widgets.grading", "grade", assignment, "--force",
             f"--set=Execute.timeout={TIMEOUT}"], cwd=built_course, capture_output=True,
            text=True, env=tool_env(), check=False)
    return built_course, expected, runs


def _scores(root: Path, assignment: str, notebook: str, trainee: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(notebook, assignment, trainee)
        return {g.name: g.score for g in submission.grades if g.auto_score is not None
                or g.name in {c.name for c in submission.notebook.grade_cells}}


@pytest.mark.parametrize("trainee", [t for t in TRAINEES if t != "not-json"])
def test_trainee_gets_exact_scores(graded, trainee):
    root, expected, _ = graded
    checked = 0
    for (who, assignment, notebook), scores in expected.items():
        if who != trainee:
            continue
        got = _scores(root, assignment, notebook, trainee)
        for grade_id, points in scores.items():
            assert got[grade_id] == pytest.approx(points), (
                f"{trainee} / {assignment} / {notebook} / {grade_id}: "
                f"got {got[grade_id]}, expected {points}")
            checked += 1
    assert checked, "no graded cell was checked"


def test_a_broken_notebook_is_reported_and_the_rest_graded(graded):
    root, expected, runs = graded
    for assignment, run in runs.items():
        broken_notebooks = [nb for (who, a, nb), scores in expected.items()
                            if who == "not-json" and a == assignment and scores is None]
        assert broken_notebooks
        # Its only notebook is not JSON: the submission is named, with what is wrong and
        # that it scores 0, and every other trainee of the run is graded.
        for notebook in broken_notebooks:
            assert (f"not-json: FAILED: no notebook could be graded ({notebook}.ipynb: not a "
                    "readable notebook: it is not valid JSON") in run.stderr, run.stderr[-3000:]
        assert f"Done: {len(TRAINEES) - 1} graded, 1 failed" in run.stderr, run.stderr[-3000:]
        assert run.returncode == 1  # a failed submission: the instructor's shell sees it
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            scored = {s.student.id: s.score
                      for s in gradebook.find_assignment(assignment).submissions}
        assert not scored.get("not-json"), scored  # never a point it did not earn
        assert scored["perfect"] > scored["partial"] > 0
    submitted = root / "submitted" / "not-json"
    assert any(submitted.rglob("*.ipynb")), "the broken submission itself must be kept"


def test_perfect_trainee_feedback_explains_and_shows_charts(graded):
    root = graded[0]
    for assignment in assignments(root):
        nbgrader("generate_feedback", assignment, "--student=perfect", "--force", cwd=root)
        for page in (root / "feedback" / "perfect" / assignment).glob("*.html"):
            text = page.read_text(encoding="utf-8")
            source = (root / "source" / assignment / f"{page.stem}.ipynb").read_text()
            if ".grade(" in source:
                assert "Correct." in text
            if "show_chart(" in source:
                assert "Chart in words:" in text
                assert "Plotly.newPlot" in text or "plotly-graph-div" in text
                # plotly.js is inside the page, so the chart shows offline (no CDN).
                assert "plotly.js v" in text and 'src="https://cdn.plot.ly' not in text
