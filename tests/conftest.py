"""Shared fixtures: the repository, and a scratch course built from notebooks/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import pytest

from toolbox_widgets.course import catalogs, layout
from toolbox_widgets.course.build import tool_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from executions import Executions  # noqa: E402 (tests/ is on the path just above)
from graded_class import answered_class, grade_course  # noqa: E402, F401 (fixtures: one
# small graded class, shared by test_grade_command.py and test_forgery.py)
from lab_server import lab_server  # noqa: E402, F401 (one JupyterLab, for the browser tests)


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
    # Keys recorded already (by `mld build --check` before pytest) are not recorded again:
    # each cached file is named by the hash of its notebook and of the recording code, so
    # it only ever answers for the very same notebook (grading/keys.py).
    keys = ROOT / ".mld-grade" / "keys"
    if keys.is_dir():
        shutil.copytree(keys, root / ".mld-grade" / "keys")
    with for_every_module("build of the course"):
        subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root",
                        str(root)], check=True, capture_output=True, env=tool_env())
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


def processes_left(mark: str, seconds: float = 10) -> list[int]:
    """The marked processes still there after up to `seconds`: a closed pool's or a killed
    run's processes take a moment to exit; one that outlives this is left behind."""
    deadline = time.monotonic() + seconds
    while (left := marked_processes(mark)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


@pytest.fixture(scope="session")
def executions(tmp_path_factory):
    """Every notebook the tests run untouched, executed once per run (tests/executions.py)."""
    runs = Executions(tmp_path_factory.mktemp("executed"))
    _RUNS.append(runs)  # for the summary at the end
    yield runs
    runs.close()


# --- The time of a run, and what it would be for six modules, printed at the end: the figure
# to watch as modules and languages are added. What grows with the course is measured, not
# listed by file: the notebook runs of tests/executions.py (kept per module and language),
# and the work that the tests time with for_every_module() (a build of the whole course, the
# grading regression of every notebook). The rest of the run is taken as fixed: tests on a
# fixed sample of notebooks (two Core notebooks, one per kind in the browser), or on none.
_RUNS: list[Executions] = []
_STARTED, _STARTED_AT = time.monotonic(), time.time()
_FILE_SECONDS: dict[str, float] = defaultdict(float)
_EVERY_MODULE: dict[str, float] = defaultdict(float)


@contextmanager
def for_every_module(what: str):
    """Time work that covers every module of the course (and its languages): its wall time
    is counted as growing with the number of modules in the six-module estimate."""
    start = time.monotonic()
    try:
        yield
    finally:
        _EVERY_MODULE[what] += time.monotonic() - start


def pytest_runtest_logreport(report):
    _FILE_SECONDS[report.nodeid.split("::")[0]] += report.duration


def _outside_pytest() -> tuple[float, float] | None:
    """(seconds before pytest in `python3 course.py test`, of which `mld build --check`):
    set by course.py; None when pytest was started by hand."""
    try:
        started = float(os.environ["MLD_CI_STARTED"])
        build_check = float(os.environ["MLD_CI_BUILD_CHECK_SECONDS"])
    except (KeyError, ValueError):
        return None
    return _STARTED_AT - started, build_check


def pytest_terminal_summary(terminalreporter):
    if not _FILE_SECONDS:
        return
    write = terminalreporter.write_line
    wall = time.monotonic() - _STARTED
    terminalreporter.section("time per test file and per module")
    for name, seconds in sorted(_FILE_SECONDS.items(), key=lambda item: -item[1]):
        if seconds >= 1:
            write(f"{seconds:7.0f} s  {name}")
    runs_wall = 0.0
    for runs in _RUNS:
        write(f"Notebook runs ({runs.workers} side by side), kernel time per module "
              "and language:")
        for line in runs.summary():
            write(f"  {line}")
        # Side by side, the wall time is about the kernel time shared by the workers. The
        # pseudo-locale is a fixed sample (Core only, tests/test_languages.py).
        runs_wall += sum(sum(t) for (_, _, language, _), t in runs.seconds.items()
                         if language != catalogs.PSEUDO) / runs.workers
    modules = len({p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()})
    for what, seconds in sorted(_EVERY_MODULE.items()):
        write(f"Every module: {what} {seconds:.0f} s")
    grows = runs_wall + sum(_EVERY_MODULE.values())
    fixed = wall - grows
    write(f"Tests: {wall:.0f} s in all for {modules} module(s): {grows:.0f} s of it grows with "
          f"the course (notebook runs {runs_wall:.0f} s of wall time, and the rest above), "
          f"{fixed:.0f} s is fixed.")
    outside = _outside_pytest()
    if outside:
        before, build_check = outside
        fixed += before - build_check
        grows += build_check
        write(f"Before pytest: {before:.0f} s (install, ruff, and `mld build --check` "
              f"{build_check:.0f} s, which grows with the course).")
    six = fixed + 6 / modules * grows
    ran, every = len(_FILE_SECONDS), len(list(Path(__file__).parent.glob("test_*.py")))
    partly = "" if ran >= every else f" (from {ran} of {every} test files only)"
    whole = "CI" if outside else "pytest (without the time before it)"
    write(f"Six modules, estimated for the whole {whole}: {fixed:.0f} + 6 / {modules} x "
          f"{grows:.0f} = {six:.0f} s ({six / 60:.0f} min){partly}.")
