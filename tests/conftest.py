"""Shared fixtures: the repository, and a scratch course built from notebooks/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from executions import Executions  # noqa: E402 (tests/ is on the path just above)


def instructor_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def student_notebooks() -> list[Path]:
    return sorted((ROOT / "release").glob("*/*.ipynb"))


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd,
                            capture_output=True, text=True, env=tool_env(), check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_course(tmp_path_factory) -> Path:
    """A course folder built from notebooks/ with its own gradebook."""
    root = layout.scratch_course(ROOT, tmp_path_factory.mktemp("course"))
    subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root", str(root)],
                   check=True, capture_output=True, env=tool_env())
    return root


def marked_processes(mark: str) -> list[int]:
    """Processes other than this one whose environment holds MLD_GRADE_TEST_MARK=mark:
    the test modules mark what they start, and check that none of it outlives them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"MLD_GRADE_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            pass
    return found


@pytest.fixture(scope="session")
def executions(tmp_path_factory):
    """Every notebook the tests run untouched, executed once per run (tests/executions.py)."""
    runs = Executions(tmp_path_factory.mktemp("executed"))
    _RUNS.append(runs)  # for the summary at the end
    yield runs
    runs.close()


# --- The time of a run, per test file and per module and language of the notebooks run,
# printed at the end: the figure to watch as modules and languages are added.
_RUNS: list[Executions] = []
_STARTED = time.monotonic()
_FILE_SECONDS: dict[str, float] = defaultdict(float)
# Test files whose work grows with the course: they run, build or grade every notebook of
# every module (and language). The others work on a fixed sample (notebook 01, a few
# notebooks of core) or on no notebook at all.
GROWS_WITH_THE_COURSE = ("test_notebooks.py", "test_selfstudy.py", "test_grading.py",
                         "test_languages.py", "test_build.py", "test_catalogs.py")


def pytest_runtest_logreport(report):
    _FILE_SECONDS[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _FILE_SECONDS:
        return
    write = terminalreporter.write_line
    wall = time.monotonic() - _STARTED
    terminalreporter.section("time per test file and per module")
    for name, seconds in sorted(_FILE_SECONDS.items(), key=lambda item: -item[1]):
        if seconds >= 1:
            write(f"{seconds:7.0f} s  {name}")
    for runs in _RUNS:
        write(f"Notebook runs ({runs.workers} side by side), kernel time per module "
              "and language:")
        for line in runs.summary():
            write(f"  {line}")
    modules = {p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()}
    grows = sum(s for n, s in _FILE_SECONDS.items() if Path(n).name in GROWS_WITH_THE_COURSE)
    fixed = sum(_FILE_SECONDS.values()) - grows
    write(f"Tests: {wall:.0f} s in all for {len(modules)} module(s); {grows:.0f} s in the files "
          f"that grow with the course, {fixed:.0f} s in the others.")
    six = fixed + 6 / len(modules) * grows
    ran, every = len(_FILE_SECONDS), len(list(Path(__file__).parent.glob("test_*.py")))
    partly = "" if ran >= every else f" (from {ran} of {every} test files only)"
    write(f"Six modules, estimated: {fixed:.0f} + 6 / {len(modules)} x {grows:.0f} = {six:.0f} s "
          f"({six / 60:.0f} min){partly}.")
