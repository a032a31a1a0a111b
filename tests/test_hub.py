"""The whole classroom on a real JupyterHub, end to end in headless Chromium.

deploy/jupyterhub/trial.py starts the hub on loopback with one instructor and two
trainees (system users). Then, all through the browser:

1. the instructor releases Core from Formgrader (in JupyterLab);
2. each trainee fetches it in nbgrader's Assignments panel, opens the notebook from
   there, answers by clicking and typing (Ana everything, Ben the first half), saves
   and submits from the panel;
3. the instructor collects in Formgrader, autogrades the class with `mld grade` (each
   submission in its sandbox), then generates and releases the feedback in Formgrader;
4. each trainee fetches the feedback in the Assignments panel, opens it and sees the
   score, and the charts.

Scores are checked in the gradebook, in Formgrader and in the feedback. The course is
cut down to notebooks/core/01_why_local.ipynb to keep the run short. Needs root,
Chromium, npm (or deploy/jupyterhub/node_modules) and JupyterHub in the course venv
(the hub runs from it): without them the test is skipped locally and fails in CI
(CI=true). The users' servers run from the trial's own single-user environment,
STATE/venv, which trial.py makes from a Python every user can reach, so neither the
checkout nor the Python of .venv (a pyenv one under /root, say) need be open to them.

The hub's state folder is kept between runs, so a second run meets existing users,
hub database, exchange and single-user environment (reinstalled only when the course's
sources changed); each run starts the course itself afresh (trainees' homes, the
instructor's course copy and the course's folder in the exchange).

Set MLD_SCREENSHOTS=1 to save the main screens to docs/screenshots/.

A second, quick test builds the trainees' `student` branch (deploy/student_branch.py)
in a temporary clone and checks that nothing but student material is on it.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from conftest import ROOT
from nbgrader.api import Gradebook
from test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LAB_SETTINGS,
    PAGE_LOAD,
    SAVED,
    _free_port,
    _unavailable,
    answer_every_task,
    dismiss_dialogs,
    read_answers,
    trainee_tasks,
    wait_for_server,
)

DEPLOY = ROOT / "deploy" / "jupyterhub"
sys.path.insert(0, str(DEPLOY))
import hub_processes  # noqa: E402 (stops the hub and every process it started)
import trial  # noqa: E402 (deploy/jupyterhub/trial.py: the one command under test)

ASSIGNMENT = "core"
NOTEBOOK = "01_why_local.ipynb"
COURSE_ID = "migration-local-development"
INSTRUCTOR = "mldtest-instructor"
ANA, BEN = "mldtest-ana", "mldtest-ben"  # Ana answers everything, Ben the first half
USERS = (INSTRUCTOR, ANA, BEN)
# Kept between runs (not pytest's tmp_path, which other users cannot enter).
STATE = Path(tempfile.gettempdir()) / "mld-hub-test"
SCREENSHOTS = ROOT / "docs" / "screenshots"

HUB_START = 240  # seconds: includes building the instructor's course
SPAWN = 120_000  # milliseconds: a user's first JupyterLab on a 2-core machine
GRADING = 180_000  # autograde runs the notebook in a fresh kernel


# --- processes: everything the test starts is stopped by the test -----------------------------

def stop_hub(process: subprocess.Popen) -> list:
    """Stop the hub, its services, every user's server and the proxy; the processes that
    outlived the hub are returned (hub_processes.py stopped them)."""
    left = hub_processes.stop_hub(process, STATE)
    for name in USERS:
        trial.stop_user(name)  # these users exist only for this test
    return left


def wait_for_culler(process: subprocess.Popen, api_port: int, seconds: float = 60) -> None:
    """The idle culler runs under the hub, and is found by its environment too: so the
    check that nothing outlives the hub checks it (one once outlived a CI run)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for child in hub_processes.hub_processes(process, STATE):
            try:
                if "jupyterhub_idle_culler" in " ".join(child.cmdline()):
                    assert child in clients_of(api_port), "the culler's hub API URL changed"
                    return
            except psutil.Error:
                pass  # ended meanwhile
        time.sleep(1)
    raise AssertionError(f"no idle culler ran under the hub within {seconds} s")


