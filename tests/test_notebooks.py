"""Every notebook runs: instructor versions with full marks and under nbval, student
versions to their last cell, and nbgrader's Validate both ways.

Each notebook is executed once per test run (the ``executions`` fixture, tests/executions.py)
and each check reads that run."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, instructor_notebooks, student_notebooks
from executions import wanted

from toolbox_widgets.course.build import tool_env
from toolbox_widgets.trainee import i18n

pytestmark = pytest.mark.slow


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _run(notebook, executions, request) -> nbformat.NotebookNode:
    """The one run of a copy of the notebook (in a scratch folder, where its answers file
    lands), started with the runs the other selected tests of this function need."""
    executions.start_runs(wanted(request, "notebook"))
    return executions.run(notebook).notebook


def _errors(notebook) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for c in notebook.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o["output_type"] == "error"]


def _grade_cells(notebook):
    return [c for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]


@pytest.mark.parametrize("notebook", instructor_notebooks(), ids=_ids(instructor_notebooks()))
def test_instructor_notebook_runs_with_full_marks(notebook, executions, request):
    executed = _run(notebook, executions, request)
    assert not _errors(executed)
    for cell in _grade_cells(executed):
        points = float(cell.metadata["nbgrader"]["points"])
        if not points:  # the 0-point progress check: it only lists what is open
            continue
        results = [o for o in cell.outputs if o["output_type"] == "execute_result"]
        shown = "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")
        assert results, f"{cell.metadata['nbgrader']['grade_id']} returns no score"
        assert float(results[-1]["data"]["text/plain"]) == points, shown
        assert "✔" in shown


# What the kernel says of an untouched notebook (package catalog entries).
NOT_ANSWERED = ("Optional code task {id} is not answered. It is a bonus: you can submit "
                "without it. To try it, replace None with your code.")
PROGRESS = (("{answered} of {count} graded exercise answered in {workbook} (optional code "
            "tasks are not counted here)."),
            ("{answered} of {count} graded exercises answered in {workbook} (optional code "
            "tasks are not counted here)."))


def _words_in(assignment: str) -> gettext.NullTranslations:
    """The package's words in the language of an assignment (core_fr: French)."""
    language = assignment.rpartition("_")[2] if "_" in assignment else "en"
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR, languages=[language])


# Country names a trainee reads in a table and in a chart's words, per language: the
# package's CLDR names in French and Spanish, the publisher's own names in English.
NAMES = {("01_why_local.ipynb", "c-top-recipients"): ("Mexico", "Mexique", "México"),
         ("01_why_local.ipynb", "b-compare"): ("United States of America", "États-Unis",
                                               "Estados Unidos"),
         ("02_words_matter.ipynb", "q3-table"): ("Japan", "Japon", "Japón")}


def _shown_names(notebook: Path, executed) -> None:
    assignment = notebook.parent.name
    for (name, cell_id), spelled in NAMES.items():
        if name != notebook.name or assignment not in ("core", "core_fr", "core_es"):
            continue
        [cell] = [c for c in executed.cells if c.get("id") == cell_id]
        shown = "".join(o.get("text") or o.get("data", {}).get("text/html", "")
                        for o in cell.outputs)
        mine = spelled[("core", "core_fr", "core_es").index(assignment)]
        assert mine in shown, (cell_id, mine, shown[:500])
        assert not [other for other in spelled if other != mine and other in shown]


