"""The course layout (toolbox_widgets/course/layout.py): names, answers files, scratch copies."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_notebook

from toolbox_widgets.course import layout


@pytest.mark.parametrize(("name", "module", "language"), [
    ("core", "core", None), ("core_fr", "core", "fr"), ("module3_es", "module3", "es"),
    ("core_qps", "core", "qps"), ("notes_fr", "notes_fr", None)])
def test_an_assignment_names_its_module_and_language(name, module, language):
    assert layout.split_assignment(name) == (module, language)
    assert layout.module_of(name) == module
    if language:
        assert layout.assignment_name(module, language) == name


def _notebook(folder, name, workbook):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(f'book = Workbook("{workbook}")')]),
                   folder / name)


def test_two_notebooks_sharing_an_answers_file_stop_the_build_naming_both(tmp_path):
    course = layout.scratch_course(ROOT, tmp_path / "course", trees=())
    core = course / "notebooks" / "core"
    _notebook(core, "01_a.ipynb", "core_01_a")
    _notebook(core, "02_b.ipynb", "core_01_a")  # copied from 01 and not renamed
    with pytest.raises(layout.LayoutError, match=r"01_a\.ipynb and .*02_b\.ipynb both use"):
        layout.workbook_names(core)
    result = subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                             str(course)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "01_a.ipynb and" in result.stderr and "core_01_a.answers.json" in result.stderr
    _notebook(core, "02_b.ipynb", "core_02_b")
    assert set(layout.workbook_names(core)) == {"core_01_a", "core_02_b"}


def test_every_core_notebook_has_its_own_answers_file():
    names = layout.workbook_names(ROOT / "notebooks" / "core")
    assert len(names) == len(list((ROOT / "notebooks" / "core").glob("*.ipynb")))


def test_a_scratch_course_leaves_run_leftovers_and_unchosen_notebooks_behind(tmp_path):
    source = tmp_path / "source"
    layout.scratch_course(ROOT, source, trees=())
    core = source / "notebooks" / "core"
    for name in ("01_a.ipynb", "02_b.ipynb"):
        _notebook(core, name, "core_" + name[:-6])
    (core / "core_01_a.answers.json").write_text("{}")
    (core / "map.csv").write_text("a\n1\n")
    (source / "locales" / "fr").mkdir(parents=True)
    (source / "locales" / "fr" / "released").write_text("core\n")
    copy = layout.scratch_course(source, tmp_path / "copy", notebooks=("core/01_*.ipynb",))
    assert sorted(p.name for p in (copy / "notebooks" / "core").iterdir()) == [
        "01_a.ipynb", "map.csv"]
    assert (copy / "locales" / "fr" / "released").read_text() == "core\n"
    assert (copy / layout.CONFIG).is_file() and layout.is_course(copy)


def test_a_folder_that_is_not_a_course_is_named_with_what_it_lacks(tmp_path):
    assert "needs nbgrader_config.py and notebooks/" in layout.course_problem(tmp_path)
    assert "needs nbgrader_config.py." in layout.course_problem(tmp_path, authored=False)
    assert layout.course_problem(ROOT) == ""
