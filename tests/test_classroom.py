"""A class of five on the trial JupyterHub, driven by benchmarks/classroom.py (its CI
size; the README gives the figures for thirty), with the hub restarted in the middle of
the class. One run of the class serves every test here.

Needs root, npm (or deploy/jupyterhub/node_modules) and JupyterHub in the course venv,
like tests/test_hub.py: without them the tests are skipped locally and fail in CI. In CI
the class uses the hub test's state folder, so the trainees' single-user environment is
installed once for both; on a shared machine it keeps its own (benchmarks/classroom.py's
default), so that checkouts of different branches do not reinstall each other's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_browser import _unavailable

BENCHMARK = ROOT / "benchmarks" / "classroom.py"
TRAINEES = 5
LAST_LINE = re.compile(r"^trainees (\d+); lost answers (\d+); failed submissions (\d+); "
                       r"graded exactly (\d+)/(\d+)$")
pytestmark = pytest.mark.slow
HUB_TEST_STATE = Path(tempfile.gettempdir()) / "mld-hub-test"  # tests/test_hub.py's STATE


@pytest.fixture(scope="module")
def the_class() -> str:
    sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
    import trial

    if os.geteuid() != 0:
        _unavailable("the classroom test creates system users: run it as root")
    if not (trial.VENV_BIN / "jupyterhub").exists():
        _unavailable(f"JupyterHub is not in {trial.VENV_BIN.parent}")
    if not trial.PROXY.exists() and not shutil.which("npm"):
        _unavailable("npm is missing, so configurable-http-proxy cannot be installed")
    shared = ["--state", str(HUB_TEST_STATE)] if os.environ.get("CI") == "true" else []
    run = subprocess.run([sys.executable, str(BENCHMARK), "--trainees", str(TRAINEES),
                          "--arrival", "10", "--restart-hub", *shared],
                         capture_output=True, text=True, timeout=3600, check=False)
    print(run.stdout[-6000:], run.stderr[-3000:])
    return run.stdout


def test_a_class_of_five_loses_nothing_and_is_graded_exactly(the_class):
    last = the_class.strip().splitlines()[-1]
    found = LAST_LINE.match(last)
    assert found, f"not the benchmark's last line: {last!r}"
    assert [int(n) for n in found.groups()] == [TRAINEES, 0, 0, TRAINEES, TRAINEES]
    assert "failed operations: none" in the_class


def test_the_hub_restarts_mid_class_and_the_trainees_carry_on(the_class):
    assert f"hub restarted: {TRAINEES} trainees' servers kept running" in the_class
    assert "server lost in hub restart" not in the_class


def test_no_trainee_can_read_or_overwrite_another_submission(the_class):
    """Given the exact path of a classmate's submission, no trainee can list, read,
    overwrite, add to, replace a file of, or move it (tests/test_exchange.py tries the same
    against stock nbgrader, where it works)."""
    assert (f"exchange privacy: {TRAINEES} trainees, given the exact path of a classmate's "
            "submission, tried to list, read, overwrite, add to or move it: 0 could"
            ) in the_class
