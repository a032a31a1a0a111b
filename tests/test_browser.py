"""End to end in a real browser: a trainee opens the core notebook in JupyterLab,
runs it, answers every graded exercise with the mouse and the keyboard, saves,
and submits with nbgrader; the instructor collects and autogrades, and every
automatically graded cell must get its full points.

Everything the trainee does is derived from the instructor notebook (trainees.read_key
and the exercise type named in each answer cell), so the test follows the notebook as
it changes. Needs Debian's Chromium at /usr/bin/chromium and the playwright package:
without them the test is skipped locally, and fails in CI (CI=true).

Set MLD_SCREENSHOTS=1 to also save the answered exercises as
docs/screenshots/trainee-core-01.png.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, nbgrader
from nbgrader.api import Gradebook
from trainees import BEGIN, END, read_key

from toolbox_widgets.course.build import tool_env
from toolbox_widgets.trainee import numbers, scoring

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ASSIGNMENT = "core"
NOTEBOOK = "01_why_local.ipynb"
COURSE_ID = "migration-local-development"
SCREENSHOT = ROOT / "docs" / "screenshots" / "trainee-core-01.png"

# Bounded waits, in milliseconds for Playwright and seconds for the rest.
SERVER_START = 60
PAGE_LOAD = 60_000
RUN_ALL = 120_000
RUN_STARTS = 15_000
SAVED = 15_000

# Lab settings for a clean, quiet trainee session: no news or update toasts, and
# every cell kept in the page (no windowing), so offscreen widgets can be found.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}
REFLECTION_TEXT = (
    "In our district the first figure I would need is the number of households that "
    "receive money from relatives abroad, because it would guide a savings and "
    "financial education programme with the local credit union. The census asked this "
    "once, but it is old and misses informal transfers. The second figure is the number "
    "of newly arrived children in each school, from enrolment records, to plan language "
    "support. The third is returnees per year, which no register counts, so we would ask "
    "the migrants' association and the employment office and note that gap clearly."
)


# --- what the trainee has to do, read from the instructor notebook ---------------------

@dataclass
class Task:
    kind: str  # the Workbook method: single_choice, numeric, ..., reflection, code_task
    grade_id: str  # the cell that carries the points
    points: float
    manual: bool = False
    exercise_id: str | None = None
    value: object = None  # the answer to give, as a Python value
    code: str | None = None
    answer_cell: str | None = None
    stored: object = None  # what the answers file must hold after the trainee's clicks
    words: object = None  # the options to click, by the words the trainee sees


# The fields of each kind of exercise that name its options, in the order of the call.
OPTION_FIELDS = {"single_choice": ("options",), "multiple_choice": ("options",),
                 "matching": ("left", "right"), "ordering": ("items",)}


def _words(node):
    """A literal of the answer cell, where a marked string _("…") counts as its text."""
    if isinstance(node, ast.Call) and node.args:
        return _words(node.args[0])
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_words(item) for item in node.elts]
    if isinstance(node, ast.Dict):  # options as {id: words}
        return {_words(key): _words(value) for key, value in zip(node.keys, node.values)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _words(node.left) + _words(node.right)
    return ast.literal_eval(node)


def _shown_and_stored(source: str, name: str, kind: str, value) -> tuple[object, object]:
    """The options' words a trainee clicks for ``value`` (ids or words, as the solution
    gives it), and the ids the answers file must then hold. The trainee sees the options
    shuffled and without ids, so the browser finds them by their words."""
    if kind not in OPTION_FIELDS:
        return value, None
    call = next(node.value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and any(getattr(t, "id", "") == name for t in node.targets))
    try:
        definition = {"kind": kind, "id": name,
                      **dict(zip(OPTION_FIELDS[kind], (_words(a) for a in call.args[2:]))),
                      **{k.arg: _words(k.value) for k in call.keywords
                         if k.arg in OPTION_FIELDS[kind]}}
    except ValueError:  # options computed in the notebook (nb04 q3): not known statically
        return value, None
    ids = scoring.normalize(definition, value)
    if kind == "single_choice":
        return definition["options"][ids], ids
    if kind == "multiple_choice":
        return [definition["options"][i] for i in ids], ids
    if kind == "matching":
        return ({definition["left"][item]: definition["right"][m] for item, m in ids.items()},
                ids)
    return [definition["items"][i] for i in ids], ids


def _cells_by_id(notebook) -> dict[str, tuple[int, object]]:
    return {c.metadata["nbgrader"]["grade_id"]: (i, c) for i, c in enumerate(notebook.cells)
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _kind(cell_source: str, name: str) -> str | None:
    found = re.search(rf"\b{re.escape(name)}\s*=\s*book\.(\w+)\(", cell_source)
    return found.group(1) if found else None


def trainee_tasks(instructor_notebook: Path) -> list[Task]:
    """Every graded exercise of the notebook, with the answer a perfect trainee gives."""
    key = read_key(instructor_notebook)
    notebook = nbformat.read(instructor_notebook, as_version=4)
    cells = _cells_by_id(notebook)
    tasks = []
    for e in key.auto:
        source = cells[e.answer_cell][1].source if e.answer_cell in cells else ""
        if e.exercise_id:
            kind = _kind(source, e.exercise_id)
            assert kind, f"no `{e.exercise_id} = book.<type>(` in answer cell {e.answer_cell}"
            value = ast.literal_eval(e.answer_expr)
            words, stored = _shown_and_stored(source, e.exercise_id, kind, value)
            tasks.append(Task(kind, e.grade_id, e.points, exercise_id=e.exercise_id,
                              value=value, answer_cell=e.answer_cell, words=words,
                              stored=stored))
        else:
            assert e.code, f"{e.grade_id}: neither a widget answer nor code"
            tasks.append(Task("code_task", e.grade_id, e.points, code=e.code,
                              answer_cell=e.answer_cell))
    # Reflections are graded by hand (a task cell), so read_key knows their points but
    # not their widget: find them in the answer cells.
    manual = iter(e for e in key.exercises if e.manual)
    for grade_id, (_, cell) in cells.items():
        if not cell.metadata["nbgrader"].get("solution") or cell.cell_type != "code":
            continue
        for name in re.findall(r"\b(\w+)\s*=\s*book\.reflection\(", cell.source):
            words = re.search(r"min_words\s*=\s*(\d+)", cell.source)
            text = REFLECTION_TEXT
            while len(text.split()) < max(60, int(words.group(1)) if words else 0):
                text += " " + REFLECTION_TEXT
            task = next(manual, None)
            tasks.append(Task("reflection", task.grade_id if task else grade_id,
                              task.points if task else 0.0, manual=True, exercise_id=name,
                              value=text, answer_cell=grade_id))
    return tasks


# --- the JupyterLab server ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_options() -> list[str]:
    options = ["--LabApp.news_url=None"]
    try:
        import jupyterlab
        if hasattr(jupyterlab, "NeverCheckForUpdate"):
            options.append("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    except ImportError:
        pass
    return options


@dataclass
class Lab:
    url: str
    token: str
    home: Path
    course: Path
    log: Path
    work: Path
    tree: str = ""  # home's folder under the server's root, as a path prefix ("name/")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no server log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Its own session: this reaches the server and the kernels it started, nothing else.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


def _unavailable(reason: str) -> None:
    message = f"BROWSER TEST NOT RUN: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the browser test must run in CI)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Skip loudly (fail in CI) when Chromium or Playwright is missing, before the
    course is built or a server started."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")


@contextmanager
def jupyterlab(home: Path, tmp_path: Path, *options: str):
    """JupyterLab serving home, with settings and runtime folders of this test's own;
    yields (url, token) and stops the server afterwards. Its log is tmp_path/jupyterlab.log."""
    settings = tmp_path / "lab" / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = {**tool_env(),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "lab" / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "lab" / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab" / "workspaces")}
    env.pop("NBGRADER_EXECUTION", None)
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyterlab.log"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--ServerApp.token={token}",
               f"--ServerApp.root_dir={home}", "--allow-root", *_lab_options(), *options]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=home, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_server(process, f"{url}/api/status?token={token}", log, SERVER_START,
                        "JupyterLab")
        yield url, token
    finally:
        _stop(process)


@pytest.fixture
def lab(lab_server, built_course, tmp_path):
    """A course copy, and a trainee home of this test's own, holding the student files, on
    the session's JupyterLab (tests/lab_server.py)."""
    course = tmp_path / "course"
    shutil.copytree(built_course, course)
    home = lab_server.root / tmp_path.name
    shutil.copytree(course / "release" / ASSIGNMENT, home / ASSIGNMENT)
    try:
        yield Lab(lab_server.url, lab_server.token, home, course, lab_server.log, tmp_path,
                  f"{tmp_path.name}/")
    finally:
        lab_server.stop_kernels()


