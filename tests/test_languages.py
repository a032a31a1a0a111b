"""French and Spanish from one source, seen from the outside: which version a trainee opens,
how a mixed-language class lands in the LMS, and what a released language proves."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import pytest
from conftest import ROOT

from toolbox_widgets.course.build import tool_env
from toolbox_widgets.grading.command import _moodle, gradebook_scores


@pytest.fixture
def course_py(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    import course

    for tree in ("selfstudy", "release"):
        for assignment in ("core", "core_fr", "core_es"):
            (tmp_path / tree / assignment).mkdir(parents=True)
            (tmp_path / tree / assignment / "00_overview.ipynb").write_text(f"{tree} {assignment}")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    monkeypatch.setattr(course, "WORKSPACE", tmp_path / "workspace")
    return course


def test_open_lang_copies_only_that_language_into_its_own_workspace(course_py):
    mine = course_py.copy_workbooks("self-study", "fr")
    assert mine.name == "self-study-fr"
    assert [p.name for p in mine.iterdir()] == ["core_fr"]
    assert (mine / "core_fr" / "00_overview.ipynb").read_text() == "selfstudy core_fr"
    assert course_py.first_notebook("fr") == "core_fr/00_overview.ipynb"
    english = course_py.copy_workbooks("self-study")
    assert [p.name for p in english.iterdir()] == ["core"]  # English never gets core_fr
    classroom = course_py.copy_workbooks("class", "es")
    assert (classroom / "core_es" / "00_overview.ipynb").read_text() == "release core_es"


def test_open_lang_sets_jupyterlabs_own_interface_language_for_that_launch(course_py):
    assert course_py.trainee_lab_options() == [
        f"--LabApp.app_settings_dir={course_py.ROOT / 'toolbox_widgets/course/trainee_lab'}"]
    (course_py.ROOT / "toolbox_widgets/course/trainee_lab").mkdir(parents=True)
    (course_py.ROOT / "toolbox_widgets/course/trainee_lab/page_config.json").write_text("{}")
    option, = course_py.trainee_lab_options("fr")
    settings = option.split("=", 1)[1]
    overrides = json.loads((course_py.WORKSPACE / ".lab-settings-fr" / "overrides.json").read_text())
    assert settings.endswith(".lab-settings-fr")
    assert overrides == {"@jupyterlab/translation-extension:plugin": {"locale": "fr_FR"}}
    assert (course_py.WORKSPACE / ".lab-settings-fr" / "page_config.json").is_file()


def test_the_language_packs_that_open_lang_names_are_installed():
    from importlib.metadata import version

    for pack in ("jupyterlab-language-pack-fr-FR", "jupyterlab-language-pack-es-ES"):
        assert version(pack)


def _gradebook(tmp_path, monkeypatch):
    """A gradebook with core and core_fr: ada took French, bob English, cy both (French last)."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", tool_env()["PATH"])  # nbgrader calls alembic by name
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        for assignment in ("core", "core_fr"):
            gradebook.add_assignment(assignment)
            gradebook.add_notebook("01_why_local", assignment)
            gradebook.add_grade_cell("q1_test", "01_why_local", assignment, max_score=2,
                                     cell_type="code")
        taken = {("ada", "core_fr", 1, 2.0), ("bob", "core", 1, 1.0),
                 ("cy", "core", 1, 2.0), ("cy", "core_fr", 2, 0.0)}
        for student, assignment, day, points in sorted(taken):
            if student not in {s.id for s in gradebook.students}:
                gradebook.add_student(student)
            gradebook.add_submission(assignment, student, timestamp=datetime(2026, 12, day))
            grade = gradebook.find_grade("q1_test", "01_why_local", assignment, student)
            grade.auto_score = points
            gradebook.db.commit()
    return url


@pytest.mark.parametrize("assignment", ["core", "core_fr"])
def test_a_mixed_language_class_gets_one_total_per_module_per_trainee(tmp_path, monkeypatch,
                                                                     assignment):
    columns, rows = gradebook_scores(_gradebook(tmp_path, monkeypatch), assignment)
    assert columns == [("core total", 2.0), ("core: 01_why_local", 2.0)]
    table = _moodle(columns, rows)
    assert table[0] == ["Username", "core total", "core: 01_why_local"]
    assert table[1:] == [["ada", "2", "2"], ["bob", "1", "1"], ["cy", "0", "0"]]
    notes = {row["id"]: row["note"] for row in rows}
    assert notes["ada"] == notes["bob"] == ""
    assert notes["cy"] == ("cy submitted core in more than one language (core, core_fr); "
                           "the latest, core_fr, counts.")