@pytest.mark.parametrize("notebook", student_notebooks(), ids=_ids(student_notebooks()))
def test_untouched_student_notebook_runs_to_the_last_cell(notebook, executions, request):
    executed = _run(notebook, executions, request)
    assert not _errors(executed)
    streams = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o["output_type"] == "stream"]
    assert not [o for o in streams if o["name"] == "stderr"], "a student sees stderr output"
    _shown_names(notebook, executed)
    # A chart's words never list nothing ("marked with their own symbol: ."): an empty
    # list means the words picked their rows by a translated label, not by a code.
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            alt = output.get("data", {}).get("text/html", "")
            if "chart-alt" in alt:
                assert not re.search(r":\s*[.;]", re.sub(r"<[^>]+>", "", alt)), alt[:600]
    words = _words_in(notebook.parent.name)
    # One graded exercise or several: the singular or the plural sentence.
    progress = "|".join(
        re.escape(words.ngettext(*PROGRESS, n)).replace(re.escape("{answered}"), "0")
        for n in (1, 2))
    progress = re.sub(r"\\\{\w+\\\}", ".+", progress)
    for cell in _grade_cells(executed):
        shown = "".join(o.get("text") or o.get("data", {}).get("text/plain", "")
                        for o in cell.outputs)
        task = re.match(r"\s*(t\d+)\.status\(", cell.source)
        if task:  # an optional code task, in the notebook's language
            assert words.gettext(NOT_ANSWERED).format(id=task.group(1)) in shown
        elif "book.progress()" in cell.source:  # counts nothing answered
            assert re.search(progress, shown), (progress, shown)
        else:  # q.status(): the widget's own status line says it, nothing twice
            assert shown == "", cell.source


# nbval's run of a fixed sample: that no cell of any instructor notebook raises is what
# test_instructor_notebook_runs_with_full_marks reads in the one run of each (with no
# nbval mark, see below, nbval --nbval-lax checks nothing more), so running every notebook
# again here only proved it twice.
NBVAL_SAMPLE = ("core/01_why_local.ipynb",)


def test_instructor_notebooks_pass_nbval_lax(tmp_path):
    """nbval, as an author would run it, on a sample of the instructor notebooks."""
    copies = []
    for notebook in [ROOT / "notebooks" / name for name in NBVAL_SAMPLE]:
        target = tmp_path / notebook.parent.name / notebook.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(notebook, target)
        copies.append(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), *copies],
        cwd=tmp_path, capture_output=True, text=True, env=tool_env(), check=False)
    assert result.returncode == 0, result.stdout[-3000:]


NBVAL_MARK = re.compile(r"^\s*#\s*NBVAL_", re.MULTILINE)


def test_authored_notebooks_store_no_output_and_no_nbval_mark():
    """Notebooks in git carry no outputs; and no nbval mark, so nbval's lax run above
    checks that no cell raises. A mark or a stored output added one day fails here, so
    that the outputs nbval would then compare are looked at on purpose."""
    for notebook in instructor_notebooks():
        code = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
        assert not [c.id for c in code if c.get("outputs")], f"{notebook.name} stores outputs"
        assert not [c.id for c in code if NBVAL_MARK.search(c.source)], (
            f"{notebook.name} has an nbval mark: compare its outputs as nbval --nbval-lax does")


def _validate(tree, built_course, executions, request) -> dict:
    """nbgrader's own Validate (the JupyterLab button runs the same code) of the built
    notebook in tree (source/ or release/), beside the others this function asks for."""
    def built(notebook):
        return built_course / tree / notebook.parent.name / notebook.name

    executions.start_validations([built(n) for n in wanted(request, "notebook")])
    return executions.validate(built(request.node.callspec.params["notebook"]))


@pytest.mark.parametrize("notebook", instructor_notebooks(), ids=_ids(instructor_notebooks()))
def test_nbgrader_validate_passes_the_instructor_version(notebook, built_course, executions,
                                                         request):
    report = _validate("source", built_course, executions, request)
    assert report == {}, report


@pytest.mark.parametrize("notebook", instructor_notebooks(), ids=_ids(instructor_notebooks()))
def test_nbgrader_validate_fails_every_required_test_of_the_student_version(
        notebook, built_course, executions, request):
    """An untouched notebook fails on every required exercise and on the progress check;
    an optional code task is only noted, never a failure."""
    release = built_course / "release" / notebook.parent.name / notebook.name
    report = _validate("release", built_course, executions, request)
    failed = report.get("failed", [])
    graded = _grade_cells(nbformat.read(release, as_version=4))
    if not graded:
        pytest.skip(f"{notebook.name} has no graded exercise")
    required = [c for c in graded if not re.match(r"\s*t\d+\.status\(", c.source)]
    assert len(failed) == len(required)
    for failure in failed:
        assert "not answered yet" in failure["raw_error"] or (
            "Still to do before you submit" in failure["raw_error"])
        assert "Traceback" not in failure["raw_error"]
        assert not re.match(r"\s*t\d+\.status\(", failure["source"])