# --- the trainee in the browser -------------------------------------------------------------


def wait_for_server(process, url: str, log: Path, seconds: float, name: str) -> None:
    """Poll url until it answers; fail with the log's tail if the server exits or is late."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited at start:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} did not answer within {seconds} s:\n"
                                     f"{log.read_text()[-4000:]}") from None
            time.sleep(0.25)


def dismiss_dialogs(page) -> None:
    """Answer a kernel choice dialog, close any other dialog and any toast."""
    for _ in range(5):
        dialog = page.locator(".jp-Dialog")
        if not dialog.count():
            break
        select = dialog.get_by_role("button", name=re.compile(r"^(Select|Select Kernel)$"))
        if select.count():
            select.first.click()
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    for close in page.locator(".jp-Notification-Toast-Close").all():
        if close.is_visible():
            close.click()


def exercise_box(page, exercise_id: str):
    """The exercise's widget (a VBox), found by its header "Exercise <id>"."""
    header = page.locator(".widget-html-content strong").get_by_text(
        f"Exercise {exercise_id}", exact=True)
    return page.locator(".jp-OutputArea-output .widget-vbox").filter(has=header)


def _saved(status, before: str, expect) -> str:
    """Wait until the status line changed and says the answer is saved."""
    expect(status).not_to_have_text(before, timeout=SAVED)
    expect(status).to_contain_text("Saved", timeout=SAVED)
    return status.inner_text()


