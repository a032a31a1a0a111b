"""`mld grade`: the same grades as stock nbgrader autograde, every submission in a sandbox,
hostile code graded or reported, resumable after a crash, a CSV for Moodle or Canvas, on a
Dask cluster and into any gradebook URL; the dashboard over the grades, as a report and as
a Voilà app.

Runs on a scratch course with two Core notebooks to stay within a few minutes, built once
and answered once for the session (tests/graded_class.py); independent gradings run side by
side.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, processes_left, nbgrader
from dask.distributed import Client
from graded_class import NOTEBOOKS, stock_autograde, stock_copies, submit_answered
from nbgrader.api import Gradebook
from test_browser import _free_port, _stop, wait_for_server
from test_grading import TRAINEES

from toolbox_widgets.course.build import tool_env
from toolbox_widgets.grading.command import _client

pytestmark = pytest.mark.slow

TIMEOUT = 10
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
PROTECTION = "# --- Grades no trainee code can forge"  # the last block of nbgrader_config.py
NOT_HONEST = {"garbage-answers"}


# Every process `mld grade` starts in this module inherits this mark, so that the end of
# the module can check that none is left (a zygote once outlived a CI run by 40 minutes).
MARK = f"mld-grade-test-{os.getpid()}"


def grade_env(**more: str) -> dict:
    return {**tool_env(), "MLD_GRADE_TEST_MARK": MARK, **more}


def mld_grade(root: Path, *args: str, env: dict | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolbox_widgets.grading", "grade", "core",
                           f"--set=Execute.timeout={TIMEOUT}", *args], cwd=cwd or root,
                          capture_output=True, text=True, env=env or grade_env(), check=False)


@pytest.fixture(scope="module", autouse=True)
def no_process_left():
    yield
    left = processes_left(MARK)  # a killed run's workers notice within seconds
    assert not left, f"processes of mld grade left behind: {left}"


def gradebook_url(root: Path) -> str:
    return f"sqlite:///{root / 'gradebook.db'}"


def all_scores(root: Path, url: str | None = None) -> dict[tuple, float | None]:
    found = {}
    with Gradebook(url or gradebook_url(root)) as gradebook:
        for student in gradebook.students:
            for submission in student.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "code":  # written tasks are hand-graded
                            found[student.id, notebook.name, grade.name] = grade.auto_score
    return found


def submit(root: Path, trainee: str) -> Path:
    folder = root / "submitted" / trainee / "core"
    shutil.copytree(root / "release" / "core", folder)
    return folder


@pytest.fixture(scope="module")
def class_graded_both_ways(grade_course, answered_class, tmp_path_factory):
    """The synthetic class of test_grading, graded by stock nbgrader (in two halves: it runs
    one kernel at a time) and by mld grade, all side by side."""
    base = tmp_path_factory.mktemp("both")
    stock, mine = base / "stock", base / "mld"
    for root in (stock, mine):
        shutil.copytree(grade_course, root)
        for trainee in TRAINEES:
            submit_answered(answered_class, root, trainee)
    # Stock nbgrader as shipped: the hidden tests run in the trainee's kernel (they call
    # the same scorer that mld grade uses from the answers file).
    config = stock / "nbgrader_config.py"
    assert PROTECTION in config.read_text()
    config.write_text(config.read_text().split(PROTECTION)[0])
    names = sorted(TRAINEES)
    halves = stock_copies(stock, {"stock-1": names[::2], "stock-2": names[1::2]})
    # nbgrader fails a whole submission when IOPub is silent for 4 s: a busy test machine
    # is not a failed submission
    plain = [stock_autograde(half, base / f"{half.name}.log", f"--Execute.timeout={TIMEOUT}",
                             "--Execute.iopub_timeout=60") for half in halves]
    run = mld_grade(mine, "--csv", str(base / "grades.csv"))
    for process in plain:
        process.wait()
    return halves, mine, run, answered_class[1], base / "grades.csv"


def test_every_grade_cell_scores_as_with_stock_autograde(class_graded_both_ways):
    stock, mine, run, expected, _ = class_graded_both_ways
    # Stock nbgrader fails the whole not-json submission; mld grade scores its broken
    # notebook 0 and grades the rest (test below).
    a = {k: v for half in stock for k, v in all_scores(half).items() if k[0] != "not-json"}
    b = {k: v for k, v in all_scores(mine).items() if k[0] != "not-json"}
    assert a.keys() == b.keys()
    # On honest submissions. A garbled answers file is not one: stock nbgrader still scores
    # the code tasks from what the kernel computes, mld grade only from saved answers.
    different = {k: (a[k], b[k]) for k in a if a[k] != b[k] and k[0] not in NOT_HONEST}
    assert not different, f"stock vs mld grade: {different}\n{run.stderr[-3000:]}"
    checked = 0
    for (trainee, notebook), scores in expected.items():
        for grade_id, points in (scores or {}).items():
            assert b[trainee, notebook, grade_id] == pytest.approx(points), (trainee, grade_id)
            checked += 1
    assert checked > 10


def test_the_broken_notebook_scores_zero_by_name_and_the_rest_is_graded(
        class_graded_both_ways):
    _, mine, run, _, path = class_graded_both_ways
    assert ("not-json: graded, but 01_why_local.ipynb: not a readable notebook: it is not "
            "valid JSON") in run.stderr
    assert "not-json: FAILED" not in run.stderr
    assert run.returncode == 0, run.stderr[-3000:]
    folder = mine / "autograded" / "not-json" / "core"
    assert [p.name for p in folder.glob("*.ipynb")] == ["00_overview.ipynb"]
    with Gradebook(gradebook_url(mine)) as gradebook:
        submission = gradebook.find_submission("core", "not-json")
        assert {nb.name: nb.score for nb in submission.notebooks}["01_why_local"] == 0
    assert read_csv(path, "moodle")["not-json"]["core: 01_why_local"] == "0"


def test_nbgrader_changed_cell_warnings_are_counted_in_one_line(class_graded_both_ways):
    _, _, run, _, _ = class_graded_both_ways
    assert "has changed!" not in run.stderr
    counted = [line for line in run.stderr.splitlines() if "edited read-only or test" in line]
    assert len(counted) == 1 and re.search(r"put back [1-9]\d* edited", counted[0]), counted


def read_csv(path: Path, layout: str) -> dict[str, dict[str, str]]:
    """The trainees' rows of an LMS CSV, by nbgrader id."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    if layout == "canvas":
        return {r["SIS Login ID"]: r for r in rows if r["Student"] != "    Points Possible"}
    return {r["Username"]: r for r in rows}


