"""The trainee's journey in a real JupyterLab (headless Chromium), issue 14's "Done when":
a self-study trainee who has done Core's notebooks 02 to 07 writes their reflection in
notebook 01, opens the course home (the overview), sees their progress and next step,
writes the action plan and the statement of completion with the overview's buttons; then
an instructor issues and verifies a certificate from a class gradebook (mld certificates).

MLD_SCREENSHOTS=1 also saves docs/screenshots/course-home.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import classbook
import pytest
from conftest import ROOT
from test_action_plan import complete
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_LOAD,
    SAVED,
    browser_ready,  # noqa: F401 (a fixture, used by name)
    dismiss_dialogs,
    jupyterlab,
    run_all,
)
from test_certificates import pdf_text

from toolbox_widgets.course.trainee_setup import lab_options, match_kernel
from toolbox_widgets.trainee import home as course_home
from toolbox_widgets.trainee.answers import AnswerStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]
class_book = classbook.class_book
SHOTS = ROOT / "docs" / "screenshots"
MINE = "In Ñuñoa the registry counts residents born abroad; the façade office keeps them."


def _open(page, url, token, notebook):
    page.goto(f"{url}/lab/tree/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=PAGE_LOAD)
    page.get_by_text("| Idle").wait_for(timeout=PAGE_LOAD)
    page.wait_for_timeout(2000)
    dismiss_dialogs(page)


def test_a_trainee_sees_their_journey_and_writes_their_documents(browser_ready,  # noqa: F811
                                                                 tmp_path):
    from playwright.sync_api import expect, sync_playwright

    mine = tmp_path / "self-study"
    shutil.copytree(ROOT / "selfstudy" / "core", mine / "core")
    core = mine / "core"
    complete(core)  # every scored exercise checked right: the earlier sessions
    for state in course_home.find_modules(core)[0].notebooks:  # and their reflections
        for item in state.reflections:
            AnswerStore(state.workbook, core, self_study=True).set(item, "Our district plan.")
    store = AnswerStore("core_01_why_local", core, self_study=True)
    for item in ("q1", "q2", "q3", "q4", "q5", "r1"):  # 01 still open: nothing there yet
        store.clear(item)
        store.set_check(item, None, None)
    match_kernel(mine)
    with jupyterlab(mine, tmp_path, *lab_options()) as (url, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            # Notebook 01: the reflection about their own territory, typed in its box.
            _open(page, url, token, "core/01_why_local.ipynb")
            run_all(page, expect)
            box = page.get_by_label("Your reflection r1:")
            box.scroll_into_view_if_needed()
            box.click()
            box.press_sequentially(MINE, delay=5)
            page.wait_for_timeout(1500)  # the last keys reach the kernel, which saves them
            expect(page.get_by_text("words so far").first).to_be_visible(timeout=SAVED)

            # The course home: progress, points, next step.
            _open(page, url, token, "core/00_overview.ipynb")
            run_all(page, expect)
            home = page.locator(".course-home")
            expect(home).to_contain_text("Next step: open Why local?", timeout=SAVED)
            expect(home).to_contain_text("Notebooks done: 6 of 7.")
            expect(home).to_contain_text("✔ Completed: at least 70% of the points.")
            expect(home).to_contain_text("◐ started")
            home.scroll_into_view_if_needed()
            if os.environ.get("MLD_SCREENSHOTS") == "1":
                page.screenshot(path=str(SHOTS / "course-home.png"))

            # The buttons: the action plan, then the statement of completion.
            page.get_by_label("Your name:").fill("Françoise Çelik-Muñoz")
            page.get_by_role("button", name="Write my action plan").click()
            said = page.locator("[role=status]").filter(has_text="Written")
            expect(said.first).to_contain_text("my-action-plan.pdf", timeout=SAVED)
            page.get_by_role("button", name="Write my statement of completion").click()
            expect(page.locator("[role=status]").filter(
                has_text="my-statement-of-completion.pdf").first).to_be_visible(timeout=SAVED)
        finally:
            browser.close()
    plan = " ".join(pdf_text(mine / "my-action-plan.pdf").split())
    assert MINE in plan and "Written by Françoise Çelik-Muñoz" in plan
    statement = " ".join(pdf_text(mine / "my-statement-of-completion.pdf").split())
    assert "Statement of completion (self-assessed)" in statement
    assert "Françoise Çelik-Muñoz" in statement and "It is not a certificate." in statement
    assert "Verification code" not in statement
    done = course_home.find_modules(core)[0]
    assert done.passed and not done.notebooks[1].finished  # 01: exercises still open


def test_an_instructor_issues_and_verifies_a_certificate(class_book, tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copy(class_book, tmp_path / "gradebook.db")
    mld = [sys.executable, "-m", "toolbox_widgets.cli", "certificates"]
    issued = subprocess.run([*mld, "core", "--min", "70", "--issuer", "Course team, Dakar"],
                            cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    code = issued.split(", code ")[1].split(")")[0]
    assert "fran: no certificate: core 57% (below 70%)" in issued
    text = pdf_text(tmp_path / "certificates" / "certificate-ana.pdf")
    assert "Ana Núñez" in text and "Course team, Dakar" in text
    checked = subprocess.run([*mld, "verify", code], cwd=tmp_path, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0 and checked.stdout.startswith("Valid:")
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    checked = subprocess.run([*mld, "verify", tampered], cwd=tmp_path, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 1 and checked.stdout.startswith("Refused:")
