"""The course home (the Core overview's first cell): where a trainee stands, read only from
their own copy: the notebooks and answers files, never a gradebook or a key."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT

from toolbox_widgets.trainee import home, i18n
from toolbox_widgets.trainee.answers import AnswerStore

CORE_01 = "core_01_why_local"


@pytest.fixture(autouse=True)
def english():
    i18n.use_language("en")
    yield
    i18n.use_language("en")


def copy(tmp_path, tree: str, assignment: str = "core"):
    """The trainee's own copy of one built assignment, as course.py open makes it."""
    mine = tmp_path / tree
    shutil.copytree(ROOT / tree / assignment, mine / assignment)
    return mine / assignment


def text(folder) -> str:
    """The home as the trainee reads it (tags and entities away)."""
    page = home.home_html(home.find_modules(folder))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")


def notebook(folder, name):
    module = home.find_modules(folder)[0]
    return next(n for n in module.notebooks if n.path.name == name)


def test_self_study_points_are_the_checks_that_still_stand(tmp_path):
    core = copy(tmp_path, "selfstudy")
    store = AnswerStore(CORE_01, core, self_study=True)
    store.set("q1", "lived_locally")
    store.set_check("q1", "lived_locally", 1.0)  # checked right: counts
    store.set("q2", 9.9)
    store.set_check("q2", 2.5, 1.0)  # checked, then the answer changed: counts no more
    store.set("q3", ["quote_revision"])
    store.set_check("q3", ["quote_revision"], 0.0)  # checked wrong: earns nothing
    state = notebook(core, "01_why_local.ipynb")
    assert state.possible == 8.0
    assert state.earned == 1.0
    assert state.done == ["q1", "q3"]  # checked with the answer that stands
    assert state.status == home.STARTED
    page = text(core)
    assert "Next step: open Why local?" in page and "(core/01_why_local.ipynb)" in page
    assert "Points scored: 1 of 57." in page


def test_a_blank_copy_is_not_started_and_earns_nothing(tmp_path):
    core = copy(tmp_path, "selfstudy")
    states = home.find_modules(core)[0].notebooks
    assert all(s.earned == 0 and s.status in (home.NOT_STARTED, home.NOTHING_TO_ANSWER)
               for s in states)
    assert not any(s.note for s in states)  # a missing answers file is no problem
    assert "Notebooks done: 0 of 7. Points scored: 0 of 57." in text(core)
    assert "Time left for the notebooks in your folder: about 7 h 50 min." in text(core)


def test_a_module_passes_at_the_stated_share(tmp_path):
    core = copy(tmp_path, "selfstudy")
    modules = home.find_modules(core)
    assert not modules[0].passed
    for state in modules[0].notebooks:  # every scored exercise checked right
        if not state.workbook or not state.required:
            continue
        store = AnswerStore(state.workbook, core, self_study=True)
        for item in state.required:
            store.set(item, "answer")
            if item not in state.reflections:
                store.set_check(item, "answer", 2.0)
    module = home.find_modules(core)[0]
    assert module.earned >= home.PASS_SHARE * module.possible and module.passed
    assert "✔ Completed: at least 70% of the points." in text(core)
    assert "You have finished every notebook in your folder." in text(core)


def test_class_points_are_those_of_the_answered_exercises_never_a_mark(tmp_path):
    core = copy(tmp_path, "release")
    store = AnswerStore(CORE_01, core)
    store.set("q1", "wrong_on_purpose")  # answered: its point counts as answered, not earned
    store.set("r1", "My municipality needs the share of residents born abroad.")
    store.set("t1", 48.0)  # the optional code task: bonus points, not required
    state = notebook(core, "01_why_local.ipynb")
    assert state.possible == 12.0  # nbgrader's marks: 8 automatic, 1 code task, 3 reflection
    assert state.earned == 1 + 3 + 1
    assert state.required == ["q1", "q2", "q3", "q4", "q5", "r1"]
    assert state.done == ["q1", "r1"]
    page = text(core)
    assert "The exercises of this module are worth 85 points." in page
    assert "Those you have answered are worth 5 points." in page
    assert "Your mark comes from your instructor's grading" in page
    assert "gives no mark" in page
    # Nothing that reads as a score: no "5 of 85", no "5 of 12" in the table either.
    assert "Points scored" not in page and "5 of 85" not in page and "5 of 12" not in page
    # The row: the notebook's worth (12), then that of the exercises answered (5).
    assert "Why local? Migration and development in numbers ◐ started 2 of 6 12 5 " in page



