"""benchmarks/autograde.py runs end to end and prints its figures (a small class here;
the figures themselves are measured on a quiet machine, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from toolbox_widgets.course.build import tool_env

pytestmark = pytest.mark.slow


def test_benchmark_prints_both_rates_and_identical_scores():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "autograde.py"),
                          # a cell timeout that a busy CI machine does not reach by itself
                          # (only the runaway trainee's loop should): scores must agree
                          "--submissions", "4", "--notebooks", "01_*", "--timeout", "15"],
                         capture_output=True, text=True, env=tool_env(), check=False,
                         timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    for name in ("stock nbgrader autograde", "mld grade"):
        assert re.search(rf"^{name} +[\d.]+ s +[\d.]+ submissions/s +machine CPU", run.stdout,
                         re.MULTILINE), run.stdout
    assert re.search(r"^speed-up: [\d.]+x$", run.stdout, re.MULTILINE)
    compared = re.search(r"^grade cells compared: (\d+); different: (\d+)$", run.stdout,
                         re.MULTILINE)
    assert compared and int(compared[1]) > 0 and compared[2] == "0", run.stdout