@pytest.fixture(scope="module")
def exports(class_graded_both_ways, tmp_path_factory):
    """The Moodle CSV of the grading run, and a Canvas CSV from a run with nothing new to
    grade, started in another folder with --root and a relative --csv path."""
    _, mine, _, _, moodle = class_graded_both_ways
    base = tmp_path_factory.mktemp("exports")
    root = base / "course"
    shutil.copytree(mine, root)
    with Gradebook(gradebook_url(root)) as gradebook:
        gradebook.update_or_create_student("perfect", first_name="Ada", last_name="Lovelace")
    rerun = mld_grade(root, "--root", str(root), "--student=perfect", "--csv", "canvas.csv",
                      "--csv-format=canvas", cwd=base)
    return {"moodle": (mine, moodle), "canvas": (root, base / "canvas.csv")}, rerun


@pytest.mark.parametrize("layout", ["moodle", "canvas"])
def test_csv_has_one_row_per_trainee_with_the_gradebook_totals(exports, layout):
    (root, path), rerun = exports[0][layout], exports[1]
    assert path.is_file(), rerun.stderr[-3000:]
    rows = read_csv(path, layout)
    with Gradebook(gradebook_url(root)) as gradebook:
        submitted = [s.student.id for s in gradebook.find_assignment("core").submissions]
        assert sorted(rows) == sorted(submitted) == sorted(TRAINEES)
        for trainee, row in rows.items():
            submission = gradebook.find_submission("core", trainee)
            assert float(row["core total"]) == pytest.approx(submission.score), trainee
            for notebook in submission.notebooks:
                assert float(row[f"core: {notebook.name}"]) == pytest.approx(notebook.score)
            parts = [float(row[f"core: {Path(n).stem}"]) for n in NOTEBOOKS]
            assert sum(parts) == pytest.approx(submission.score)
    assert float(rows["perfect"]["core total"]) > float(rows["blank"]["core total"])