def clients_of(api_port: int) -> list[psutil.Process]:
    """Processes anywhere whose hub API is on this port (its services and users' servers):
    found by their environment, so a dead hub's orphans are found too."""
    found = []
    for process in psutil.process_iter():
        try:
            if f":{api_port}/" in process.environ().get("JUPYTERHUB_API_URL", ""):
                found.append(process)
        except psutil.Error:
            pass  # ended meanwhile, or not ours to read
    return found


# --- the hub ---------------------------------------------------------------------------------

@dataclass
class Hub:
    url: str
    password: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def home(self, name: str) -> Path:
        return Path(pwd.getpwnam(name).pw_dir)

    @property
    def course(self) -> Path:
        return self.home(INSTRUCTOR) / trial.COURSE_FOLDER


@pytest.fixture(scope="module")
def hub_ready() -> None:
    """Skip loudly (fail in CI) when something the hub needs is missing."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    if os.geteuid() != 0:
        _unavailable("the hub test creates system users: run it as root")
    if not (trial.VENV_BIN / "jupyterhub").exists():  # the hub runs from the course venv
        _unavailable(f"JupyterHub is not in {trial.VENV_BIN.parent} "
                     f"(pip install {' '.join(trial.HUB_PACKAGES)})")
    if not trial.PROXY.exists() and not shutil.which("npm"):
        _unavailable("npm is missing, so configurable-http-proxy cannot be installed")


def fresh_start() -> None:
    """Existing users keep their accounts; their homes and the course start afresh."""
    for name in USERS:
        trial.stop_user(name)
        user = trial.ensure_user(name)
        home = Path(user.pw_dir)
        for item in home.iterdir():
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
        # Quiet JupyterLab (no news toast) that keeps every cell in the page.
        settings = home / ".jupyter" / "lab" / "user-settings"
        for plugin, values in LAB_SETTINGS.items():
            (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
            (settings / plugin).write_text(json.dumps(values))
        trial.chown_tree(home / ".jupyter", user)
    shutil.rmtree(STATE / "exchange" / COURSE_ID, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(hub_ready, tmp_path_factory):
    fresh_start()
    # The single-user environment first, so that HUB_START does not include a first
    # install; trial.py then finds it up to date.
    started = time.monotonic()
    trial.ensure_state(STATE)
    trial.hub_environment(STATE)
    print(f"single-user environment ready: {time.monotonic() - started:.0f} s")
    port, api_port = _free_port(), _free_port()
    password = secrets.token_urlsafe(12)
    log = tmp_path_factory.mktemp("hub") / "jupyterhub.log"
    command = [sys.executable, str(DEPLOY / "trial.py"), "--no-install",
               "--state", str(STATE), "--port", str(port),
               "--hub-api-port", str(api_port), "--proxy-api-port", str(_free_port()),
               "--instructor", INSTRUCTOR, "--trainees", f"{ANA},{BEN}",
               "--password", password, "--only", f"{ASSIGNMENT}/{NOTEBOOK}"]
    with open(log, "wb") as out:
        # Its own session: trial.py becomes the hub, which starts the proxy and servers.
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(process, f"{url}/hub/health", log, HUB_START, "the hub")
        wait_for_culler(process, api_port)
        yield Hub(url, password, log)
    finally:
        started = hub_processes.hub_processes(process, STATE)
        outlived = stop_hub(process)
        if outlived:
            print(f"the hub left these running; stopped now: {outlived}")
        orphans = [p for p in clients_of(api_port) if p not in started]
        left = hub_processes.running([*started, *orphans])
        for child in left:  # nothing outlives the test, even when it fails
            child.kill()
        assert not left, f"processes the hub started left behind: {left}"
        leftovers = {name: trial.user_processes(name) for name in USERS}
        assert not any(leftovers.values()), f"processes left behind: {leftovers}"


# --- the browser -------------------------------------------------------------------------------

def shot(page, name: str, tmp: Path) -> None:
    """Screenshots go to docs/screenshots/ only when asked for (MLD_SCREENSHOTS=1)."""
    folder = SCREENSHOTS if os.environ.get("MLD_SCREENSHOTS") == "1" else tmp
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


def log_in(browser, hub: Hub, name: str):
    """A separate browser context per user, as on separate computers."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{hub.url}/hub/login", timeout=PAGE_LOAD)
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(hub.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=SPAWN)
    page.locator(".lm-MenuBar").first.wait_for(timeout=PAGE_LOAD)
    dismiss_dialogs(page)
    return page


