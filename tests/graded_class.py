"""One small class for the grading tool's own tests (test_grade_command.py, test_forgery.py):
a course of two Core notebooks, built once, with its answer keys recorded once, and the
synthetic trainees of test_grading.py answered once, side by side. Each test copies what it
grades, so no trainee is answered twice in a run and no grading run records keys again.
(conftest.py imports the fixtures, so that both test files share one of each.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from executions import WORKERS
from trainees import read_key

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env
from toolbox_widgets.grading.keys import cache_folder, record_all

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("00_overview.ipynb", "01_why_local.ipynb")


@pytest.fixture(scope="session")
def grade_course(tmp_path_factory) -> Path:
    """The course with two Core notebooks. Its keys are in its cache (.mld-grade/keys), as
    after an instructor's first run: every copy grades from them. A test that changes a
    source notebook changes its hash, so that notebook is recorded again."""
    root = layout.scratch_course(ROOT, tmp_path_factory.mktemp("grade-course"),
                                 notebooks=tuple(f"core/{name}" for name in NOTEBOOKS))
    subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root", str(root)],
                   check=True, capture_output=True, env=tool_env())
    record_all([root / "source" / "core" / name for name in NOTEBOOKS],
               cache_folder(root, "core"), WORKERS)
    return root


@pytest.fixture(scope="session")
def answered_class(grade_course, tmp_path_factory) -> tuple[Path, dict]:
    """(folder, expected): folder/<trainee>/core is the submission of each synthetic trainee
    of test_grading.py, answered side by side; expected[trainee, notebook] maps each grade
    cell to the points it must get (None: the submission cannot be graded)."""
    from test_grading import TRAINEES

    base = tmp_path_factory.mktemp("answered")
    keys = [key for key in (read_key(grade_course / "source" / "core" / name)
                            for name in NOTEBOOKS) if key.auto]  # 00_overview has none
    with ThreadPoolExecutor(WORKERS) as pool:
        jobs = {}
        for trainee, behave in TRAINEES.items():
            folder = base / trainee / "core"
            shutil.copytree(grade_course / "release" / "core", folder)
            for key in keys:
                jobs[trainee, key.name] = pool.submit(behave, folder, key)
        expected = {name: job.result() for name, job in jobs.items()}
    return base, expected


def submit_answered(answered_class, root: Path, trainee: str, as_name: str = "") -> Path:
    """Hand in a copy of an answered trainee's submission to the course at root."""
    folder = root / "submitted" / (as_name or trainee) / "core"
    shutil.copytree(answered_class[0] / trainee / "core", folder)
    return folder


def stock_copies(root: Path, groups: dict[str, list[str]]) -> list[Path]:
    """Copies of the course at root beside it, one per group, each holding only that
    group's submissions: stock nbgrader grades one kernel at a time, so a class split in
    two is graded in about half the time on 2 cores."""
    copies = []
    for name, trainees in groups.items():
        copy = root.parent / name
        shutil.copytree(root, copy)
        for folder in (copy / "submitted").iterdir():
            if folder.name not in trainees:
                shutil.rmtree(folder)
        copies.append(copy)
    return copies


def stock_autograde(course: Path, log: Path, *options: str,
                    env: dict | None = None) -> subprocess.Popen:
    """Start stock `nbgrader autograde` of core on a course; its log is written to log."""
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", "core",
                                 "--force", *options], cwd=course, stdout=subprocess.DEVNULL,
                                stderr=out, env=env or tool_env())
