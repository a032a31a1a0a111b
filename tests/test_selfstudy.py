"""The self-study version: made by `mld build` next to release/, with the hidden tests
back (collapsed) so that every graded exercise can be checked and scored at once."""

from __future__ import annotations

import gettext
import re
import sys

import nbformat
import pytest
from conftest import ROOT, instructor_notebooks
from executions import wanted
from nbclient import NotebookClient
from trainees import BEGIN, END, read_key, solution_regions

from toolbox_widgets.course.selfstudy import self_study_notebook
from toolbox_widgets.trainee import feedback, i18n

SELF_STUDY = ROOT / "selfstudy"


def _study(instructor):
    return nbformat.read(SELF_STUDY / instructor.parent.name / instructor.name, as_version=4)


@pytest.mark.parametrize("instructor", instructor_notebooks(),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_self_study_has_the_hidden_tests_collapsed_and_no_solution(instructor):
    authored = nbformat.read(instructor, as_version=4)
    study = _study(instructor)
    text = "\n".join(cell.source for cell in study.cells)
    assert "HIDDEN TESTS" not in text and BEGIN not in text
    solutions = {line.strip() for cell in authored.cells
                 for region in solution_regions(cell.source) for line in region.splitlines()
                 if len(line.strip()) >= 8}
    # What stays visible: every cell's text outside its solution regions (an option list may
    # stand in the same cell as the solution that quotes one of its options).
    public = "\n".join(re.sub(rf"{re.escape(BEGIN)}\n.*?{re.escape(END)}", "", c.source,
                              flags=re.S) for c in authored.cells)
    for line in solutions:
        assert line in public or line not in text, f"a solution line is in self-study: {line}"
    tests = [c for c in authored.cells if c.metadata.get("nbgrader", {}).get("grade")
             and c.cell_type == "code"]
    for test in tests:
        body = re.sub(r"^[ \t]*### (BEGIN|END) HIDDEN TESTS[ \t]*\n?", "", test.source,
                      flags=re.M)
        shown = [c for c in study.cells if c.source == body.rstrip("\n")]
        assert len(shown) == 1, f"{instructor.name}: a test cell is missing in self-study"
        assert shown[0].metadata["jupyter"]["source_hidden"] is True
    if tests:
        assert re.search(r'Workbook\("[^"]+", self_study=True\)', text)
    assert not [c for c in study.cells if "nbgrader" in c.metadata]


def test_the_class_version_knows_nothing_of_self_study():
    for notebook in (ROOT / "release").rglob("*.ipynb"):
        assert "self_study" not in notebook.read_text(encoding="utf-8"), notebook


def test_a_notebook_with_tests_but_no_workbook_call_is_refused(tmp_path):
    student = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    test = nbformat.v4.new_code_cell("q.status()\n### BEGIN HIDDEN TESTS\nq.grade(1)\n"
                                     "### END HIDDEN TESTS")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "q_test"}
    nbformat.write(student, tmp_path / "s.ipynb")
    nbformat.write(nbformat.v4.new_notebook(cells=[test]), tmp_path / "i.ipynb")
    with pytest.raises(RuntimeError, match="no `Workbook"):
        self_study_notebook(tmp_path / "s.ipynb", tmp_path / "i.ipynb")


def _run(study_path, answers: dict[str, str]):
    """Run a self-study notebook as a learner who typed one-line answers under each
    exercise (the way the exercise shows), and return the executed notebook."""
    notebook = nbformat.read(study_path, as_version=4)
    for cell in notebook.cells:
        for name in re.findall(r"\b(\w+)\s*=\s*book\.\w+\(", cell.source):
            if name in answers:
                cell.source += f"\n{name}.answer({answers[name]})"
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(study_path.parent)}})
    client.execute()
    return notebook