def nbgrader_menu(page, item: str) -> None:
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


# --- the instructor: Formgrader inside JupyterLab ----------------------------------------------

def formgrader(page):
    nbgrader_menu(page, "Formgrader")
    return page.frame_locator("#formgrader iframe")


def assignment_row(frame):
    return frame.locator("tr", has=frame.locator("td.name", has_text=re.compile(
        rf"^{ASSIGNMENT}$")))


def formgrader_action(frame, button, expect, timeout: int = PAGE_LOAD) -> str:
    """Click a Formgrader action; it must report success. Returns the log it shows."""
    button.click()
    modal = frame.locator("#success-modal, #error-modal")
    expect(modal).to_be_visible(timeout=timeout)
    text = modal.inner_text()
    assert modal.get_attribute("id") == "success-modal", f"Formgrader reported:\n{text}"
    modal.locator(".modal-footer button").click()
    expect(frame.locator("#success-modal")).to_have_count(0)
    return text


def release(browser, hub: Hub, expect) -> None:
    page = log_in(browser, hub, INSTRUCTOR)
    frame = formgrader(page)
    row = assignment_row(frame)
    expect(row.locator("td.status")).to_have_text("draft", timeout=PAGE_LOAD)
    formgrader_action(frame, row.locator("td.release a"), expect)
    expect(row.locator("td.status")).to_have_text("released")
    page.context.close()


def collect_grade_feedback(browser, hub: Hub, expected: dict[str, tuple[float, float]],
                           expect, tmp: Path) -> None:
    """Collect in Formgrader; autograde the class with `mld grade`, run by the instructor
    in a terminal of the hub's environment; check the scores, generate and release the
    feedback in Formgrader."""
    page = log_in(browser, hub, INSTRUCTOR)
    frame = formgrader(page)
    row = assignment_row(frame)
    formgrader_action(frame, row.locator("td.collect a"), expect)
    expect(row.locator("td.num-submissions")).to_have_text(str(len(expected)))
    env_bin = STATE / "venv" / "bin"
    trial.as_user(pwd.getpwnam(INSTRUCTOR), [env_bin / "mld", "grade", ASSIGNMENT],
                  cwd=hub.course, env_bin=env_bin)
    # Manage Submissions loads the scores from the gradebook mld grade wrote.
    row.locator("td.num-submissions a").click()
    for student, (score, max_score) in expected.items():
        line = frame.locator("tr", has=frame.locator("td", has_text=student))
        # The score as Formgrader shows it (JavaScript prints 9 and 4.5, not 9.0).
        expect(line.locator("td.score")).to_have_text(f"{score:g} / {max_score:g}",
                                                      timeout=PAGE_LOAD)
    shot(page, "instructor-formgrader.png", tmp)
    frame.get_by_role("link", name="Manage Assignments").first.click()
    formgrader_action(frame, row.locator("td.generate-feedback a"), expect, timeout=GRADING)
    formgrader_action(frame, row.locator("td.release-feedback a"), expect)
    page.context.close()


# --- a trainee: the Assignments panel ------------------------------------------------------------

