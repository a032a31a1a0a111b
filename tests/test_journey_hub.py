"""The course home and the action plan on a real JupyterHub (issue 14: "works locally, on
the hub"), in headless Chromium, with the hub of test_hub.py (deploy/jupyterhub/trial.py,
system users, nbgrader's exchange).

The instructor releases Core (cut down to the overview and notebook 01); Ana fetches it,
answers part of 01, opens the overview from the Assignments panel and sees her own progress
and next step, and writes her action plan into her home; Ben, who answered nothing, sees
none of Ana's work on his course home. Run it alone (it starts a hub, creates system users
and needs root), like test_hub.py; skipped where the hub cannot run, failed in CI.
"""

from __future__ import annotations

import pwd
import secrets
import subprocess
import sys
import time

import pytest
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_LOAD,
    SAVED,
    _free_port,
    answer_every_task,
    dismiss_dialogs,
    run_all,
    trainee_tasks,
    wait_for_server,
)
from test_hub import (  # the hub's set-up, shared with the classroom test
    ANA,
    ASSIGNMENT,
    BEN,
    DEPLOY,
    HUB_START,
    INSTRUCTOR,
    STATE,
    USERS,
    Hub,
    assignments_panel,
    fresh_start,
    hub_ready,  # noqa: F401 (a fixture, used by name)
    log_in,
    release,
    shot,
    stop_hub,
    trial,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OVERVIEW, FIRST = "00_overview.ipynb", "01_why_local.ipynb"


@pytest.fixture(scope="module")
def hub(hub_ready, tmp_path_factory):  # noqa: F811
    fresh_start()  # every user's home and the instructor's course afresh
    trial.ensure_state(STATE)
    trial.hub_environment(STATE)
    port = _free_port()
    password = secrets.token_urlsafe(12)
    log = tmp_path_factory.mktemp("hub") / "jupyterhub.log"
    command = [sys.executable, str(DEPLOY / "trial.py"), "--no-install",
               "--state", str(STATE), "--port", str(port),
               "--hub-api-port", str(_free_port()), "--proxy-api-port", str(_free_port()),
               "--instructor", INSTRUCTOR, "--trainees", f"{ANA},{BEN}",
               "--password", password,
               "--only", f"{ASSIGNMENT}/{OVERVIEW}", "--only", f"{ASSIGNMENT}/{FIRST}"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(process, f"{url}/hub/health", log, HUB_START, "the hub")
        yield Hub(url, password, log)
    finally:
        stop_hub(process)
        leftovers = {name: trial.user_processes(name) for name in USERS}
        assert not any(leftovers.values()), f"processes left behind: {leftovers}"


def fetch_and_open(browser, hub: Hub, name: str, notebook: str, expect, fetch: bool):
    """Log in, fetch Core in the Assignments panel (the first time), then open a notebook
    of the fetched folder alone (?reset: no tab of an earlier session in front of it)."""
    page = log_in(browser, hub, name)
    if fetch:
        panel = assignments_panel(page)
        released = panel.locator("#released_assignments_list .list_item",
                                 has_text=ASSIGNMENT)
        released.get_by_role("button", name="Fetch").click()
        fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=ASSIGNMENT)
        expect(fetched.get_by_role("button", name="Submit")).to_be_visible(timeout=PAGE_LOAD)
    page.goto(f"{hub.url}/user/{name}/lab/tree/{ASSIGNMENT}/{notebook}?reset",
              timeout=PAGE_LOAD)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=PAGE_LOAD)
    page.get_by_text("| Idle").wait_for(timeout=PAGE_LOAD)
    page.wait_for_timeout(2000)
    dismiss_dialogs(page)
    return page


def course_home(page, expect):
    run_all(page, expect)
    home = page.locator(".course-home")
    expect(home).to_be_visible(timeout=SAVED)
    home.scroll_into_view_if_needed()
    return home


@pytest.mark.browser
@pytest.mark.slow
def test_course_home_and_action_plan_on_the_hub(hub, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=SAVED)
    started = time.monotonic()
    tasks = trainee_tasks(hub.course / "source" / ASSIGNMENT / FIRST)
    ana_tasks = [t for t in tasks if t.exercise_id][:2]  # two exercises of 01, no more
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            release(browser, hub, expect)
            page = fetch_and_open(browser, hub, ANA, FIRST, expect, fetch=True)
            answer_every_task(page, ana_tasks, hub.home(ANA) / ASSIGNMENT, expect)
            page.context.close()
            print(f"Ana answered: {time.monotonic() - started:.0f} s")

            page = fetch_and_open(browser, hub, ANA, OVERVIEW, expect, fetch=False)
            home = course_home(page, expect)
            expect(home).to_contain_text("Next step: open Why local?")
            expect(home).to_contain_text("Notebooks answered in full: 0 of 1.")
            expect(home).to_contain_text("◐ started")
            shot(page, "course-home-hub.png", tmp_path)
            page.get_by_label("Your name:").fill("Ana Núñez")
            page.get_by_role("button", name="Write my action plan").click()
            said = page.locator("[role=status]").filter(has_text="Written")
            expect(said.first).to_contain_text("my-action-plan.pdf", timeout=SAVED)
            # The class version: no statement of completion (the instructor certifies).
            assert page.get_by_role("button", name="Write my statement of completion") \
                .count() == 0
            page.context.close()

            page = fetch_and_open(browser, hub, BEN, OVERVIEW, expect, fetch=True)
            home = course_home(page, expect)
            expect(home).to_contain_text("Next step: open Why local?")
            expect(home).not_to_contain_text("◐ started")  # Ana's answers are not his
            expect(home).to_contain_text("○ not started")
            page.context.close()
        except Exception:
            print(f"Hub log ({hub.log}), last lines:\n{hub.log_tail()}")
            raise
        finally:
            browser.close()

    ana = pwd.getpwnam(ANA)
    plans = sorted(hub.home(ANA).glob("my-action-plan.*"))
    assert [p.name for p in plans] == ["my-action-plan.html", "my-action-plan.pdf"]
    assert all(p.stat().st_uid == ana.pw_uid for p in plans)  # written as Ana, in her home
    assert not list(hub.home(BEN).glob("my-action-plan.*"))
    text = subprocess.run(["pdftotext", str(plans[1]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Written by Ana Núñez" in " ".join(text.split())
    print(f"Course home on JupyterHub: {time.monotonic() - started:.0f} s")