def _text(notebook) -> str:
    """What the learner reads: printed text, and the last state of every widget's text (a
    status line changes after it is first shown)."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
    models = notebook.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    parts += [re.sub(r"<[^>]+>", "", m["state"]["value"]) for m in models.values()
              if isinstance(m.get("state", {}).get("value"), str)]
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["core/01_why_local.ipynb",
                                      # Module 1's stepper: each answer typed is also locked
                                      "module1/02_coordination_mainstreaming.ipynb"])
def test_a_perfect_learner_sees_full_marks_and_a_wrong_one_the_explanation(tmp_path,
                                                                          monkeypatch, notebook):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    instructor = ROOT / "notebooks" / notebook
    key = read_key(instructor)
    widgets = [e for e in key.auto if e.exercise_id]
    total = sum(e.points for e in widgets)
    folder = tmp_path / instructor.parent.name
    folder.mkdir()
    study = folder / instructor.name
    study.write_bytes((SELF_STUDY / notebook).read_bytes())

    perfect = _text(_run(study, {e.exercise_id: e.answer_expr for e in widgets}))
    assert f"Your score in this notebook so far: {total:g} of {total:g} points." in perfect
    assert "✘" not in perfect

    for answers in folder.glob("*.answers.json"):
        answers.unlink()
    first = widgets[0]
    wrong = '"A"' if first.answer_expr != '"A"' else '"B"'
    assert first.exercise_id == "q1"
    text = _text(_run(study, {"q1": wrong}))
    assert "✘ Not correct yet." in text
    # the explanation written in q1's hidden test (its first words, read from the notebook)
    hidden = next(c.source for c in nbformat.read(instructor, as_version=4).cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_test")
    why = re.search(r'why=\(?\s*(?:tr\(\s*)?f?"([^"{]{20,})', hidden)
    assert why, "q1's hidden test has no plain explanation to look for"
    assert why.group(1)[:40] in text
    assert f"so far: 0 of {total:g} points." in text


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(SELF_STUDY.glob("*/*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_untouched_self_study_notebook_runs_and_gives_nothing_away(notebook, executions,
                                                                     request):
    # the one run of this notebook (outside nbgrader, as a learner opens it), started with
    # the other notebooks of this test so that they run side by side
    executions.start_runs(wanted(request, "notebook"))
    executed = executions.run(notebook).notebook
    errors = [o for c in executed.cells for o in c.get("outputs", [])
              if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert not errors, errors
    text = _text(executed)
    assert "✘" not in text and "✔" not in text  # no verdict, no explanation before a try
    if "book.progress()" in "".join(c.source for c in executed.cells):
        # "…so far: 0 of N points.", in the notebook's language
        language = notebook.parent.name.rpartition("_")[2] if "_" in notebook.parent.name else ""
        words = (gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR,
                                     languages=[language]) if language
                 else gettext.NullTranslations())
        score = words.gettext(feedback.SCORE)
        assert score[:score.index("{earned}")] + "0" in text


def test_course_open_copies_the_chosen_version_and_never_overwrites(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    import course

    for tree in ("selfstudy", "release"):
        (tmp_path / tree / "core").mkdir(parents=True)
        (tmp_path / tree / "core" / "00_overview.ipynb").write_text(tree)
    monkeypatch.setattr(course, "ROOT", tmp_path)
    monkeypatch.setattr(course, "WORKSPACE", tmp_path / "workspace")
    assert course.FIRST_NOTEBOOK == "core/00_overview.ipynb"
    mine = course.copy_workbooks("self-study")
    assert (mine / "core" / "00_overview.ipynb").read_text() == "selfstudy"
    (mine / "core" / "00_overview.ipynb").write_text("my work")
    course.copy_workbooks("self-study")
    assert (mine / "core" / "00_overview.ipynb").read_text() == "my work"
    assert (course.copy_workbooks("class") / "core" / "00_overview.ipynb").read_text() == \
        "release"


def test_a_checked_score_survives_closing_the_notebook(tmp_path):
    """The score a learner saw is kept in the answers file: a new kernel (the notebook
    reopened) shows it before any cell below the exercises has run. A changed answer's
    check is forgotten, on disk too."""
    from toolbox_widgets import Workbook

    book = Workbook("core_99_test", tmp_path, self_study=True)
    q1 = book.single_choice("q1", "Which?", {"one": "one", "two": "two", "three": "three"})
    q2 = book.numeric("q2", "How many?")
    q1.grade("two", why="Two it is.")
    q2.grade(5, why="Five.")
    q1.answer("two")
    q1.check()
    q2.answer(4)
    q2.check()
    assert book.score_text() == "Your score in this notebook so far: 1 of 2 points."

    reopened = Workbook("core_99_test", tmp_path, self_study=True)
    reopened.single_choice("q1", "Which?", {"one": "one", "two": "two", "three": "three"})
    r2 = reopened.numeric("q2", "How many?")
    assert reopened.score_text() == "Your score in this notebook so far: 1 of 2 points."
    assert reopened.checked == {"q1": 1.0, "q2": 0.0}

    r2.answer(6)  # changed since its check: it must be checked again
    again = Workbook("core_99_test", tmp_path, self_study=True)
    again.single_choice("q1", "Which?", {"one": "one", "two": "two", "three": "three"})
    again.numeric("q2", "How many?")
    assert again.checked == {"q1": 1.0}

    # The class version never reads a check as a score.
    assert Workbook("core_99_test", tmp_path).checked == {}


def test_a_right_answer_gets_its_verdict_once_then_the_explanation(tmp_path):
    from toolbox_widgets import Workbook

    book = Workbook("core_99_test", tmp_path, self_study=True)
    q1 = book.single_choice("q1", "Which?", {"one": "one", "two": "two", "three": "three"})
    q1.grade("two", why="Two it is.")
    q1.answer("two")
    q1.check()
    said = q1._plain(q1.feedback.value)
    assert said == "✔ Correct. Two it is. Your score in this notebook so far: 1 of 1 points."
    q1.answer("three")
    q1.check()
    said = q1._plain(q1.feedback.value)
    assert said.startswith("✘ Not correct yet.") and "Two it is." in said


def test_self_study_text_speaks_of_checking_not_submitting():
    """The self-study Markdown never asks the learner to submit or press Validate: the build
    swaps each cell tagged `class` for the whole cell tagged `self-study` after it in the
    instructor's notebook. The class version keeps its own words and none of the others'."""
    for study_path in sorted(SELF_STUDY.glob("*/*.ipynb")):
        study = nbformat.read(study_path, as_version=4)
        release = nbformat.read(ROOT / "release" / study_path.parent.name / study_path.name,
                                as_version=4)
        for cell in study.cells:
            if cell.cell_type == "markdown":
                assert not re.search(r"submit|Validate", cell.source), (
                    f"{study_path.name} {cell.get('id')}: {cell.source[:80]!r}")
        assert not [c for c in release.cells if "self-study" in c.metadata.get("tags", [])]
        assert [c.get("id") for c in release.cells] == [c.get("id") for c in study.cells]
    overview = nbformat.read(ROOT / "release" / "core" / "00_overview.ipynb", as_version=4)
    assert any("press **Validate**" in c.source for c in overview.cells)


def test_a_self_study_cell_must_follow_the_class_cell_it_replaces(tmp_path):
    cell = nbformat.v4.new_markdown_cell("Check your answers.", metadata={"tags": ["self-study"]})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Submit."), cell])
    nbformat.write(notebook, tmp_path / "i.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "s.ipynb")
    with pytest.raises(RuntimeError, match="tagged class"):
        self_study_notebook(tmp_path / "s.ipynb", tmp_path / "i.ipynb")


def test_the_self_study_overview_counts_the_points_it_scores_and_names_no_tutor(capsys):
    """The overview's points in self-study: what the score lines count (graded exercises,
    not the bonus code tasks), and that reflections are not scored there. The class
    version keeps its sentence with the tutor's points."""
    from toolbox_widgets.trainee.overview import show_points

    scored = 0.0  # graded test cells, less the code tasks' (whose status takes a value)
    for notebook in sorted((ROOT / "release" / "core").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            marks = cell.metadata.get("nbgrader", {})
            if marks.get("grade") and not re.match(r"\w+\.status\(\w", cell.source):
                scored += float(marks.get("points", 0))
    show_points(SELF_STUDY / "core")
    said = capsys.readouterr().out
    assert f"8 notebooks in this module, {scored:g} points in all, scored as you go" in said
    assert "not scored in the self-study version" in said
    assert not re.search(r"tutor|instructor|submit", said)
    show_points(ROOT / "release" / "core")
    assert "by your tutor" in capsys.readouterr().out


def test_self_study_status_lines_name_no_instructor_and_no_submitting(tmp_path, capsys):
    """A reflection's status line, an optional code task's lines and an unreadable
    answers file speak of the self-study version as it is: nobody reads or restores."""
    from toolbox_widgets import Workbook

    (tmp_path / "core_97_test.answers.json").write_text("{not json")
    damaged = Workbook("core_97_test", tmp_path, self_study=True).store.problem
    assert "could not be read" in damaged and "instructor" not in damaged
    book = Workbook("core_99_test", tmp_path, self_study=True)
    r1 = book.reflection("r1", "Your town?", min_words=2)
    r1.answer("In my town many people left.")
    t1 = book.code_task("t1")
    t1.status(None)
    t1.status(3)
    said = r1._plain(r1.feedback.value) + capsys.readouterr().out
    assert "6 words. It is saved for you: written reflections are not scored" in said
    assert "Optional code task t1 is not answered. It is a bonus." in said
    assert "Saved: code task t1, you gave 3." in said
    assert not re.search(r"tutor|instructor|submit", said), said

    classroom = Workbook("core_98_test", tmp_path)
    c1 = classroom.reflection("r1", "Your town?", min_words=2)
    c1.answer("In my town many people left.")
    classroom.code_task("t1").status(3)
    said = c1._plain(c1.feedback.value) + capsys.readouterr().out
    assert "Your instructor reads it after you submit." in said
    assert "It is checked after you submit." in said
