"""Module 1's own controls in a real JupyterLab (headless Chromium), by keyboard alone, and
checked with axe-core: the mainstreaming stepper's lock (02), the policy-coherence rating
grid (04) and the migration profile builder (07).

One server for the module, on a trainee's home holding the class version of Module 1 (the
committed release/module1/, as `course.py open --class` copies it). The keyboard helpers
and axe's scope (the course's own outputs, not JupyterLab's chrome) are those of
test_browser_keyboard.py.
"""

from __future__ import annotations

import ast
import json
import re
import shutil

import nbformat
import pytest
from conftest import ROOT
from test_browser import (  # noqa: F401 (browser_ready is a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    SAVED,
    Lab,
    _unavailable,
    browser_ready,
    jupyterlab,
)
from test_browser_keyboard import (
    AXE,
    active,
    arrow_to,
    axe_violations,
    go_to_cell_after,
    open_notebook,
    pick_in_menu,
    run_all_by_keyboard,
    tab_until,
)

from toolbox_widgets.course.trainee_setup import lab_options, match_kernel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "module1"
WRITTEN = 90_000  # a profile's PDF is drawn with matplotlib: slower than an answer


@pytest.fixture(scope="module")
def class_lab(browser_ready, tmp_path_factory):  # noqa: F811
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: npm install --prefix tests/axe")
    scratch = tmp_path_factory.mktemp("module1_lab")
    home = scratch / "home"
    shutil.copytree(ROOT / "release" / ASSIGNMENT, home / ASSIGNMENT)
    match_kernel(home)
    with jupyterlab(home, scratch, *lab_options()) as (url, token):
        yield Lab(url, token, home, ROOT, scratch / "jupyterlab.log", scratch)


@pytest.fixture
def page(class_lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=SAVED)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            yield page
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"Screenshot: {tmp_path / 'failure.png'}; focus on {active(page)}")
            print(class_lab.log_tail())
            raise
        finally:
            browser.close()


def _open_and_run(page, lab: Lab, notebook: str):
    from playwright.sync_api import expect
    open_notebook(page, lab, notebook, expect, ASSIGNMENT)
    run_all_by_keyboard(page)
    return nbformat.read(lab.home / ASSIGNMENT / notebook, as_version=4)


def _cell(notebook, pattern: str) -> int:
    return next(i for i, c in enumerate(notebook.cells) if re.search(pattern, c.source))


def _box(page, header: str) -> int:
    """The index of the course box (an exercise or a builder) whose first words are these."""
    boxes = page.locator(".mld-exercise")
    return next(i for i in range(boxes.count())
                if boxes.nth(i).inner_text().strip().startswith(header))


def _step_words(qid: str, option: str) -> tuple[str, str]:
    """An option's words and its story, as the instructor's notebook writes them."""
    source = nbformat.read(ROOT / "notebooks" / ASSIGNMENT / "02_coordination_mainstreaming.ipynb",
                           as_version=4)
    # The options in the answer cell, the stories in the hidden test (never in release/).
    tree = ast.Module([ast.parse(source.cells[_cell(source, pattern)].source)
                       for pattern in (rf"\b{qid} = book\.", rf"\b{qid}_next = \{{")], [])

    def text_of(mapping: ast.Dict) -> str:
        keys = [k.value for k in mapping.keys]
        return mapping.values[keys.index(option)].args[0].value  # tr("…")

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.targets[0].id == f"{qid}_next":
            story = text_of(node.value)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "single_choice":
            words = text_of(node.args[2])
    return words, story


def _answers(lab: Lab, workbook: str) -> dict:
    path = lab.home / ASSIGNMENT / f"{workbook}.answers.json"
    return json.loads(path.read_text())["answers"] if path.exists() else {}


def _no_serious_violation(page) -> None:
    page.wait_for_timeout(1500)  # charts and widgets finish drawing
    found = axe_violations(page)
    assert found == [], json.dumps(found, indent=1)


def test_a_stepper_step_is_locked_by_keyboard_and_the_class_version_tells_no_story(class_lab,
                                                                                   page):
    from playwright.sync_api import expect
    notebook = _open_and_run(page, class_lab, "02_coordination_mainstreaming.ipynb")
    workbook = "module1_02_coordination_mainstreaming"
    words, story = _step_words("q1", "national_report")
    box = _box(page, "Exercise q1")
    go_to_cell_after(page, _cell(notebook, r"\bq1 = book\."))
    tab_until(page, lambda a: a["box"] == box and a["role"] == "radio", backwards=True)
    arrow_to(page, words)
    page.keyboard.press("Space")
    exercise = page.locator(".mld-exercise").nth(box)
    expect(exercise.get_by_role("status").first).to_contain_text("not saved yet")
    assert story[:40] not in exercise.inner_text()
    assert "q1" not in _answers(class_lab, workbook)
    tab_until(page, lambda a: a["box"] == box and a["text"] == "Lock my choice")
    page.keyboard.press("Enter")
    expect(exercise.get_by_role("status").first).to_contain_text("locked")
    assert story[:40] not in exercise.inner_text()  # the story comes with the feedback
    assert _answers(class_lab, workbook)["q1"]["value"] == "national_report"
    # Locked: the arrow keys and Space no longer change the answer.
    tab_until(page, lambda a: a["box"] == box and a["role"] == "radio", backwards=True)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.wait_for_timeout(1000)
    assert _answers(class_lab, workbook)["q1"]["value"] == "national_report"
    _no_serious_violation(page)


