"""`mld grade`: the same grades as stock nbgrader autograde, every submission in a sandbox,
hostile code graded or reported, resumable after a crash, a CSV for the LMS.

Runs on a scratch course with two Core notebooks to stay within a few minutes.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, nbgrader
from nbgrader.api import Gradebook
from test_grading import TRAINEES
from trainees import read_key

from toolbox_widgets.build import tool_env

pytestmark = pytest.mark.slow

NOTEBOOKS = ("00_overview.ipynb", "01_why_local.ipynb")
TIMEOUT = 10
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def mld_grade(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolbox_widgets.grading", "grade", "core",
                           f"--set=Execute.timeout={TIMEOUT}", *args], cwd=root,
                          capture_output=True, text=True, env=env or tool_env(), check=False)


def all_scores(root: Path) -> dict[tuple, float | None]:
    found = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            for submission in student.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "code":  # written tasks are hand-graded
                            found[student.id, notebook.name, grade.name] = grade.auto_score
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("grade-course")
    shutil.copy2(ROOT / "nbgrader_config.py", root)
    (root / "notebooks" / "core").mkdir(parents=True)
    for name in NOTEBOOKS:
        shutil.copy2(ROOT / "notebooks" / "core" / name, root / "notebooks" / "core")
    subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root", str(root)],
                   check=True, capture_output=True, env=tool_env())
    return root


def submit(root: Path, trainee: str) -> Path:
    folder = root / "submitted" / trainee / "core"
    shutil.copytree(root / "release" / "core", folder)
    return folder


@pytest.fixture(scope="module")
def class_graded_both_ways(course, tmp_path_factory):
    """The synthetic class of test_grading, graded by stock nbgrader and by mld grade."""
    base = tmp_path_factory.mktemp("both")
    keys = [read_key(course / "source" / "core" / name) for name in NOTEBOOKS]
    keys = [key for key in keys if key.auto]  # 00_overview has no exercises
    expected = {}
    for trainee, behave in TRAINEES.items():
        folder = submit(course, trainee)
        for key in keys:
            expected[trainee, key.name] = behave(folder, key)
    stock, mine = base / "stock", base / "mld"
    shutil.copytree(course, stock)
    shutil.copytree(course, mine)
    shutil.rmtree(course / "submitted")
    nbgrader("autograde", "core", "--force", f"--Execute.timeout={TIMEOUT}", cwd=stock,
             check=False)
    run = mld_grade(mine, "--csv", str(base / "grades.csv"))
    return stock, mine, run, expected, base / "grades.csv"


def test_every_grade_cell_scores_as_with_stock_autograde(class_graded_both_ways):
    stock, mine, run, expected, _ = class_graded_both_ways
    a, b = all_scores(stock), all_scores(mine)
    assert a.keys() == b.keys()
    different = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not different, f"stock vs mld grade: {different}\n{run.stderr[-3000:]}"
    checked = 0
    for (trainee, notebook), scores in expected.items():
        for grade_id, points in (scores or {}).items():
            assert b[trainee, notebook, grade_id] == pytest.approx(points), (trainee, grade_id)
            checked += 1
    assert checked > 10


def test_the_broken_notebook_is_named_and_the_rest_graded(class_graded_both_ways):
    _, mine, run, _, _ = class_graded_both_ways
    assert "not-json: FAILED: a notebook is not valid JSON" in run.stderr
    assert not any((mine / "autograded" / "not-json" / "core").glob("*.ipynb"))
    assert run.returncode == 1  # one failure, reported


def test_csv_has_one_row_per_trainee_with_the_gradebook_totals(class_graded_both_ways):
    _, mine, _, _, path = class_graded_both_ways
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert sorted(r["Username"] for r in rows) == sorted(TRAINEES)
    with Gradebook(f"sqlite:///{mine / 'gradebook.db'}") as gradebook:
        for row in rows:
            total = gradebook.find_submission("core", row["Username"]).score
            assert float(row["core total"]) == pytest.approx(total)
            parts = [float(row[f"core: {Path(n).stem}"]) for n in NOTEBOOKS]
            assert sum(parts) == pytest.approx(total)


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
def hostile_graded(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(course, root, dirs_exist_ok=True)
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
    run = mld_grade(root, "--output-mb=2", "--processes=128", "--memory-mb=3072")
    listener.close()
    return root, run


@pytest.mark.parametrize("trainee", ["control", "fork_bomb", "memory_hog", "huge_output",
                                     "read_secrets", "network", "exit_kernel", "kill_kernel",
                                     "missing_notebook"])
def test_hostile_submissions_are_graded(hostile_graded, trainee):
    root, run = hostile_graded
    scores = {k: v for k, v in all_scores(root).items() if k[0] == trainee}
    assert scores and all(v is not None for v in scores.values()), run.stderr[-3000:]
    assert f"{trainee}: FAILED" not in run.stderr


def test_hostile_reasons_are_reported(hostile_graded):
    root, run = hostile_graded
    assert "not_json: FAILED: a notebook is not valid JSON" in run.stderr
    assert "exit_kernel: graded, but 01_why_local.ipynb: the kernel died" in run.stderr
    assert "kill_kernel: graded, but 01_why_local.ipynb: the kernel died" in run.stderr
    assert "MemoryError" in _outputs(root, "memory_hog")
    assert "output cut by the grader" in _outputs(root, "huge_output")
    assert os.path.getsize(root / "autograded" / "huge_output" / "core" / "01_why_local.ipynb") \
        < 20 * 1024 * 1024


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


def test_refuses_without_bubblewrap_unless_told(course, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(course, root)
    submit(root, "blank")
    env = {**tool_env(), "MLD_GRADE_NO_BWRAP": "1"}
    refused = mld_grade(root, env=env)
    assert refused.returncode == 2
    assert "Refusing to grade" in refused.stderr and "--unsafe-no-sandbox" in refused.stderr
    unsafe = mld_grade(root, "--unsafe-no-sandbox", "--workers=1", env=env)
    assert unsafe.returncode == 0, unsafe.stderr[-3000:]
    assert all(v is not None for v in all_scores(root).values())


def test_a_killed_run_resumes_without_losing_or_repeating(course, tmp_path):
    root = tmp_path / "c"
    shutil.copytree(course, root)
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
