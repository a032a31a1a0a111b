"""Grades no trainee code can forge (issue 10, part 1).

Each tamper below is code a hostile trainee adds at the top of an answer cell (or in a
new cell of the 0-point overview, or as a file next to the notebook). Every tampered
submission, started from a blank and from a partial submission, must score EXACTLY
what the same submission scores without the tamper, under `mld grade` (sandboxed) and
under plain `nbgrader autograde` configured by the course's nbgrader_config.py. Before
this change, most of them earned full marks. And the keys never reach a file that
trainee code could read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from graded_class import NOTEBOOKS, stock_autograde, stock_copies, submit_answered
from test_grade_command import TIMEOUT, all_scores, mld_grade, submit

from toolbox_widgets.course.build import tool_env
from toolbox_widgets.grading.keys import cache_folder, recorded_keys

pytestmark = pytest.mark.slow

# Patch the exercise classes so every test passes.
PATCH_CLASSES = '''
import toolbox_widgets.trainee.exercises as _e, toolbox_widgets.trainee.code_task as _c
_e.Exercise.grade = lambda self, *a, **k: float(self.points)
_e.Exercise.status = lambda self, *a, **k: print("ok")
_c.CodeTask.grade = lambda self, *a, **k: float(self.points)
_c.CodeTask.status = lambda self, *a, **k: print("ok")
'''

# Patched builtins: every number is within tolerance, every rounded score is 2 points.
# (Patching max or min too stops the kernel itself, under stock nbgrader a failed
# submission rather than a forged one.)
PATCH_BUILTINS = '''
import builtins
builtins.abs = lambda x: 0
builtins.round = lambda x, *a: 2.0 if isinstance(x, float) else x
'''

# An input transformer that blanks every test cell: no error, so full points.
BLANK_TESTS = '''
def _blank(lines):
    return ["pass\\n"] if any(".status(" in line for line in lines) else lines
get_ipython().input_transformers_post.append(_blank)
'''

# One that feeds each hidden test's own key back as the answer, output looking normal:
# the visible status line goes, and q.grade(key) first answers with its own key.
FEED_KEY = '''
from toolbox_widgets.trainee.exercises import Exercise as _E
def _feed(self, key, *a, **k):
    self._show(self._normalize(key))
    return _E._real_grade(self, key, *a, **k)
_E._real_grade, _E.grade = _E.grade, _feed
def _grade_first(lines):
    if any(".grade(" in line for line in lines):
        return [line for line in lines if ".status()" not in line]
    return lines
get_ipython().input_transformers_post.append(_grade_first)
'''

# A custom exception handler that swallows the failed test, and a patched execution
# result (an Out value) that claims one point.
CUSTOM_EXCEPTION = '''
def _swallow(shell, etype, value, tb, tb_offset=None):
    shell.displayhook(1.0)
get_ipython().set_custom_exc((AssertionError,), _swallow)
'''

# Planted by a new cell of the 0-point overview: a startup file and a sitecustomize.py
# for every later kernel, and a full answers file for the next notebook.
STARTUP_FILE = '''
import os, pathlib, json
_taint = {taint!r}
for _folder in [pathlib.Path.home() / ".ipython" / "profile_default" / "startup",
                pathlib.Path.cwd()]:
    _folder.mkdir(parents=True, exist_ok=True)
_startup = pathlib.Path.home() / ".ipython" / "profile_default" / "startup"
(_startup / "00-taint.py").write_text(_taint)
(pathlib.Path.cwd() / "sitecustomize.py").write_text(_taint)
(pathlib.Path.cwd() / "ipython_config.py").write_text(
    "c.InteractiveShellApp.exec_lines = ['import sitecustomize']")
'''

# A planted module that shadows an import: a fake toolbox_widgets next to the notebook.
SHADOW_PACKAGE = '''
class _Fake:
    def __init__(self, *a, **k):
        self.points = k.get("points", 2)
    def __getattr__(self, name):
        return lambda *a, **k: float(self.points)
    def status(self, *a, **k):
        print("ok")
class Workbook:
    def __init__(self, *a, **k):
        self.name = a[0] if a else ""
    def __getattr__(self, name):
        return lambda *a, **k: _Fake(*a, **k)
def show_chart(*a, **k):
    pass
class _Data:
    def __getattr__(self, name):
        import importlib
        return getattr(importlib.import_module("pandas"), "DataFrame")
data = _Data()
AnswerError = ValueError
'''

TAMPERS = {
    "patch-classes": PATCH_CLASSES,
    "patch-builtins": PATCH_BUILTINS,
    "blank-tests": BLANK_TESTS,
    "feed-key": FEED_KEY,
    "custom-exception": CUSTOM_EXCEPTION,
}
BASES = ("blank", "partial")  # trainees of test_grading.py, answered once (graded_class.py)


def _inject_first_answer_cell(path: Path, code: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code"
                and c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = code + "\n" + cell.source
    nbformat.write(notebook, path)


def _add_overview_cell(path: Path, code: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(code))
    nbformat.write(notebook, path)


def _tamper(folder: Path, name: str) -> None:
    answered = folder / NOTEBOOKS[1]
    if name in TAMPERS:
        _inject_first_answer_cell(answered, TAMPERS[name])
    elif name == "startup-file":
        _add_overview_cell(folder / NOTEBOOKS[0],
                           STARTUP_FILE.format(taint=PATCH_CLASSES + BLANK_TESTS))
    elif name == "shadow-import":
        package = folder / "toolbox_widgets"
        package.mkdir()
        (package / "__init__.py").write_text(SHADOW_PACKAGE)
        (folder / "plotly").mkdir()
        (folder / "plotly" / "__init__.py").write_text("")
        (folder / "plotly" / "express.py").write_text("def __getattr__(name):\n"
                                                      "    return lambda *a, **k: None\n")


ALL_TAMPERS = [*TAMPERS, "startup-file", "shadow-import"]


@pytest.fixture(scope="module")
def tampered_class(grade_course, answered_class, tmp_path_factory):
    """Blank and partial trainees, each also with every tamper; graded by both graders."""
    base = tmp_path_factory.mktemp("forgery")
    root = base / "course"
    shutil.copytree(grade_course, root)
    expected = {}
    for base_name in BASES:
        folder = submit_answered(answered_class, root, base_name)
        for (who, notebook), scores in answered_class[1].items():
            if who == base_name:
                expected.update({(who, notebook, g): p for g, p in scores.items()})
        for tamper in ALL_TAMPERS:
            copy = root / "submitted" / f"{tamper}-{base_name}" / "core"
            shutil.copytree(folder, copy)
            _tamper(copy, tamper)
    # Stock nbgrader runs kernels unsandboxed: a private HOME keeps the planted startup
    # file away from this machine's own IPython profile. It grades one kernel at a time, so
    # the blank and the partial submissions (each with its tampers) are graded by two runs
    # of it in two copies of the course, side by side with mld grade.
    stocks = stock_copies(root, {f"stock-{b}": [b, *(f"{t}-{b}" for t in ALL_TAMPERS)]
                                 for b in BASES})
    plain = []
    for stock in stocks:
        home = base / f"home-{stock.name}"
        home.mkdir()
        plain.append(stock_autograde(
            stock, base / f"{stock.name}.log", f"--Execute.timeout={TIMEOUT}",
            # nbgrader fails a whole submission when IOPub is silent for 4 s: a busy test
            # machine is not a tamper
            "--Execute.iopub_timeout=60",
            env={**tool_env(), "HOME": str(home), "IPYTHONDIR": str(home / ".ipython")}))
    sandboxed = mld_grade(root, "--memory-mb=3072")
    for process in plain:
        process.wait()
    said = "".join((base / f"{stock.name}.log").read_text() for stock in stocks)
    return {"mld grade": ([root], sandboxed.stderr), "nbgrader autograde": (stocks, said)}, \
        expected


@pytest.mark.parametrize("grader", ["mld grade", "nbgrader autograde"])
@pytest.mark.parametrize("base_name", BASES)
@pytest.mark.parametrize("tamper", ALL_TAMPERS)
def test_a_tamper_scores_exactly_as_without_it(tampered_class, grader, base_name, tamper):
    graded, expected = tampered_class
    roots, log = graded[grader]
    scores = {k: v for root in roots for k, v in all_scores(root).items()}
    honest = {k[1:]: v for k, v in scores.items() if k[0] == base_name}
    forged = {k[1:]: v for k, v in scores.items() if k[0] == f"{tamper}-{base_name}"}
    assert honest and forged.keys() == honest.keys(), log[-3000:]
    assert forged == honest, \
        f"{tamper} changed the scores of a {base_name} submission; {grader} said: {log[-3000:]}"
    # and the honest scores are the ones the rules give (blank: 0; partial: half right)
    for (who, notebook, grade_id), points in expected.items():
        if who == base_name:
            assert honest[notebook, grade_id] == pytest.approx(points), (notebook, grade_id)


def test_tampered_notebooks_show_the_graders_feedback(tampered_class):
    graded, _ = tampered_class
    (root,), _ = graded["mld grade"]
    path = root / "autograded" / "patch-classes-partial" / "core" / NOTEBOOKS[1]
    notebook = nbformat.read(path, as_version=4)
    source = nbformat.read(root / "source" / "core" / NOTEBOOKS[1], as_version=4)
    # Every test cell that carries points (the 0-point progress check scores nothing).
    tests = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
             and c.metadata["nbgrader"].get("points")}
    seen = 0
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in tests:
            assert cell.source == tests[grade_id].source  # the instructor's test, as before
            text = json.dumps(cell.outputs)
            assert "exercise" in text.lower() or "code task" in text.lower()
            seen += 1
    assert seen == len(tests)


def test_the_keys_never_reach_the_sandbox(grade_course, tmp_path):
    """The files `mld grade` sends to a worker (the sanitized autograded folder) hold no
    hidden test and no explanation of a key."""
    root = tmp_path / "course"
    shutil.copytree(grade_course, root)
    submit(root, "reader")
    script = '''
import json, sys
from pathlib import Path
from toolbox_widgets.grading.command import _nbgrader_app
from toolbox_widgets.grading.converter import SplitAutograde
import argparse
args = argparse.Namespace(student="*", db_url=None, assignment="core")
app = _nbgrader_app(Path("."), args, [])
converter = SplitAutograde(coursedir=app.coursedir, parent=app)
converter.setup()
folder, notebooks = converter.prepare("reader")
files = {str(p.relative_to(folder)): p.read_bytes().decode("utf-8", "replace")
         for p in Path(folder).rglob("*") if p.is_file()}
json.dump(files, sys.stdout)
'''
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, env=tool_env(), check=True)
    files = json.loads(run.stdout)
    assert set(NOTEBOOKS) <= set(files)
    seen = "\n".join(files.values())
    assert "HIDDEN TESTS" not in seen and ".grade(" not in seen
    source = root / "source" / "core" / NOTEBOOKS[1]
    keys = recorded_keys(source, cache_folder(root, "core"))
    assert keys
    for grade_id, entry in keys.items():
        assert entry["why"][:60] not in seen, grade_id
        if entry["definition"]["kind"] in ("matching", "ordering"):
            assert json.dumps(entry["key"], ensure_ascii=False) not in seen, grade_id
    # The recorded keys live under the grader's .mld-grade/, never with a submission.
    cache = list((root / ".mld-grade" / "keys" / "core").glob("*.json"))
    assert cache and not list((root / "autograded").rglob("*.mld*"))


def test_a_test_cell_without_a_key_stops_grading_loudly(grade_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(grade_course, root)
    path = root / "source" / "core" / NOTEBOOKS[1]
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")
                and c.cell_type == "code" and "grade(" in c.source)
    grade_id = cell.metadata["nbgrader"]["grade_id"]
    cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    nbformat.write(notebook, path)
    submit(root, "blank")
    run = mld_grade(root)
    assert run.returncode != 0
    assert f"{NOTEBOOKS[1]}: the graded test cell(s) {grade_id} recorded no key" in run.stderr


def test_stock_nbgrader_config_lists_the_protection():
    text = (ROOT / "nbgrader_config.py").read_text()
    assert "StripHiddenTests]" in text and "ScoreFromAnswers," in text
