"""The self-study version in a real browser, by keyboard alone, and checked with axe-core.

A learner opens a self-study notebook in JupyterLab, runs it from the command palette and
answers every graded exercise with Tab, Shift+Tab, the arrow keys, Space, Enter and typing:
no mouse, no Python answers. After each "Check my answer" the exercise says it is right, and
the notebook's score reaches its exact total. Keys typed into the controls never reach
JupyterLab (no cell is added or left).

axe-core (installed into tests/axe/ by `npm install --prefix tests/axe`, which
`python3 course.py test` runs) then checks the course's own outputs, not JupyterLab's chrome,
in one notebook of each kind and each language: 0 serious or critical violations. It checks
each answered notebook on the page the learner answered it on, with its feedback shown (one
run of the notebook serves both checks); the overview, which has no exercise, on its own.

Set MLD_SCREENSHOTS=1 to keep the screenshots in docs/screenshots/.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets.trainee import feedback, i18n, numbers, scoring
from test_browser import (  # noqa: F401 (browser_ready is a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    LAB_SETTINGS,
    PAGE_LOAD,
    RUN_ALL,
    SAVED,
    SERVER_START,
    Lab,
    _free_port,
    _lab_options,
    _stop,
    _unavailable,
    browser_ready,
    jupyterlab,
    trainee_tasks,
    wait_for_server,
)

from toolbox_widgets.course.trainee_setup import match_kernel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "core"
LANGUAGES = {"en": "core", "fr": "core_fr", "es": "core_es"}  # the self-study trees a lab holds
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "docs" / "screenshots"
# The course's own outputs: what the notebooks and widgets draw, not JupyterLab's chrome.
COURSE_OUTPUTS = [[".jp-Notebook .jp-OutputArea"], [".jp-Notebook .jp-MarkdownOutput"]]
ACTIVE = """() => { const a = document.activeElement;
  const words = a.querySelector('.mld-choice-text');
  const label = a.labels && a.labels.length ? a.labels[0].innerText.trim() : '';
  return {tag: a.tagName, role: a.getAttribute('role'), label,
          text: (words ? words.innerText : (a.innerText || a.value || '')).trim(),
          box: a.closest('.mld-exercise') ? [...document.querySelectorAll('.mld-exercise')]
                                              .indexOf(a.closest('.mld-exercise')) : -1}; }"""


@pytest.fixture(scope="module")
def study_lab(lab_server, built_course):
    """A learner's home that holds the self-study version of the module, on the session's
    JupyterLab, set up as `course.py open` sets it up (the trainee's settings: no cell
    toolbar, no instructor tools; tests/lab_server.py)."""
    home = lab_server.root / "study"
    for assignment in LANGUAGES.values():
        shutil.copytree(built_course / "selfstudy" / assignment, home / assignment)
    match_kernel(home)
    return Lab(lab_server.url, lab_server.token, home, built_course, lab_server.log, home,
               "study/")


@pytest.fixture(autouse=True)
def kernels_stopped(lab_server):
    """Each test's kernels end with it: the next one starts from a server as new."""
    yield
    lab_server.stop_kernels()


# --- the keyboard -----------------------------------------------------------------------------

def press_enter_on_dialogs(page, rounds: int = 6) -> None:
    """JupyterLab may ask for a kernel: its default button has the focus, Enter accepts."""
    for _ in range(rounds):
        page.wait_for_timeout(500)
        if page.locator(".jp-Dialog").count():
            page.keyboard.press("Enter")


def open_notebook(page, lab: Lab, notebook: str, expect, assignment: str = ASSIGNMENT) -> None:
    # reset: only this notebook open (the server is shared, its workspace remembers others)
    page.goto(f"{lab.url}/lab/tree/{lab.tree}{assignment}/{notebook}?reset&token={lab.token}",
              timeout=PAGE_LOAD)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=PAGE_LOAD)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
           ).to_have_count(1, timeout=PAGE_LOAD)
    press_enter_on_dialogs(page)


def run_all_by_keyboard(page) -> None:
    """Command palette (Ctrl+Shift+C), "Run All Cells", Enter; wait for the last prompt."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").wait_for(timeout=SAVED)
    page.keyboard.type("Run All Cells")
    page.keyboard.press("Enter")
    press_enter_on_dialogs(page)
    prompts = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                   .map(x => x.textContent.trim())"""
    try:
        page.wait_for_function(
            f"() => {{ const p = ({prompts})(); "
            "return p.length && !p.includes('[*]:') && !p.includes('[ ]:'); }", timeout=RUN_ALL)
    except Exception:
        print(f"Run All did not finish; prompts: {page.evaluate(prompts)}")
        raise


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def _active_cell(page) -> int:
    return page.evaluate("() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]"
                         ".findIndex(c => c.classList.contains('jp-mod-active'))")