def answer_widget(page, task: Task, expect) -> None:
    box = exercise_box(page, task.exercise_id)
    expect(box).to_have_count(1, timeout=SAVED)
    box.scroll_into_view_if_needed()
    # Every control a trainee can use has a name that a screen reader reads out.
    for control in box.locator("input, select, textarea").all():
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    status = box.get_by_role("status")
    before = status.inner_text()
    value = task.value
    if task.kind == "single_choice":
        box.get_by_role("radio", name=task.words, exact=True).check()
        before = _saved(status, before, expect)
    elif task.kind == "multiple_choice":
        for words in task.words:
            box.get_by_role("checkbox", name=words, exact=True).check()
            before = _saved(status, before, expect)
    elif task.kind == "numeric":
        # Each box is named after its exercise and unit, e.g. "Your answer to q2 (million):".
        field = box.get_by_label(re.compile(rf"^Your answer to {task.exercise_id}\b"))
        field.click()
        field.press_sequentially(str(value))
        _saved(status, before, expect)
        expect(status).to_contain_text(numbers.show(float(value)), timeout=SAVED)
        task.stored = float(value)
    elif task.kind == "matching":
        for item, match in task.words.items():
            box.get_by_label(item, exact=True).select_option(label=match)
            before = _saved(status, before, expect)
    elif task.kind == "ordering":
        for n, item in enumerate(task.words, start=1):
            box.get_by_label(f"Position {n}:", exact=True).select_option(label=item)
            before = _saved(status, before, expect)
    elif task.kind == "reflection":
        field = box.get_by_label(f"Your reflection {task.exercise_id}:", exact=True)
        field.click()
        field.press_sequentially(value)
        expect(status).to_contain_text(f"Saved {len(value.split())} words", timeout=SAVED)
        task.stored = value.strip()
    else:
        raise AssertionError(f"the browser test does not know how to answer a {task.kind} "
                             f"exercise ({task.exercise_id}): teach answer_widget")


def answer_code_task(page, task: Task, student: nbformat.NotebookNode, expect) -> None:
    """Type the solution under the stub, as a trainee would, and run the cell and its check."""
    ids = _cells_by_id(student)
    answer_index = ids[task.answer_cell][0]
    cells = page.locator(".jp-Notebook .jp-Cell")
    cell = cells.nth(answer_index)
    cell.scroll_into_view_if_needed()
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+End")
    for line in task.code.splitlines():
        # A raw line break: JupyterLab's auto-indent must not add to the solution's own.
        page.keyboard.insert_text("\n")
        page.keyboard.type(line)
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"^\[\d+\]:$"),
                                                         timeout=SAVED)
    # The visible check under the task says the value is given.
    test_cell = cells.nth(ids[task.grade_id][0])
    test_cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    expect(test_cell.locator(".jp-OutputArea-output")).to_contain_text("Saved: code task",
                                                                       timeout=SAVED)


