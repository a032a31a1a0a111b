"""benchmarks/autograde.py runs end to end and prints its figures (a small class here;
the figures themselves are measured on a quiet machine, not asserted, but they must agree
with each other: a rate is the submissions over the seconds, the speed-up the ratio of the
two times)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from toolbox_widgets.course.build import tool_env

pytestmark = pytest.mark.slow

# The smallest class that takes every path: one trainee of each kind (correct, partial,
# blank, runaway), one notebook with every kind of exercise and a code task.
SUBMISSIONS = 4


def test_benchmark_prints_both_rates_and_identical_scores():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "autograde.py"),
                          # a cell timeout that a busy CI machine does not reach by itself
                          # (only the runaway trainee's loop should): scores must agree
                          "--submissions", str(SUBMISSIONS), "--notebooks", "01_*",
                          "--timeout", "15"],
                         capture_output=True, text=True, env=tool_env(), check=False,
                         timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert run.stdout.startswith(f"{SUBMISSIONS} submissions x 1 notebook(s), prepared in ")
    seconds = {}
    for name in ("stock nbgrader autograde", "mld grade"):
        found = re.search(rf"^{name} +([\d.]+) s +([\d.]+) submissions/s +machine CPU",
                          run.stdout, re.MULTILINE)
        assert found, run.stdout
        seconds[name], rate = float(found[1]), float(found[2])
        assert seconds[name] > 0
        assert rate == pytest.approx(SUBMISSIONS / seconds[name], rel=0.01, abs=0.002), name
    speed_up = re.search(r"^speed-up: ([\d.]+)x$", run.stdout, re.MULTILINE)
    assert speed_up, run.stdout
    assert float(speed_up[1]) == pytest.approx(
        seconds["stock nbgrader autograde"] / seconds["mld grade"], rel=0.02)
    compared = re.search(r"^grade cells compared: (\d+); different: (\d+)$", run.stdout,
                         re.MULTILINE)
    # every submission compared on the same cells, and none differs
    assert compared and int(compared[1]) > 0 and compared[2] == "0", run.stdout
    assert int(compared[1]) % SUBMISSIONS == 0, run.stdout
