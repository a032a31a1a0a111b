"""The course build: notebooks/ -> source/ and release/, idempotent and checkable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, for_every_module

from toolbox_widgets.course import build, layout

pytestmark = pytest.mark.slow


def test_committed_trees_are_up_to_date():
    sys.path.insert(0, str(ROOT))
    import course

    if os.environ.get("MLD_TREES_CHECKED") == course.trees_fingerprint():
        pytest.skip("`mld build --check` passed on these very files earlier in this run "
                    "(python3 course.py test)")
    with for_every_module("`mld build --check` of the course"):  # a build of every module
        problems = build.stale_files(ROOT)
    assert problems == []


@pytest.fixture(scope="module")
def english_build(tmp_path_factory) -> Path:
    """An English course of two notebooks: these tests change English text, which a
    released language's catalog would then lack (tests/test_languages.py builds the
    languages). Built once. A fixed sample: that a build of the whole course is idempotent
    is what `mld build --check` (above, and in CI) proves on every module."""
    root = tmp_path_factory.mktemp("english-build")
    layout.scratch_course(ROOT, root, notebooks=("core/00_*.ipynb", "core/01_*.ipynb"))
    for listing in (root / "locales").glob("*/released"):
        listing.unlink()
    build.build(root)
    return root


@pytest.fixture
def course(english_build, tmp_path) -> Path:
    """A copy of the built English course of its own for each test, which may change it."""
    return shutil.copytree(english_build, tmp_path / "course")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for tree in ("source", "release") for p in (root / tree).rglob("*") if p.is_file()}


def test_build_is_idempotent(course):
    first = _snapshot(course)
    build.build(course)
    assert _snapshot(course) == first
    assert build.stale_files(course) == []


def test_one_assignment_per_module_with_source_and_release(course):
    for assignment in build.find_assignments(course):
        authored = {p.name for p in assignment.folder.glob("*.ipynb")}
        assert {p.name for p in (course / "source" / assignment.name).glob("*.ipynb")} == authored
        assert {p.name for p in (course / "release" / assignment.name).glob("*.ipynb")} == authored


def test_check_mode_names_stale_and_stray_files(course):
    notebook = course / "notebooks" / "core" / "01_why_local.ipynb"
    notebook.write_text(notebook.read_text().replace("Learning objectives", "Objectives"))
    (course / "release" / "core" / "stray.txt").write_text("left over")
    problems = build.stale_files(course)
    assert f"source/core/{notebook.name} is out of date" in problems
    assert f"release/core/{notebook.name} is out of date" in problems
    assert "release/core/stray.txt should not be there" in problems
    assert "locales/core.pot is out of date" in problems  # the translators' template
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--check",
                             "--root", str(course)], capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "stray.txt" in result.stdout


def test_run_leftovers_never_reach_the_trees(course):
    core = course / "notebooks" / "core"
    (core / "core_01_why_local.answers.json").write_text("{}")
    (core / ".ipynb_checkpoints").mkdir()
    (core / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
    (core / "map.csv").write_text("a,b\n1,2\n")  # a real asset does travel
    build.build(course)
    files = set(_snapshot(course))
    assert "release/core/map.csv" in files and "source/core/map.csv" in files
    assert not [f for f in files if "answers" in f or "checkpoint" in f]


def test_outside_a_course_folder_the_tool_says_what_to_do(tmp_path):
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                             str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "is not a course folder" in result.stderr


def _gradebook(root: Path) -> dict[str, list[str]]:
    """{assignment: its notebooks} as recorded in root's gradebook.db."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return {a.name: sorted(n.name for n in a.notebooks) for a in gradebook.assignments}


def test_the_build_records_the_gradebook_and_the_check_builds_the_same_files_without(
        course, tmp_path):
    authored = sorted(p.stem for p in (course / "notebooks" / "core").glob("*.ipynb"))
    assert _gradebook(course) == {"core": authored}  # ready for autograde
    scratch = layout.scratch_course(course, tmp_path / "scratch")
    build.build(scratch, gradebook=False)  # as `mld build --check` builds
    assert not (scratch / "gradebook.db").exists()
    assert _snapshot(scratch) == _snapshot(course)


def test_a_notebook_nbgrader_refuses_stops_the_build_naming_the_assignment_and_why(course):
    path = course / "notebooks" / "core" / "01_why_local.ipynb"
    notebook = nbformat.read(path, as_version=4)
    graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")]
    graded[1].metadata["nbgrader"]["grade_id"] = graded[0].metadata["nbgrader"]["grade_id"]
    nbformat.write(notebook, path)
    with pytest.raises(RuntimeError) as refused:
        build.build(course)
    assert "nbgrader could not make the student version of core" in str(refused.value)
    assert f"Duplicate grade id: {graded[0].metadata['nbgrader']['grade_id']}" in str(
        refused.value)