def test_csv_is_written_when_nothing_new_is_graded(exports):
    _, rerun = exports
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "Grading 0 submission(s) of core (1 already graded and unchanged)" in rerun.stderr


def test_canvas_csv_has_the_canvas_header_and_points_possible(exports):
    root, path = exports[0]["canvas"]
    table = list(csv.reader(path.open(encoding="utf-8")))
    with Gradebook(gradebook_url(root)) as gradebook:
        assignment = gradebook.find_assignment("core")
        titles = ["core total"] + [f"core: {nb.name}" for nb in assignment.notebooks]
        most = [assignment.max_score] + [nb.max_score for nb in assignment.notebooks]
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *titles]
    assert table[1][:5] == ["    Points Possible", "", "", "", ""]
    assert [float(cell) for cell in table[1][5:]] == pytest.approx(most)
    assert most[0] > 0
    by_login = {row[3]: row for row in table[2:]}
    assert by_login["perfect"][:5] == ["Lovelace, Ada", "", "", "perfect", ""]
    assert by_login["blank"][:5] == ["blank", "", "", "blank", ""]  # no name in nbgrader


def _inject(folder: Path, code: str) -> None:
    path = folder / "01_why_local.ipynb"
    notebook = json.loads(path.read_text())
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code"
                and c["metadata"].get("nbgrader", {}).get("solution"))
    cell["source"] = "".join(cell["source"]) + "\n" + code
    path.write_text(json.dumps(notebook))


def _outputs(root: Path, trainee: str) -> str:
    path = root / "autograded" / trainee / "core" / "01_why_local.ipynb"
    notebook = json.loads(path.read_text())
    return "".join(json.dumps(c.get("outputs", [])) for c in notebook["cells"])


