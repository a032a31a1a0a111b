"""The trainee's page in a real JupyterLab (headless Chromium), set up as
`python3 course.py open` sets it up: the trainee's lab settings, and a workspace whose
notebooks carry this kernel's language_info.

It checks what a trainee sees: a notebook that does not open as modified, no cell
toolbar and no instructor tools, dollar signs that stay dollar signs, a run notebook
under 1 MB, and after the kernel is gone a plain "Run this cell" line where JupyterLab
would print "Error displaying widget: model not found".

MLD_SCREENSHOTS=1 also saves docs/screenshots/trainee-page-*.png.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request

import pytest
from conftest import ROOT
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_LOAD,
    browser_ready,  # noqa: F401 (a fixture, used by name)
    jupyterlab,
    dismiss_dialogs,
    run_all,
)

from toolbox_widgets.trainee.page_style import RUN_AGAIN
from toolbox_widgets.course.trainee_setup import match_kernel

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = ROOT / "docs" / "screenshots"
MAX_RUN_SIZE = 1_000_000
DIRTY = ".lm-TabBar-tab.jp-mod-dirty"
MATHS = "mjx-container"


@pytest.fixture
def trainee_lab(lab_server, tmp_path):
    """The committed student version in a workspace of this test's own, on the session's
    JupyterLab, as course.py opens it (tests/lab_server.py); the notebooks' path there."""
    home = lab_server.root / tmp_path.name
    shutil.copytree(ROOT / "release" / "core", home / "core")
    match_kernel(home)
    try:
        yield lab_server.url, lab_server.token, home, f"{tmp_path.name}/core"
    finally:
        lab_server.stop_kernels()

def _open(page, url, token, notebook):
    page.goto(f"{url}/lab/tree/{notebook}?reset&token={token}")  # only this notebook open
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=PAGE_LOAD)
    page.get_by_text("| Idle").wait_for(timeout=PAGE_LOAD)  # the kernel has started
    page.wait_for_timeout(2000)  # JupyterLab writes the kernel's metadata after that
    dismiss_dialogs(page)


def _shot(page, name):
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"trainee-page-{name}.png"))


def _show_exercise(page, exercise_id):
    header = page.locator(".jp-OutputArea-output").get_by_text(
        f"Exercise {exercise_id}", exact=True).first
    header.scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def test_trainee_page_is_clean_light_and_honest(trainee_lab):
    from playwright.sync_api import expect, sync_playwright
    url, token, home, tree = trainee_lab
    notebook = home / "core" / "01_why_local.ipynb"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            # Markdown with dollar signs (03's q2 instructions) is text, not maths.
            _open(page, url, token, f"{tree}/03_two_way_link.ipynb")
            assert page.locator(f".jp-Notebook {MATHS}").count() == 0
            assert page.locator(DIRTY).count() == 0, "03 opened as modified"

            _open(page, url, token, f"{tree}/01_why_local.ipynb")
            assert page.locator(DIRTY).count() == 0, "01 opened as modified"
            menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            assert "Nbgrader" not in menus and "Kernel" in menus
            assert page.get_by_text("Create Assignment").count() == 0
            assert page.locator(".jp-cell-toolbar").count() == 0
            assert page.get_by_text("Validate").count() >= 1  # trainees keep Validate

            run_all(page, expect)
            expect(page.locator(".plot-container").first).to_be_visible(timeout=30_000)
            assert page.locator(f".jp-Notebook {MATHS}").count() == 0  # chart words too
            words = page.locator(".chart-alt").filter(has_text="US$")
            assert words.count() >= 1
            # The code that builds an exercise is collapsed; its widget is shown.
            _show_exercise(page, "q1")
            assert page.locator(".jp-Notebook .jp-InputPlaceholder").count() > 0
            _shot(page, "exercise")
            page.get_by_text("Chart in words").nth(4).scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            _shot(page, "chart")

            page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-InputPrompt").click()
            page.keyboard.press("Control+s")
            expect(page.locator(DIRTY)).to_have_count(0, timeout=15_000)
            size = notebook.stat().st_size
            assert size < MAX_RUN_SIZE, f"01 is {size} bytes after Run All"

            # Another day: the kernel is gone and the notebook is opened again.
            page.close()
            request = urllib.request.Request(f"{url}/api/kernels?token={token}")
            with urllib.request.urlopen(request) as answer:
                kernels = json.load(answer)
            for kernel in kernels:
                urllib.request.urlopen(urllib.request.Request(
                    f"{url}/api/kernels/{kernel['id']}?token={token}", method="DELETE"))
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _open(page, url, token, f"{tree}/01_why_local.ipynb")
            dead = page.locator(".jp-OutputArea-output.jupyter-widgets")
            expect(dead.first).to_be_attached(timeout=30_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jupyter-widgets')]"
                ".some(e => e.textContent.includes('model not found'))", timeout=30_000)
            seen = page.evaluate("""() => [...document.querySelectorAll(
                    '.jp-OutputArea-output.jupyter-widgets')].map(e => ({
                text: e.textContent,
                hidden: getComputedStyle(e).visibility === 'hidden',
                line: getComputedStyle(e, '::before').content}))""")
            errors = [s for s in seen if "Error" in s["text"]]
            assert errors, seen
            for shown in errors:
                assert shown["hidden"] and RUN_AGAIN in shown["line"], shown
            assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
            page.locator(".jp-OutputArea-output.jupyter-widgets").nth(0) \
                .scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            _shot(page, "reopened")
        finally:
            browser.close()


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HUB_TRAINEE = ROOT / "deploy" / "jupyterhub" / "jupyter" / "trainee"