def go_to_cell_after(page, index: int) -> None:
    """Command mode: the arrow keys to the first cell after `index` that they stop on
    (they pass over cells whose code is collapsed)."""
    page.keyboard.press("Escape")
    for _ in range(300):
        if _active_cell(page) <= index:
            break
        page.keyboard.press("ArrowUp")
    for _ in range(300):
        if _active_cell(page) > index:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never passed cell {index}")


def tab_until(page, wanted, backwards: bool = False, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = active(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the control; focus ends on {active(page)}")


def arrow_to(page, wanted: str) -> None:
    """In a radio or checkbox group, move with the arrow keys to the option named by its
    words (the options are shuffled per trainee and carry no letters)."""
    for _ in range(30):
        if active(page)["text"].strip().casefold() == wanted.strip().casefold():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached option {wanted!r}")


def pick_in_menu(page, match: str) -> None:
    """A focused <select>: Home, then ArrowDown to the wanted option."""
    # ipywidgets writes option texts with no-break spaces.
    wanted = page.evaluate("(text) => [...document.activeElement.options]"
                           ".findIndex(o => o.text.replace(/\\u00a0/g, ' ') === text)", match)
    assert wanted > 0, f"{match!r} is not in the focused menu"
    page.keyboard.press("Home")
    for _ in range(wanted):
        page.keyboard.press("ArrowDown")
    selected = page.evaluate("() => document.activeElement.selectedOptions[0].text"
                             ".replace(/\\u00a0/g, ' ')")
    assert selected == match, f"the menu shows {selected!r}, not {match!r}"


def words_in(language: str):
    """The package's words as a trainee of that language reads them (its compiled catalog)."""
    if language == "en":
        return lambda message: message
    return gettext.translation(i18n.DOMAIN, localedir=i18n.LOCALE_DIR,
                               languages=[language]).gettext


def answer_by_keyboard(page, task, cell_index: int, box: int, expect,
                       language: str = "en") -> None:
    """From the cell below, Shift+Tab into the exercise, answer, check."""
    tr = words_in(language)
    go_to_cell_after(page, cell_index)  # then Shift+Tab back into the exercise
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    in_box = lambda a: a["box"] == box  # noqa: E731
    value = task.words
    if task.kind in ("single_choice", "multiple_choice"):
        tab_until(page, lambda a: in_box(a) and a["role"] in ("radio", "checkbox"), True)
        for option in [value] if isinstance(value, str) else value:
            arrow_to(page, option)
            page.keyboard.press("Space")
        # Keys typed in the group stay there: "b" does not insert a cell.
        page.keyboard.press("b")
    elif task.kind == "numeric":
        tab_until(page, lambda a: in_box(a) and a["tag"] == "INPUT", True)
        page.keyboard.press("Control+a")
        typed = str(task.value)
        # French and Spanish trainees type a decimal comma: 12,2.
        page.keyboard.type(typed if language == "en" else typed.replace(".", ","))
    elif task.kind in ("matching", "ordering"):
        # Shift+Tab from below reaches the last menu first; each menu's label names it.
        count = len(value)
        tab_until(page, lambda a: in_box(a) and a["tag"] == "SELECT", True)
        for _ in range(count - 1):
            page.keyboard.press("Shift+Tab")
        for n in range(count):
            if n:
                page.keyboard.press("Tab")
            label = active(page)["label"]
            pick_in_menu(page, value[label] if task.kind == "matching" else value[n])
    else:
        raise AssertionError(f"no keyboard path for a {task.kind} exercise")
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells_before, "a key made a cell"
    # As a learner would, wait until the status line shows the whole answer saved: a click
    # can overtake the last keystrokes on their way to the kernel.
    status = page.locator(".mld-exercise").nth(box).get_by_role("status")
    for shown in _saved_words(task, language):
        expect(status).to_contain_text(shown, timeout=SAVED)
    tab_until(page, lambda a: in_box(a) and a["text"] == tr(feedback.CHECK))
    page.keyboard.press("b")  # on a button too, a letter is not a notebook command
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells_before, "a key made a cell"
    page.keyboard.press("Enter")
    expect(status).to_contain_text("✔ " + tr("Correct."), timeout=SAVED)


def _saved_words(task, language: str = "en") -> list[str]:
    """Pieces of the status line that show the whole answer is saved (options are named
    by their words: the trainee sees no letters). In French and Spanish, the answer's own
    words, and numbers as the language writes them."""
    words = task.words
    if task.kind == "numeric":
        shown = numbers.show(float(task.value), code=language)
        return [f"your answer {shown}" if language == "en" else shown]
    if language != "en" and task.kind == "single_choice":
        return [words]
    if language != "en" and task.kind == "multiple_choice":
        return [scoring._few_words(w) for w in words]
    if task.kind == "matching":
        return [f" → {match}" for match in words.values()]
    if task.kind == "ordering":
        return [" → ".join(words)]
    if task.kind == "single_choice":
        return ["Saved", f"“{words}”"]
    return ["Saved", *[f"“{scoring._few_words(w)}”" for w in words]]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (include) => {
             const result = await axe.run({include}, {resultTypes: ['violations']});
             return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
               .map(v => ({id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}));
           }""", COURSE_OUTPUTS)


def _shot(page, path: Path) -> None:
    page.screenshot(path=str(path))
    if os.environ.get("MLD_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, SHOTS / path.name)


# One notebook of each kind that has exercises: a topic, the case study, the glossary; and
# the topic notebook in French and in Spanish (with a number typed with a decimal comma).
@pytest.mark.parametrize(("notebook", "language"), [
    ("01_why_local.ipynb", "en"), ("06_case_study_bicol.ipynb", "en"),
    ("07_glossary.ipynb", "en"), ("01_why_local.ipynb", "fr"), ("01_why_local.ipynb", "es")])
def test_a_learner_reaches_full_marks_by_keyboard_alone(study_lab, notebook, language, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    if not AXE.exists():
        _unavailable(f"{AXE} is missing: npm install --prefix tests/axe")
    expect.set_options(timeout=SAVED)
    assignment, tr = LANGUAGES[language], words_in(language)
    instructor = study_lab.course / "source" / assignment / notebook
    tasks = [t for t in trainee_tasks(instructor) if t.exercise_id and not t.manual]
    total = sum(t.points for t in tasks)
    study = nbformat.read(study_lab.home / assignment / notebook, as_version=4)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            open_notebook(page, study_lab, notebook, expect, assignment)
            # The trainee's settings are applied: no instructor menu, no cell toolbar.
            assert "Nbgrader" not in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            assert page.locator(".jp-cell-toolbar").count() == 0
            run_all_by_keyboard(page)
            boxes = page.locator(".mld-exercise")
            headers = [boxes.nth(i).locator("strong").first.inner_text()
                       for i in range(boxes.count())]
            for task in tasks:
                cell = next(i for i, c in enumerate(study.cells) if re.search(
                    rf"\b{task.exercise_id}\s*=\s*book\.", c.source))
                box = headers.index(tr("Exercise {id}").format(id=task.exercise_id))
                answer_by_keyboard(page, task, cell, box, expect, language)
                if task is tasks[0] and notebook.startswith("01") and language == "en":
                    boxes.nth(box).scroll_into_view_if_needed()
                    _shot(page, tmp_path / "selfstudy-keyboard-checked.png")
            full = tr(feedback.SCORE).format(earned=numbers.show(total, code=language),
                                             total=numbers.show(total, code=language))
            score = page.locator(".jp-OutputArea-output").filter(
                has_text=full.split("{")[0][:20])
            expect(score.last).to_contain_text(full, timeout=SAVED)
            score.last.scroll_into_view_if_needed()
            if notebook.startswith("01") and language == "en":
                _shot(page, tmp_path / "selfstudy-score.png")
            # On the same run, its feedback shown: no dollar sign became maths, and axe
            # finds no serious violation in the course's outputs.
            assert page.locator(".jp-OutputArea .jupyter-widgets mjx-container").count() == 0
            found = axe_violations(page)
            _shot(page, tmp_path / f"axe-{Path(notebook).stem}-{language}.png")
            assert found == [], json.dumps(found, indent=1)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"Screenshot: {tmp_path / 'failure.png'}; focus on {active(page)}")
            print(study_lab.log_tail())
            raise
        finally:
            browser.close()


# The notebooks with exercises are checked on the learner's answered page, above.
@pytest.mark.parametrize("notebook", ["00_overview.ipynb"])
def test_no_serious_accessibility_violation_in_the_course_outputs(study_lab, notebook,
                                                                  tmp_path):
    from playwright.sync_api import expect, sync_playwright

    if not AXE.exists():
        _unavailable(f"{AXE} is missing: npm install --prefix tests/axe")
    expect.set_options(timeout=SAVED)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            open_notebook(page, study_lab, notebook, expect)
            run_all_by_keyboard(page)
            page.wait_for_timeout(1500)  # charts and widgets finish drawing
            # No dollar sign in an exercise's text became maths.
            assert page.locator(".jp-OutputArea .jupyter-widgets mjx-container").count() == 0
            found = axe_violations(page)
            _shot(page, tmp_path / f"axe-{Path(notebook).stem}.png")
        finally:
            browser.close()
    assert found == [], json.dumps(found, indent=1)