@pytest.mark.parametrize("language, words", [
    ("en", ["Your mark comes from your instructor's grading",
            "Those you have answered are worth 1 point.", "worth 85 points."]),
    ("fr", ["Votre note est celle que vous donne votre tuteur ou tutrice",
            "Ceux auxquels vous avez répondu valent 1 point.", "valent 85 points."]),
    ("es", ["Su calificación es la que le pone su tutor o tutora",
            "Los que ha respondido valen 1 punto.", "valen 85 puntos."]),
])
def test_the_class_home_says_the_instructor_gives_the_mark_in_every_language(
        tmp_path, language, words):
    assignment = "core" if language == "en" else f"core_{language}"
    core = copy(tmp_path, "release", assignment)
    AnswerStore(CORE_01, core).set("q1", "wrong_on_purpose")  # one answered point, not earned
    page = text(core)
    for phrase in words:  # one point in the singular, the module's 85 in the plural
        assert phrase in page, phrase

def test_a_damaged_answers_file_shows_not_started_with_a_note_and_is_left_alone(tmp_path):
    core = copy(tmp_path, "selfstudy")
    damaged = core / f"{CORE_01}.answers.json"
    damaged.write_text('{"answers": {"q1": ', encoding="utf-8")
    state = notebook(core, "01_why_local.ipynb")
    assert state.status == home.NOT_STARTED and state.earned == 0
    assert "could not be read (it is not a valid answers file)" in state.note
    assert damaged.read_text(encoding="utf-8") == '{"answers": {"q1": '  # not moved, not fixed
    assert f"! The answers file {CORE_01}.answers.json could not be read" in text(core)


@pytest.mark.parametrize("content", ["[]", '{"answers": []}', '{"format": 1}', "\xff\xfe"])
def test_answers_files_of_the_wrong_shape_are_notes_not_errors(tmp_path, content):
    core = copy(tmp_path, "selfstudy")
    (core / f"{CORE_01}.answers.json").write_text(content, encoding="latin-1")
    state = notebook(core, "01_why_local.ipynb")
    assert state.status == home.NOT_STARTED and "could not be read" in state.note


def test_a_linked_answers_file_is_not_followed(tmp_path):
    core = copy(tmp_path, "selfstudy")
    elsewhere = tmp_path / "someone_else.json"
    elsewhere.write_text(json.dumps({"answers": {"q1": "lived_locally"},
                                     "checked": {"q1": {"value": "lived_locally",
                                                        "earned": 1}}}))
    (core / f"{CORE_01}.answers.json").symlink_to(elsewhere)
    state = notebook(core, "01_why_local.ipynb")
    assert state.earned == 0 and "it is not a plain file" in state.note


def test_only_modules_in_the_copy_and_its_language_appear_core_first(tmp_path):
    core = copy(tmp_path, "selfstudy")
    module1 = tmp_path / "selfstudy" / "module1"
    module1.mkdir()
    shutil.copy(core / "01_why_local.ipynb", module1 / "01_plans.ipynb")
    shutil.copytree(ROOT / "selfstudy" / "core_fr", tmp_path / "selfstudy" / "module2_fr")
    (tmp_path / "selfstudy" / "notes").mkdir()  # not a module
    modules = home.find_modules(core)
    assert [m.name for m in modules] == ["core", "module1"]
    page = text(core)
    assert page.index("Core: introduction") < page.index("Module 1: managing")
    assert "For those who bring migration into local plans" in page
    assert "The optional modules appear here as they are released." not in page