# Cells whose code is collapsed show a placeholder prompt with no count: skip those.
PROMPTS = ("[...document.querySelectorAll("
           "'.jp-Notebook .jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)')]"
           ".map(p => p.textContent.trim())")


def run_all(page, expect) -> None:
    """Run → Run All Cells, then wait until the kernel has finished (or stopped)."""
    started = f"() => {PROMPTS}.some(x => x !== '[ ]:' && x !== '')"
    for attempt in range(2):
        # The menu acts on the current notebook: select a cell of it first.
        page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt").click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        dismiss_dialogs(page)
        try:
            page.wait_for_function(started, timeout=RUN_STARTS)
            break
        except Exception:
            print(f"Run All did not start (attempt {attempt + 1}); "
                  f"prompts {page.evaluate(f'() => {PROMPTS}')}")
            page.keyboard.press("Escape")
    else:
        raise AssertionError("Run → Run All Cells did not start the notebook")
    # Nothing queued ([*]) any more, and something ran: done, or stopped by an error.
    page.wait_for_function(
        f"""() => {{ const p = {PROMPTS};
                    return p.some(x => /^\\[\\d+\\]:$/.test(x)) && !p.includes('[*]:'); }}""",
        timeout=RUN_ALL)
    prompts = page.evaluate(f"() => {PROMPTS}")
    not_run = [n for n, prompt in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", prompt)]
    assert not not_run, (
        f"Run All stopped: code cells {not_run} did not run (prompts {prompts}); "
        "an error in the cell before the first of them?")


def save(page, notebook: Path, expect) -> None:
    before = notebook.stat().st_mtime_ns
    # Keys typed in a widget stay in the widget: give the notebook the focus first.
    page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+s")
    dismiss_dialogs(page)
    expect(page.locator(".jp-Notebook.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty")
           ).to_have_count(0, timeout=SAVED)
    deadline = time.monotonic() + SAVED / 1000
    while notebook.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert notebook.stat().st_mtime_ns != before, "Control+S did not save the notebook"


def read_answers(folder: Path) -> dict:
    answers = {}
    for path in sorted(folder.glob("*.answers.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        answers.update({k: v["value"] for k, v in data["answers"].items()})
    return answers


def answer_every_task(page, tasks: list[Task], folder: Path, expect) -> None:
    """In an open notebook: Run All, answer every task as a trainee would, save."""
    student = nbformat.read(folder / NOTEBOOK, as_version=4)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=PAGE_LOAD)
    dismiss_dialogs(page)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
           ).to_have_count(1, timeout=PAGE_LOAD)
    run_all(page, expect)
    for task in tasks:
        if task.exercise_id:
            expect(exercise_box(page, task.exercise_id)).to_have_count(1, timeout=RUN_ALL)
    for task in tasks:
        dismiss_dialogs(page)
        if task.exercise_id:
            answer_widget(page, task, expect)
        else:
            answer_code_task(page, task, student, expect)
    save(page, folder / NOTEBOOK, expect)


def trainee_in_browser(lab: Lab, tasks: list[Task], shot: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=SAVED)
    folder = lab.home / ASSIGNMENT
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(f"{lab.url}/lab/tree/{lab.tree}{ASSIGNMENT}/{NOTEBOOK}"
                      f"?reset&token={lab.token}",
                      timeout=PAGE_LOAD)
            answer_every_task(page, tasks, folder, expect)
            first = next(t for t in tasks if t.exercise_id)
            exercise_box(page, first.exercise_id).scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
        except Exception:
            page.screenshot(path=str(shot))
            print(f"Screenshot of the page: {shot}")
            print(f"Code cell prompts: {page.evaluate(f'() => {PROMPTS}')}")
            print(f"JupyterLab log ({lab.log}), last lines:\n{lab.log_tail()}")
            raise
        finally:
            browser.close()


# --- submit, collect, autograde -------------------------------------------------------------

def submit_and_grade(lab: Lab) -> str:
    exchange = lab.work / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)  # release_assignment needs it writable by everyone
    root = f"--Exchange.root={exchange}"
    nbgrader("release_assignment", ASSIGNMENT, "--force", root, cwd=lab.course)
    nbgrader("submit", ASSIGNMENT, root, f"--CourseDirectory.course_id={COURSE_ID}",
             cwd=lab.home)
    nbgrader("collect", ASSIGNMENT, root, cwd=lab.course)
    submitted = [p.name for p in (lab.course / "submitted").iterdir() if p.is_dir()]
    assert len(submitted) == 1, f"expected one submission, found {submitted}"
    student = submitted[0]  # nbgrader submit uses the OS user name
    handed_in = lab.course / "submitted" / student / ASSIGNMENT
    assert (handed_in / NOTEBOOK).exists()
    assert any(handed_in.glob("*.answers.json")), "the answers file was not submitted"
    # Only this notebook: the module's other notebooks were not answered here.
    nbgrader("autograde", ASSIGNMENT, "--force", f"--notebook={Path(NOTEBOOK).stem}",
             cwd=lab.course)
    return student