def _reopened_untrusted(path):
    """A notebook as a trainee gets it back from elsewhere (a hub, a colleague, a submission):
    unsigned, so JupyterLab does not trust it and shows the text form of its exercise (it
    draws widgets only in trusted notebooks); its language_info is the build's, not this
    kernel's."""
    import nbformat
    from toolbox_widgets import Workbook
    book = Workbook("reopened", path.parent)
    q1 = book.single_choice("q1", "Which one?", {"this_one": "this", "that_one": "that"})
    bundle = q1._repr_mimebundle_()
    widget = nbformat.v4.new_output("display_data", data={
        k: v for k, v in bundle.items() if k in ("text/plain", WIDGET_VIEW)})
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Reopened"),
               nbformat.v4.new_code_cell("q1", outputs=[widget], execution_count=1)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"},
                  "language_info": {"name": "python"}})
    nbformat.write(notebook, path)


def test_hub_trainee_lab_has_no_instructor_tools_and_reopens_plainly(browser_ready,  # noqa: F811
                                                                     tmp_path, monkeypatch):
    """The hub's trainee configuration (deploy/jupyterhub/jupyter/trainee/) gives what
    course.py open gives: no Nbgrader menu, no Create Assignment, no cell toolbar, a
    notebook that opens unmodified, and "Run this cell" in a reopened notebook that
    JupyterLab does not trust; plus the Assignments panel, from its own menu."""
    from playwright.sync_api import expect, sync_playwright
    home = tmp_path / "home"
    (home / "core").mkdir(parents=True)
    _reopened_untrusted(home / "core" / "reopened.ipynb")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(HUB_TRAINEE))
    with jupyterlab(home, tmp_path) as (url, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            _open(page, url, token, "core/reopened.ipynb")
            assert page.locator(DIRTY).count() == 0, "the notebook opened as modified"
            menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            assert "Nbgrader" not in menus and "Assignments" in menus, menus
            assert page.get_by_text("Create Assignment").count() == 0
            assert page.locator(".jp-cell-toolbar").count() == 0
            # The custom CSS that says "Run this cell" in a trusted reopened notebook is served.
            css = page.evaluate("async () => (await fetch('/custom/custom.css')).text()")
            assert RUN_AGAIN in css
            expect(page.locator(".jp-OutputArea-output").first).to_contain_text(
                RUN_AGAIN, timeout=30_000)
            assert "Error" not in page.locator(".jp-Notebook").inner_text()
            page.get_by_role("menuitem", name="Assignments", exact=True).click()
            page.get_by_role("menuitem", name="Assignment List", exact=True).click()
            expect(page.locator("#assignments")).to_be_attached(timeout=30_000)
        finally:
            browser.close()