def test_the_next_notebook_skips_finished_ones(tmp_path):
    core = copy(tmp_path, "release")
    first = notebook(core, "01_why_local.ipynb")
    store = AnswerStore(CORE_01, core)
    for item in first.required:
        store.set(item, "an answer")
    _module, step = home.next_notebook(home.find_modules(core))
    assert step.path.name == "02_words_matter.ipynb"
    assert notebook(core, "01_why_local.ipynb").status == home.DONE


@pytest.mark.parametrize("language, words", [
    ("fr", ["Prochaine étape : ouvrez", "Module de base : introduction",
            "Notebooks terminés : 0 sur 7", "Temps restant"]),
    ("es", ["Siguiente paso: abra", "Módulo básico: introducción",
            "Cuadernos terminados: 0 de 7", "Tiempo restante"]),
])
def test_the_home_speaks_the_language_of_the_copy(tmp_path, language, words):
    core = copy(tmp_path, "selfstudy", f"core_{language}")
    (core / f"{CORE_01}.answers.json").write_text("not json", encoding="utf-8")
    page = text(core)
    for phrase in words:
        assert phrase.replace(" :", "\u00a0:") in page or phrase in page, phrase
    assert "Next step" not in page and "could not be read" not in page
    assert f"core_{language}/01_why_local.ipynb" in page


# Every module an author has written: its folder has an overview.
AUTHORED = sorted(p.name for p in (ROOT / "notebooks").iterdir()
                  if (p / "00_overview.ipynb").is_file())


def test_the_overview_shows_the_home_first():
    overview = json.loads((ROOT / "notebooks" / "core" / "00_overview.ipynb").read_text())
    code = ["".join(c["source"]) for c in overview["cells"] if c["cell_type"] == "code"]
    assert code[0] == "from toolbox_widgets import show_home; show_home()"
    for module in AUTHORED:  # every notebook states its time, in every language
        for built in (f"release/{module}", f"selfstudy/{module}_fr", f"selfstudy/{module}_es"):
            paths = list((ROOT / built).glob("0[1-9]_*.ipynb"))
            assert paths, built
            for path in paths:
                minutes = json.loads(path.read_text())["metadata"]["mld"]["minutes"]
                assert 30 <= minutes <= 90, path


FRACTIONS = {"": 0, "¼": 0.25, "½": 0.5, "¾": 0.75}


@pytest.mark.parametrize("module", AUTHORED)
def test_the_times_a_trainee_reads_agree_with_the_notebooks_minutes(module):
    """The overview's table and total, each notebook's own time line and the minutes the
    home counts (metadata mld.minutes) say the same: a stale total misleads a trainee."""
    notebooks = sorted((ROOT / "notebooks" / module).glob("0*.ipynb"))
    overview = json.loads(notebooks[0].read_text())
    text = "\n".join("".join(c["source"]) for c in overview["cells"]
                     if c["cell_type"] == "markdown")
    rows = [(int(low), int(high or low)) for low, high in
            re.findall(r"^\| .+? \| (\d+)(?:–(\d+))? min \|$", text, re.M)]
    assert len(rows) == len(notebooks) >= 2
    for path, (low, high) in zip(notebooks, rows):
        notebook = json.loads(path.read_text())
        assert low <= notebook["metadata"]["mld"]["minutes"] <= high, path.name
        own = re.search(r"\*\*Time:\*\* about (\d+)–(\d+) minutes", "\n".join(
            "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"))
        if path.name != "00_overview.ipynb":
            assert own and (int(own[1]), int(own[2])) == (low, high), path.name
    least = sum(low for low, _ in rows)
    most = sum(high for _, high in rows)
    total = re.search(r"In total: about (\d+)([¼½¾]?) to (\d+)([¼½¾]?) hours", text)
    said_least = 60 * (int(total[1]) + FRACTIONS[total[2]])
    said_most = 60 * (int(total[3]) + FRACTIONS[total[4]])
    # Rounded to the quarter hour, down for the least and up for the most.
    assert said_least <= least < said_least + 15, (least, total[0])
    assert said_most - 15 < most <= said_most, (most, total[0])