def assignments_panel(page):
    """A trainee's only nbgrader menu is Assignments: no Formgrader, no Create Assignment."""
    menus = page.locator(".lm-MenuBar-itemLabel")
    menus.first.wait_for(timeout=PAGE_LOAD)
    assert "Nbgrader" not in menus.all_inner_texts()
    assert page.get_by_text("Create Assignment").count() == 0
    page.get_by_role("menuitem", name="Assignments", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List", exact=True).click()
    panel = page.locator("#assignments")
    panel.wait_for(timeout=PAGE_LOAD)
    return panel


def trainee_works(browser, hub: Hub, name: str, tasks, expect, tmp: Path,
                  screenshot: str | None = None) -> None:
    """Fetch, open from the panel, answer with the controls, save, submit."""
    page = log_in(browser, hub, name)
    panel = assignments_panel(page)
    released = panel.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
    released.get_by_role("button", name="Fetch").click()
    fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=ASSIGNMENT)
    expect(fetched.get_by_role("button", name="Submit")).to_be_visible(timeout=PAGE_LOAD)
    fetched.locator("a.assignment-notebooks-link").click()  # show its notebooks
    fetched.get_by_role("link", name=Path(NOTEBOOK).stem).click()
    # Fetched after the server started, it still opens unmodified (the trainee's contents
    # manager gives it the kernel's language_info).
    page.get_by_text("| Idle").wait_for(timeout=PAGE_LOAD)
    page.wait_for_timeout(2000)  # JupyterLab writes the kernel's metadata after that
    assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0, "opened as modified"

    folder = hub.home(name) / ASSIGNMENT
    answer_every_task(page, tasks, folder, expect)
    answers = read_answers(folder)
    for task in tasks:
        if task.exercise_id:
            assert answers.get(task.exercise_id) == task.stored, (name, task.exercise_id)

    page.get_by_role("tab", name="Assignments").click()
    fetched.get_by_role("button", name="Submit").click()
    submitted = panel.locator("#submitted_assignments_list > .list_item", has_text=ASSIGNMENT)
    expect(submitted).to_have_count(1, timeout=PAGE_LOAD)
    if screenshot:
        shot(page, screenshot, tmp)
    page.context.close()


def trainee_reads_feedback(browser, hub: Hub, name: str, score: float, max_score: float,
                           expect, tmp: Path, screenshot: str | None = None) -> None:
    """Fetch the feedback in the panel, open it, and see the score and the charts."""
    page = log_in(browser, hub, name)
    panel = assignments_panel(page)
    submitted = panel.locator("#submitted_assignments_list > .list_item", has_text=ASSIGNMENT)
    submitted.get_by_role("button", name="Fetch Feedback").click()
    view = submitted.get_by_text("(view feedback)")
    expect(view).to_be_visible(timeout=PAGE_LOAD)
    view.click()  # the file browser goes to the feedback folder
    html = f"{Path(NOTEBOOK).stem}.html"
    page.locator(".jp-DirListing-item", has_text=html).dblclick()
    viewer = page.frame_locator(".jp-HTMLViewer iframe")
    heading = f"{Path(NOTEBOOK).stem} (Score: {round(score, 2):.1f} / {round(max_score, 2):.1f})"
    expect(viewer.get_by_text(heading)).to_be_visible(timeout=PAGE_LOAD)
    # The feedback's charts are plotly.js: they draw once the trainee trusts the page.
    page.get_by_role("button", name="Trust HTML").click()
    chart = viewer.locator(".plotly-graph-div").first
    expect(chart.locator(".main-svg").first).to_be_attached(timeout=PAGE_LOAD)
    expect(viewer.locator(".chart-alt").first).to_contain_text("Chart in words")
    if screenshot:  # the score at the top, then the first chart and its words
        shot(page, f"{screenshot}.png", tmp)
        chart.scroll_into_view_if_needed()
        shot(page, f"{screenshot}-chart.png", tmp)
    page.context.close()

    feedback = list((hub.home(name) / ASSIGNMENT / "feedback").glob(f"*/{html}"))
    assert len(feedback) == 1, f"{name}: feedback files {feedback}"
    text = feedback[0].read_text(encoding="utf-8")
    assert heading in text
    assert "plotly-graph-div" in text and "Chart in words" in text