@pytest.fixture(scope="module")
def hostile_graded(grade_course, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(grade_course, root, dirs_exist_ok=True)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    submit(root, "control")
    for snippet in sorted(HOSTILE.glob("*.py")):
        code = (snippet.read_text().replace("{course}", str(root))
                .replace("{other}", str(root / "submitted" / "control" / "core"))
                .replace("{port}", str(port)))
        _inject(submit(root, snippet.stem), code)
    folder = submit(root, "not_json")
    (folder / "01_why_local.ipynb").write_text("{ cut in the mid")
    folder = submit(root, "missing_notebook")
    (folder / "00_overview.ipynb").unlink()
    # Submitted files that are not data: links, a FIFO, a hard link, an oversized file.
    secret = root / "root-only.txt"
    secret.write_text("ROOT-ONLY-SECRET")
    secret.chmod(0o600)
    answers = "01_why_local.answers.json"
    for trainee, target in [("link_gradebook", root / "gradebook.db"),
                            ("link_root_only", secret), ("link_dev_zero", Path("/dev/zero"))]:
        (submit(root, trainee) / answers).symlink_to(target)
    folder = submit(root, "link_instructor")  # graded as the trainee's own work before
    (folder / "01_why_local.ipynb").unlink()
    (folder / "01_why_local.ipynb").symlink_to(root / "source" / "core" / "01_why_local.ipynb")
    os.mkfifo(submit(root, "fifo") / answers)
    os.link(root / "gradebook.db", submit(root, "hard_link") / "notes.db")
    (submit(root, "big_file") / "data.csv").write_bytes(b"1," * (3 * 1024 * 1024))
    folder = submit(root, "broken_overview")
    (folder / "00_overview.ipynb").write_text('{"cells": [')
    (submit(root, "bad_timestamp") / "timestamp.txt").write_text("the day before the deadline")
    # 8 MiB: a chart's plotly.js (5 MiB) is kept, the hostile outputs are cut.
    # The fork bomb and the memory hog load the machine while the others are graded: an
    # innocent cell's output may come later than nbgrader's 4 s IOPub wait (a cell then
    # counts as timed out); 30 s, as a busy class would be given.
    run = mld_grade(root, "--output-mb=8", "--processes=128", "--memory-mb=3072",
                    "--file-mb=5", "--set=Execute.iopub_timeout=30")
    listener.close()
    return root, run


@pytest.mark.parametrize("trainee", ["control", "fork_bomb", "memory_hog", "huge_output",
                                     "huge_metadata", "display_updates", "read_secrets",
                                     "network", "exit_kernel", "kill_kernel",
                                     "missing_notebook", "not_json", "link_gradebook",
                                     "link_root_only", "link_dev_zero", "link_instructor",
                                     "fifo", "hard_link", "big_file", "broken_overview",
                                     "bad_timestamp"])
def test_hostile_submissions_are_graded(hostile_graded, trainee):
    root, run = hostile_graded
    scores = {k: v for k, v in all_scores(root).items() if k[0] == trainee}
    assert scores and all(v is not None for v in scores.values()), run.stderr[-3000:]
    assert f"{trainee}: FAILED" not in run.stderr


def _summary(run) -> dict[str, str]:
    """The run's closing summary: trainee -> what it says of them."""
    lines = run.stderr.split("\nDone: ", 1)[-1].splitlines()[1:]
    return dict(line.strip().split(": ", 1) for line in lines if line.startswith("  ")
                and ": " in line and not line.startswith("  nbgrader"))


def test_hostile_reasons_are_reported(hostile_graded):
    root, run = hostile_graded
    said = _summary(run)
    assert said["not_json"].startswith("graded, but 01_why_local.ipynb: not a readable "
                                       "notebook: it is not valid JSON")
    assert said["exit_kernel"].startswith("graded, but 01_why_local.ipynb: the kernel died")
    assert said["kill_kernel"].startswith("graded, but 01_why_local.ipynb: the kernel died")
    # (a fork bomb may also starve its kernel's output into a timeout, named first)
    assert said["memory_hog"].startswith("graded, but 01_why_local.ipynb: ")
    assert "memory: a cell ran out of memory" in said["memory_hog"]
    assert said["fork_bomb"].startswith("graded, but 01_why_local.ipynb: ")
    assert "processes: a cell reached the limit of 128" in said["fork_bomb"]
    assert "timeout" in said["huge_output"]
    assert "MemoryError" in _outputs(root, "memory_hog")
    for trainee in ("huge_output", "huge_metadata", "display_updates"):
        assert "output cut by the grader" in _outputs(root, trainee), trainee
        assert "output: more than 8 MiB" in said[trainee]
        size = os.path.getsize(root / "autograded" / trainee / "core" / "01_why_local.ipynb")
        assert size < 20 * 1024 * 1024, (trainee, size)
    assert "control" not in said


def test_submitted_files_that_are_not_data_are_named_and_never_read(hostile_graded):
    root, run = hostile_graded
    said = _summary(run)
    answers = "01_why_local.answers.json: not taken, it is "
    # (startswith: on a loaded machine a notebook may also report a timeout)
    for trainee in ("link_gradebook", "link_root_only", "link_dev_zero"):
        assert said[trainee].startswith(f"graded, but {answers}a link to another file"), \
            trainee
    assert said["fifo"].startswith(f"graded, but {answers}a pipe, not a file")
    assert said["hard_link"].startswith("graded, but notes.db: not taken, it is a hard link "
                                        "to another file")
    assert said["big_file"].startswith("graded, but data.csv: not taken, it is larger than "
                                       "the limit of 5 MiB per file")
    assert said["link_instructor"].startswith("graded, but 01_why_local.ipynb: not taken, it "
                                              "is a link to another file")
    # Nothing of what they point at reached the sandbox, the feedback or the grades.
    for trainee in ("link_gradebook", "link_root_only", "link_dev_zero", "fifo", "hard_link",
                    "big_file", "link_instructor"):
        folder = root / "autograded" / trainee / "core"
        names = sorted(p.name for p in folder.iterdir())
        assert "01_why_local.answers.json" not in names and "notes.db" not in names
        assert "data.csv" not in names, names
        for path in folder.iterdir():
            assert b"ROOT-ONLY-SECRET" not in path.read_bytes()
            assert b"SQLite format" not in path.read_bytes()
    scores = all_scores(root)
    instructor = {k[2]: v for k, v in scores.items() if k[:2] == ("link_instructor",
                                                                   "01_why_local")}
    assert instructor and all(v == 0 for v in instructor.values()), instructor
    control = {k[2]: v for k, v in scores.items() if k[:2] == ("control", "01_why_local")}
    for trainee in ("link_gradebook", "fifo", "big_file"):
        mine = {k[2]: v for k, v in scores.items() if k[:2] == (trainee, "01_why_local")}
        assert mine == control, trainee  # the rest of the submission is graded as usual


def test_a_broken_overview_or_timestamp_costs_only_itself(hostile_graded):
    root, run = hostile_graded
    said = _summary(run)
    assert said["broken_overview"].startswith(
        "graded, but 00_overview.ipynb: not a readable notebook: it is not valid JSON")
    assert said["broken_overview"].endswith("it scores 0")
    assert said["bad_timestamp"] == (
        "graded, but timestamp.txt: timestamp.txt does not hold a date ('the day before the "
        "deadline'); graded as if on time: check the submission time by hand")
    scores = all_scores(root)
    control = {k[2]: v for k, v in scores.items() if k[:2] == ("control", "01_why_local")}
    for trainee in ("broken_overview", "bad_timestamp"):
        mine = {k[2]: v for k, v in scores.items() if k[:2] == (trainee, "01_why_local")}
        assert mine == control, trainee
    with Gradebook(gradebook_url(root)) as gradebook:
        assert gradebook.find_submission("core", "bad_timestamp").timestamp is None
        overview = {nb.name: nb.score for nb in
                    gradebook.find_submission("core", "broken_overview").notebooks}
        assert overview["00_overview"] == 0


def test_sandbox_hides_the_course_and_the_network(hostile_graded):
    root, _ = hostile_graded
    seen = _outputs(root, "read_secrets")
    assert "LEAKED" not in seen and seen.count("BLOCKED") == 8, seen[:3000]
    assert '"VISIBLE [\'' + str(root) + '/autograded' not in seen  # only its own folder
    assert "PASSWD root:" in seen  # the system's /etc/passwd, read-only
    assert not (root / "source" / "core" / "pwned.txt").exists()
    assert not (root / "autograded" / "read_secrets" / "pwned.txt").exists()
    network = _outputs(root, "network")
    assert "BLOCKED network" in network and "LEAKED" not in network


def test_refuses_without_bubblewrap_unless_told(grade_course, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(grade_course, root)
    submit(root, "blank")
    env = grade_env(MLD_GRADE_NO_BWRAP="1")
    refused = mld_grade(root, env=env)
    assert refused.returncode == 2
    assert "Refusing to grade" in refused.stderr and "--unsafe-no-sandbox" in refused.stderr
    unsafe = mld_grade(root, "--unsafe-no-sandbox", "--workers=1", env=env)
    assert unsafe.returncode == 0, unsafe.stderr[-3000:]
    assert all(v is not None for v in all_scores(root).values())


def test_a_killed_run_resumes_without_losing_or_repeating(grade_course, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(grade_course, root)
    trainees = [f"t{n}" for n in range(4)]
    for trainee in trainees:
        submit(root, trainee)
    killed = mld_grade(root, "--stop-after=2")
    assert killed.returncode == -9
    journal = root / ".mld-grade" / "core.jsonl"
    first = [json.loads(line)["student"] for line in journal.read_text().splitlines()]
    assert len(first) == 2
    again = mld_grade(root)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Grading 2 submission(s) of core (2 already graded and unchanged)" in again.stderr
    graded = [json.loads(line)["student"] for line in journal.read_text().splitlines()]
    assert sorted(graded) == trainees  # each exactly once
    assert all(v is not None for v in all_scores(root).values())
    # a trainee who submits again is regraded, and only that one
    (root / "submitted" / "t0" / "core" / "notes.txt").write_text("resubmitted")
    third = mld_grade(root)
    assert "Grading 1 submission(s)" in third.stderr
    # killed during --force: every submission not finished again is graded again, even
    # though the journal had it and its autograded folder is there (half done)
    forced = mld_grade(root, "--force", "--stop-after=1")
    assert forced.returncode == -9
    after = mld_grade(root)
    assert after.returncode == 0, after.stderr[-3000:]
    assert "Grading 3 submission(s) of core (1 already graded and unchanged)" in after.stderr
    for trainee in trainees:
        path = root / "autograded" / trainee / "core" / "01_why_local.ipynb"
        cells = json.loads(path.read_text())["cells"]
        assert all(c.get("execution_count") for c in cells if c["cell_type"] == "code"), \
            trainee


def test_ctrl_c_stops_in_one_line_and_leaves_nothing(grade_course, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(grade_course, root)
    for trainee in ("t0", "t1", "t2", "t3"):
        submit(root, trainee)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = grade_env(TMPDIR=str(scratch), MLD_GRADE_NO_CGROUP="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "toolbox_widgets.grading", "grade", "core",
         f"--set=Execute.timeout={TIMEOUT}"], cwd=root, env=env, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("[1/"):  # one graded, others running: as a terminal's Ctrl-C
            os.killpg(process.pid, signal.SIGINT)
            break
    seen.append(process.stderr.read())
    process.wait(timeout=120)
    text = "".join(seen)
    assert process.returncode == 130, text
    assert "Traceback" not in text and "ERROR" not in text, text
    assert text.count("Stopped (Ctrl-C).") == 1
    assert text.count("Memory is bounded per process") == 1  # no cgroup: said once, at start
    assert not list(scratch.iterdir()), "trainee files left in the temporary folder"
    journal = [json.loads(line) for line in
               (root / ".mld-grade" / "core.jsonl").read_text().splitlines()]
    assert len([e for e in journal if e["fingerprint"]]) >= 1  # what was graded is kept


def test_ctrl_c_cannot_land_in_a_dask_gc_callback():
    """The Dask scheduler runs in mld grade's own process, and hooks distributed's GC
    diagnosis into the garbage collector: a Ctrl-C raised inside that hook left it half
    done, and Python printed its AssertionError as a traceback at the next collection (a CI
    run of the test above). mld grade removes the hook once its cluster is up."""
    client = _client(argparse.Namespace(workers=1, per_worker=1, scheduler=None))
    try:
        assert client.scheduler_info()["workers"]  # the cluster is up
        hooks = [hook for hook in gc.callbacks
                 if getattr(hook, "__module__", "").startswith("distributed")]
        assert not hooks, hooks
    finally:
        client.close()
        client.cluster.close()


def test_dashboard_runs_under_papermill(class_graded_both_ways, tmp_path):
    papermill = pytest.importorskip("papermill")
    _, mine, _, _, _ = class_graded_both_ways
    os.environ["MLD_GRADEBOOK"] = str(mine / "gradebook.db")
    try:
        papermill.execute_notebook(str(ROOT / "instructor" / "dashboard.ipynb"),
                                   str(tmp_path / "out.ipynb"), kernel_name="python3",
                                   cwd=str(mine))
    finally:
        del os.environ["MLD_GRADEBOOK"]
    text = (tmp_path / "out.ipynb").read_text()
    assert "Scores of core" in text and "in words:" in text


def _cell_outputs(page: str) -> list[dict]:
    """The outputs Voilà rendered on the server, as it embeds them in the page."""
    blocks = re.findall(r'<script type="application/vnd\.voila\.cell-output\+json">(.*?)</script>',
                        page, re.S)
    return [json.loads(block) for block in blocks]


def test_dashboard_runs_as_a_voila_app(class_graded_both_ways, tmp_path):
    _, mine, _, _, _ = class_graded_both_ways
    with Gradebook(gradebook_url(mine)) as gradebook:
        trainees = len({s.student.id for s in gradebook.find_assignment("core").submissions})
    assert trainees == len(TRAINEES)
    port, log = _free_port(), tmp_path / "voila.log"
    with open(log, "w") as output:
        voila = subprocess.Popen(
            [str(Path(sys.executable).parent / "voila"),
             str(ROOT / "instructor" / "dashboard.ipynb"), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
            cwd=mine, env={**tool_env(), "MLD_GRADEBOOK": str(mine / "gradebook.db")},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(voila, f"{base}/voila/static/voila.js", log, 60, "Voilà")
        with urllib.request.urlopen(f"{base}/", timeout=180) as response:  # runs the notebook
            status, page = response.status, response.read().decode("utf-8")
    finally:
        _stop(voila)
    assert status == 200
    assert page.rstrip().endswith("</html>") and "voila_finish" in page  # every cell ran
    for failure in ("Traceback", "There was an error when executing cell",
                    "application/vnd.jupyter.stderr"):
        assert failure not in page, log.read_text()[-3000:]
    outputs = _cell_outputs(page)
    assert not [o for o in outputs if o["output_type"] in ("error", "stream")]
    texts = [o["data"].get("text/markdown", "") + o["data"].get("text/html", "")
             for o in outputs]
    assert any(t.startswith(f"{trainees} trainees, 1 assignments") for t in texts), texts[:1]
    charts = [o["data"]["application/vnd.plotly.v1+json"] for o in outputs
              if "application/vnd.plotly.v1+json" in o["data"]]
    titles = [chart["layout"]["title"]["text"] for chart in charts]
    assert titles == ["Scores of core", "Exercises missed most", "Completion per module",
                      "The class journey per module"]
    assert all(trace["x"] or trace["y"] for chart in charts for trace in chart["data"])
    words = [t for t in texts if 'class="chart-alt' in t]
    assert len(words) == len(charts)
    assert f"Scores of core: {trainees} trainees; median" in words[0]
    assert "core / 01_why_local / " in words[1]
    assert "Completion per module: core: " in words[2] and f"of {trainees} trainees" in words[2]
    assert f"The class journey per module: core: {trainees} of {trainees} trainees started" \
        in words[3]


# --- other gradebooks and a Dask cluster, on a course with two trainees ----------------------

PAIR = ("perfect", "partial")


@pytest.fixture(scope="module")
def pair_course(grade_course, answered_class, tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the course with two trainees' submissions, and the scores each cell should get."""
    root = tmp_path_factory.mktemp("pair") / "course"
    shutil.copytree(grade_course, root)
    expected = {}
    for trainee in PAIR:
        submit_answered(answered_class, root, trainee)
        for (who, notebook), scores in answered_class[1].items():
            if who == trainee:
                expected.update({(trainee, notebook, g): p for g, p in scores.items()})
    return root, expected


@pytest.fixture(scope="module")
def graded_into_other_db(pair_course, tmp_path_factory):
    """Graded by local workers into a gradebook outside the course, made as `mld build`
    makes the course's own (nbgrader generate_assignment), with --db."""
    base = tmp_path_factory.mktemp("other-db")
    root = base / "course"
    shutil.copytree(pair_course[0], root)
    url = f"sqlite:///{base / 'elsewhere' / 'other.db'}"
    (base / "elsewhere").mkdir()
    nbgrader("generate_assignment", "core", "--force", "--log-level=WARN", f"--db={url}",
             cwd=root)
    run = mld_grade(root, f"--db-url={url}", "--workers=1", "--csv", str(base / "grades.csv"))
    return root, url, run, base / "grades.csv"


def test_grades_land_in_the_database_given(pair_course, graded_into_other_db):
    _, expected = pair_course
    root, url, run, path = graded_into_other_db
    assert run.returncode == 0, run.stderr[-3000:]
    scores = all_scores(root, url)
    assert {k: scores[k] for k in expected} == pytest.approx(expected)
    with Gradebook(gradebook_url(root)) as gradebook:  # the course's own: untouched
        assert not gradebook.find_assignment("core").submissions
        assert not gradebook.students
    rows = read_csv(path, "moodle")
    assert sorted(rows) == sorted(PAIR)
    with Gradebook(url) as gradebook:
        for trainee, row in rows.items():
            total = gradebook.find_submission("core", trainee).score
            assert float(row["core total"]) == pytest.approx(total)
    assert float(rows["perfect"]["core total"]) > float(rows["partial"]["core total"]) > 0


def _scheduler_address(path: Path, scheduler: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            return json.loads(path.read_text())["address"]
        except (OSError, ValueError, KeyError):  # not written yet, or half written
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no Dask scheduler:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)


def test_grades_on_a_dask_cluster(pair_course, graded_into_other_db, tmp_path):
    """A real scheduler and worker, started as on a cluster: the same scores as local workers."""
    root = tmp_path / "course"
    shutil.copytree(pair_course[0], root)
    dask = str(Path(sys.executable).parent / "dask")
    address_file, log = tmp_path / "scheduler.json", tmp_path / "dask.log"
    processes = []
    try:
        with open(log, "w") as output:
            processes.append(subprocess.Popen(
                [dask, "scheduler", "--host=127.0.0.1", "--port=0", "--no-dashboard",
                 f"--scheduler-file={address_file}"], cwd=tmp_path, env=grade_env(),
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True))
            address = _scheduler_address(address_file, processes[0], log)
            with Client(address, timeout=60) as client:
                processes.append(subprocess.Popen(
                    [dask, "worker", "--nworkers=1", "--nthreads=1", "--no-dashboard",
                     "--host=127.0.0.1", f"--local-directory={tmp_path / 'worker'}",
                     f"--scheduler-file={address_file}"], cwd=tmp_path, env=grade_env(),
                    stdout=output, stderr=subprocess.STDOUT, start_new_session=True))
                client.wait_for_workers(1, timeout=60)
                run = mld_grade(root, f"--scheduler={address}")
                ran = client.run_on_scheduler(lambda dask_scheduler: sorted(
                    {t.key for t in dask_scheduler.transition_log if t.finish == "memory"}))
    finally:
        for process in reversed(processes):
            _stop(process)
    assert address.startswith("tcp://127.0.0.1:")
    assert run.returncode == 0, run.stderr[-3000:] + log.read_text()[-3000:]
    assert sorted(key.split("-")[2] for key in ran) == sorted(PAIR)  # grade-core-<trainee>-…
    local_root, url, _, _ = graded_into_other_db
    assert all_scores(root) == all_scores(local_root, url)
    assert {k: all_scores(root)[k] for k in pair_course[1]} == pytest.approx(pair_course[1])


@pytest.mark.parametrize(("argv", "wait"), [([], 30), (["--Execute.iopub_timeout=7"], 7)])
def test_the_iopub_wait_suits_kernels_side_by_side_unless_the_instructor_sets_it(argv, wait):
    # nbgrader's 4 s failed an innocent notebook while other kernels loaded the machine
    # (test_forgery's blank submission, once in CI); an instructor's own value is kept.
    from nbgrader.apps.autogradeapp import AutogradeApp

    from toolbox_widgets.grading import command

    app = AutogradeApp()
    app.initialize(["--log-level=WARN", *argv])
    assert command._execute_config(app)["iopub_timeout"] == wait
