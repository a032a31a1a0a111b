"""French and Spanish from one source, seen from the outside: which version a trainee opens,
how a mixed-language class lands in the LMS, and what a released language proves."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import polib
import pytest
from conftest import ROOT
from nbgrader.api import Gradebook
from nbgrader.utils import compute_checksum, is_grade

from toolbox_widgets import Workbook
from toolbox_widgets.course import build, catalogs, code_text, layout
from toolbox_widgets.grading import keys

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
    english = course_py.trainee_lab_options()
    assert english[0] == (
        f"--LabApp.app_settings_dir={course_py.ROOT / 'toolbox_widgets/course/trainee_lab'}")
    (course_py.ROOT / "toolbox_widgets/course/trainee_lab").mkdir(parents=True)
    (course_py.ROOT / "toolbox_widgets/course/trainee_lab/page_config.json").write_text("{}")
    option, *rest = course_py.trainee_lab_options("fr")
    assert rest == english[1:]  # the custom CSS ("Run this cell") in every language
    settings = option.split("=", 1)[1]
    overrides = (course_py.WORKSPACE / ".lab-settings-fr" / "overrides.json").read_text()
    overrides = json.loads(overrides)
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


# --- a released language, proven with the pseudo-locale qps ----------------------------
# One build of Core with qps released serves every check below; the qps notebooks run once.

KERNEL_SPEAKS = "language" in inspect.signature(Workbook).parameters
needs_c2 = pytest.mark.skipif(not KERNEL_SPEAKS, reason=(
    "the kernel's Workbook(language=...) (contract C2, the i18n-kernel branch) is not here"))


@pytest.fixture(scope="module")
def qps_course(tmp_path_factory) -> Path:
    """Core built in English and in the pseudo-locale, from a test-made, complete catalog."""
    root = layout.scratch_course(ROOT, tmp_path_factory.mktemp("qps-course"))
    for listing in (root / "locales").glob("*/released"):
        listing.unlink()  # the real languages are built and run by the other tests
    catalogs.write_templates(root, ["core"])
    target = catalogs.catalog_path(root, catalogs.PSEUDO, "core")
    target.parent.mkdir(parents=True)
    catalogs.pseudo_catalog(polib.pofile(str(catalogs.template_path(root, "core")))).save(
        str(target))
    (root / "locales" / catalogs.PSEUDO / "released").write_text("core\n")
    assert build.build(root) == ["core", "core_qps"]
    return root


def _graded_cells(path: Path) -> list[tuple]:
    """Every cell nbgrader knows, in order: grade_id, points, and for graded code cells
    nbgrader's own checksum (source, type, grade_id, points)."""
    notebook = nbformat.read(path, as_version=4)
    return [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"].get("points"),
             compute_checksum(c) if c.cell_type == "code" and is_grade(c) else None)
            for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id")]


@pytest.mark.slow
def test_every_graded_cell_is_identical_in_core_and_its_translation(qps_course):
    names = sorted(p.name for p in (ROOT / "notebooks" / "core").glob("*.ipynb"))
    for name in names:
        english = _graded_cells(qps_course / "source" / "core" / name)
        pseudo = _graded_cells(qps_course / "source" / "core_qps" / name)
        assert pseudo == english, name
        assert any(checksum for *_, checksum in english) or name == "00_overview.ipynb"
        # nbgrader's checksums stored at generate_assignment, and the cell order
        stored = [[(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"].get("checksum"))
                   for c in nbformat.read(qps_course / "release" / tree / name, 4).cells
                   if c.metadata.get("nbgrader", {}).get("grade")] for tree in ("core", "core_qps")]
        assert stored[0] == stored[1], name
    assert sorted(p.name for p in (qps_course / "selfstudy" / "core_qps").glob("*.ipynb")) == names


@pytest.mark.slow
def test_the_translation_reaches_every_marked_string_and_the_setup_cell(qps_course):
    for path in sorted((qps_course / "release" / "core_qps").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code" and not is_grade(c)]
        for cell in code:
            english = [text for *_, text in code_text._literals(cell.source)
                       if not text.strip("\n").startswith("⟦")]
            assert english == [], f"{path.name}, cell {cell.id}: {english[:3]}"
        assert any('language="qps")' in c.source for c in code), path.name
        assert notebook.metadata["mld"] == {"language": "qps"}


@pytest.fixture(scope="module")
def qps_run(qps_course, executions) -> dict[str, nbformat.NotebookNode]:
    """Every student notebook of core_qps, run once as a trainee would (Run All), side by
    side on the shared pool (tests/executions.py)."""
    paths = sorted((qps_course / "release" / "core_qps").glob("*.ipynb"))
    executions.start_runs(paths)
    return {path.name: executions.run(path).notebook for path in paths}


@pytest.mark.slow
@needs_c2
def test_the_translated_notebooks_run_clean(qps_run):
    errors = [(name, c.id, o.ename, o.evalue[:200]) for name, nb in qps_run.items()
              for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


@pytest.mark.slow
@needs_c2
def test_keys_recorded_from_a_translation_are_the_english_keys(qps_course, tmp_path):
    for name in ("01_why_local.ipynb", "02_words_matter.ipynb"):
        english = keys.recorded_keys(qps_course / "source" / "core" / name, tmp_path / "en")
        pseudo = keys.recorded_keys(qps_course / "source" / "core_qps" / name, tmp_path / "qps")
        assert {g: k["key"] for g, k in pseudo.items()} == {g: k["key"] for g, k in english.items()}
        assert len(english) >= 5


@pytest.mark.slow
@needs_c2
def test_a_perfect_trainee_scores_full_and_a_blank_one_zero_in_the_translation(qps_course):
    """Through mld grade, on the notebook with every kind of exercise."""
    from test_grading import blank, perfect
    from trainees import read_key

    name = "01_why_local"
    key = read_key(qps_course / "source" / "core_qps" / f"{name}.ipynb")
    expected = {}
    for trainee, behave in (("perfect", perfect), ("blank", blank)):
        folder = qps_course / "submitted" / trainee / "core_qps"
        folder.mkdir(parents=True)
        shutil.copy2(qps_course / "release" / "core_qps" / f"{name}.ipynb", folder)
        expected[trainee] = behave(folder, key)
    run = subprocess.run([sys.executable, "-m", "toolbox_widgets.grading", "grade", "core_qps",
                          "--unsafe-no-sandbox"], cwd=qps_course, capture_output=True,
                         text=True, env=tool_env(), check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    with Gradebook(f"sqlite:///{qps_course / 'gradebook.db'}") as gradebook:
        for trainee, scores in expected.items():
            got = {g.name: g.score for g in gradebook.find_submission_notebook(
                name, "core_qps", trainee).grades if g.name in scores}
            assert got == pytest.approx(scores), trainee
    assert sum(expected["perfect"].values()) == key.auto_points > 0
    assert sum(expected["blank"].values()) == 0