# --- the test -----------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_classroom_on_jupyterhub(hub, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=SAVED)
    started = time.monotonic()
    instructor_notebook = hub.course / "source" / ASSIGNMENT / NOTEBOOK
    work = {ANA: trainee_tasks(instructor_notebook)}
    work[BEN] = trainee_tasks(instructor_notebook)[: len(work[ANA]) // 2]
    max_score = sum(t.points for t in work[ANA])  # reflections count, graded by hand later
    expected = {name: (sum(t.points for t in tasks if not t.manual), max_score)
                for name, tasks in work.items()}

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            release(browser, hub, expect)
            print(f"released: {time.monotonic() - started:.0f} s")
            for name, tasks in work.items():
                trainee_works(browser, hub, name, tasks, expect, tmp_path,
                              "trainee-assignments.png" if name == ANA else None)
                print(f"{name} submitted: {time.monotonic() - started:.0f} s")
            collect_grade_feedback(browser, hub, expected, expect, tmp_path)
            print(f"graded, feedback released: {time.monotonic() - started:.0f} s")
            for name, (score, top) in expected.items():
                trainee_reads_feedback(browser, hub, name, score, top, expect, tmp_path,
                                       "trainee-feedback" if name == ANA else None)
        except Exception:
            print(f"Hub log ({hub.log}), last lines:\n{hub.log_tail()}")
            raise
        finally:
            browser.close()

    # The gradebook agrees, cell by cell: Ana has every point, Ben those of his half.
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}") as gradebook:
        for name, tasks in work.items():
            submission = gradebook.find_submission_notebook(Path(NOTEBOOK).stem, ASSIGNMENT,
                                                            name)
            scores = {g.name: g.score for g in submission.grades}
            answered = {t.grade_id for t in tasks if not t.manual}
            for task in work[ANA]:
                if not task.manual:
                    want = task.points if task.grade_id in answered else 0.0
                    assert scores[task.grade_id] == pytest.approx(want), (name, task.grade_id)
            assert submission.score == pytest.approx(expected[name][0]), name
            assert submission.max_score == pytest.approx(max_score), name
    print(f"Classroom on JupyterHub: {time.monotonic() - started:.0f} s "
          f"(scores {expected})")


# --- distribution: the student branch ---------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def student_branch(repo: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "deploy" / "student_branch.py"),
                           "--repo", str(repo), "--repo-url", "https://example.org/o/mld.git",
                           "--hub", "https://hub.example.org", *extra],
                          capture_output=True, text=True, check=False)


def test_student_branch_holds_only_student_material(tmp_path):
    if not shutil.which("git"):
        _unavailable("git is missing")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    before = (git(clone, "rev-parse", "HEAD"), git(clone, "symbolic-ref", "HEAD"),
              git(clone, "status", "--porcelain"), (clone / ".git" / "index").read_bytes())

    made = student_branch(clone)
    assert made.returncode == 0, made.stderr
    files = git(clone, "ls-tree", "-r", "--name-only", "student").splitlines()
    released = git(clone, "ls-tree", "-r", "--name-only", "HEAD:release").splitlines()
    assert sorted(files) == sorted([*released, "README.md", "requirements.txt"])
    assert not [f for f in files if f.startswith(("source/", "notebooks/", "release/"))]
    for path in files:
        text = git(clone, "show", f"student:{path}")
        for marker in ("BEGIN SOLUTION", "HIDDEN TESTS"):
            assert marker not in text, f"{path} holds {marker}"
    assert "toolbox-widgets @ git+https://example.org/o/mld.git@" in git(
        clone, "show", "student:requirements.txt")
    # One nbgitpuller link per module, opening its first notebook in the clone's folder.
    assert ("https://hub.example.org/hub/user-redirect/git-pull?"
            "repo=https%3A%2F%2Fexample.org%2Fo%2Fmld.git&branch=student&"
            "urlpath=lab%2Ftree%2Fmld%2Fcore%2F") in made.stdout
    # Nothing the author works with was touched: branch, HEAD, index, working tree.
    assert before == (git(clone, "rev-parse", "HEAD"), git(clone, "symbolic-ref", "HEAD"),
                      git(clone, "status", "--porcelain"),
                      (clone / ".git" / "index").read_bytes())

    # Again without changes: no new commit.
    tip = git(clone, "rev-parse", "student")
    again = student_branch(clone)
    assert again.returncode == 0 and "up to date" in again.stdout
    assert git(clone, "rev-parse", "student") == tip

    # A solution that slipped into release/ stops the publication.
    leaked = clone / "release" / "core" / "leak.ipynb"
    leaked.write_text('{"cells": [{"source": "### BEGIN SOLUTION"}]}')
    git(clone, "add", str(leaked))
    git(clone, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "leak")
    refused = student_branch(clone)
    assert refused.returncode != 0 and "BEGIN SOLUTION" in refused.stderr + refused.stdout
    assert git(clone, "rev-parse", "student") == tip