def test_trainee_answers_in_jupyterlab_and_is_autograded(lab, tmp_path):
    instructor = lab.course / "source" / ASSIGNMENT / NOTEBOOK
    tasks = trainee_tasks(instructor)
    key = read_key(instructor)
    assert any(t.exercise_id for t in tasks), "no widget exercise found in the notebook"

    started = time.monotonic()
    shot = tmp_path / "trainee-answered.png"
    trainee_in_browser(lab, tasks, shot)
    print(f"Trainee session in the browser: {time.monotonic() - started:.0f} s; "
          f"screenshot {shot}")
    if os.environ.get("MLD_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, SCREENSHOT)

    # Every widget answer is in the answers file, as the exercise stores it.
    folder = lab.home / ASSIGNMENT
    answers = read_answers(folder)
    for task in tasks:
        if task.exercise_id:
            assert task.exercise_id in answers, f"{task.exercise_id} not in the answers file"
            assert answers[task.exercise_id] == task.stored, task.exercise_id
    # The saved notebook ran without an error and holds the typed code, under the stub.
    notebook = nbformat.read(folder / NOTEBOOK, as_version=4)
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o.get("ename"))
              for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"error outputs in the saved notebook: {errors}"
    saved = _cells_by_id(notebook)
    for task in tasks:
        if task.code:
            source = saved[task.answer_cell][1].source
            assert BEGIN not in source and END not in source
            for line in task.code.splitlines():
                assert line in source.splitlines(), f"{task.answer_cell}: {line!r} not saved"

    student = submit_and_grade(lab)
    auto = {e.grade_id: e.points for e in key.auto}
    with Gradebook(f"sqlite:///{lab.course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(Path(NOTEBOOK).stem, ASSIGNMENT,
                                                        student)
        scores = {g.name: g.score for g in submission.grades if g.name in auto}
    assert set(scores) == set(auto), f"graded cells {sorted(scores)}, key {sorted(auto)}"
    for grade_id, points in auto.items():
        assert scores[grade_id] == pytest.approx(points), (
            f"{grade_id}: got {scores[grade_id]} of {points}")
    assert sum(scores.values()) == pytest.approx(key.auto_points)
    print(f"Autograded: {sum(scores.values()):g} of {key.auto_points:g} points; "
          f"whole test {time.monotonic() - started:.0f} s")


def test_notebook7_renders_the_widgets_and_brings_answers_back(lab):
    """The same student notebook in Notebook 7: the widgets render, a click is saved,
    and after the page is closed and the notebook run again the answer is back."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=SAVED)
    instructor = lab.course / "source" / ASSIGNMENT / NOTEBOOK
    choice = next(t for t in trainee_tasks(instructor) if t.kind == "single_choice")
    url = f"{lab.url}/notebooks/{lab.tree}{ASSIGNMENT}/{NOTEBOOK}?token={lab.token}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for visit in ("answer", "reopen"):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url, timeout=PAGE_LOAD)
                page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=PAGE_LOAD)
                dismiss_dialogs(page)
                run_all(page, expect)
                box = exercise_box(page, choice.exercise_id)
                expect(box).to_have_count(1, timeout=RUN_ALL)
                if visit == "answer":
                    answer_widget(page, choice, expect)
                else:
                    expect(box.get_by_role("radio", name=choice.words, exact=True)
                           ).to_be_checked()
                    expect(box.get_by_role("status")).to_contain_text("Saved")
                page.close()
        finally:
            browser.close()
    assert read_answers(lab.home / ASSIGNMENT)[choice.exercise_id] == choice.stored