def test_the_rating_grid_by_keyboard_reaches_the_answers_file_and_the_radar(class_lab, page):
    from playwright.sync_api import expect
    notebook = _open_and_run(page, class_lab, "04_policy_coherence.ipynb")
    box = _box(page, "Exercise c1")
    grid = page.locator(".mld-exercise").nth(box)
    go_to_cell_after(page, _cell(notebook, r"\bc1 = book\.rating_grid"))
    # From below, Shift+Tab reaches the grid's last menu first; rate the last three.
    tab_until(page, lambda a: a["box"] == box and a["tag"] == "SELECT", backwards=True,
              limit=80)
    chosen = {}
    for level in ("Not in place", "Started, informal", "In place and working well"):
        chosen[active(page)["label"]] = level
        pick_in_menu(page, level)
        page.keyboard.press("Shift+Tab")
    expect(grid.get_by_role("status").first).to_contain_text("3 of 12 ratings chosen")
    tab_until(page, lambda a: a["box"] == box and a["text"] == "Show my radar", limit=40)
    page.keyboard.press("Enter")
    expect(grid.locator(".plot-container")).to_have_count(1, timeout=30_000)
    expect(grid).to_contain_text("My gap list (2)")
    tab_until(page, lambda a: a["box"] == box
              and a["text"] == "Keep these ratings as my starting point")
    page.keyboard.press("Enter")
    expect(grid.get_by_role("status").first).to_contain_text("starting point of")
    saved = _answers(class_lab, "module1_04_policy_coherence")["c1"]["value"]
    assert len(saved["ratings"]) == 3 and saved["before"]["ratings"] == saved["ratings"]
    assert sorted(r["level"] for r in saved["ratings"].values()) == [0, 1, 3]
    _no_serious_violation(page)


def test_the_profile_builder_by_keyboard_writes_the_html_and_pdf_files(class_lab, page):
    from playwright.sync_api import expect
    folder = class_lab.home / ASSIGNMENT
    notebook = _open_and_run(page, class_lab, "07_profile_builder.ipynb")
    before = set(folder.iterdir())

    # A country: the menu, "Build the profile", then both save buttons.
    boxes = page.locator(".mld-exercise")
    country = next(i for i in range(boxes.count())
                   if boxes.nth(i).get_by_role("button", name="Build the profile").count())
    builder = boxes.nth(country)
    go_to_cell_after(page, _cell(notebook, r"profiles\.country_builder\("))
    tab_until(page, lambda a: a["box"] == country and a["tag"] == "SELECT", backwards=True,
              limit=120)
    pick_in_menu(page, "Senegal")
    # Each arrow key sends the menu's value to the kernel; the menu shows no status line to
    # wait for, so give the last one time to arrive before the button is pressed.
    page.wait_for_timeout(3000)
    tab_until(page, lambda a: a["box"] == country and a["text"] == "Build the profile")
    page.keyboard.press("Enter")
    status = builder.locator(".mld-status")
    expect(status).to_contain_text("✔ Profile of Senegal built", timeout=WRITTEN)
    for kind in ("HTML", "PDF"):
        tab_until(page, lambda a, kind=kind: a["box"] == country and a["text"] == f"Save as {kind}")
        page.keyboard.press("Enter")
        expect(status).to_contain_text(f".{kind.lower()}", timeout=WRITTEN)
        expect(status).to_contain_text("✔ Saved as", timeout=WRITTEN)

    # A municipality: the sample, then "Save as HTML".
    box = next(i for i in range(boxes.count())
               if boxes.nth(i).get_by_role("button", name="Use the sample (Valderra)").count())
    go_to_cell_after(page, _cell(notebook, r"profiles\.municipal_builder\("))
    tab_until(page, lambda a: a["box"] == box and a["text"] == "Use the sample (Valderra)",
              backwards=True, limit=120)
    page.keyboard.press("Enter")
    status = boxes.nth(box).locator(".mld-status")
    expect(status).to_contain_text("✔ Profile of Valderra built", timeout=WRITTEN)
    tab_until(page, lambda a: a["box"] == box and a["text"] == "Save as HTML")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("✔ Saved as", timeout=WRITTEN)

    written = sorted(p.name for p in set(folder.iterdir()) - before)
    assert [n for n in written if n.endswith(".pdf")] and \
        len([n for n in written if n.endswith(".html")]) == 2, written
    for name in written:
        assert (folder / name).stat().st_size > 1000, name
    assert (folder / [n for n in written if n.endswith(".pdf")][0]).read_bytes()[:5] == b"%PDF-"
    _no_serious_violation(page)
