"""benchmarks/trainee.py runs end to end and prints its figures for one notebook (the
figures themselves are measured on a quiet machine, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from toolbox_widgets.course.build import tool_env

pytestmark = pytest.mark.slow


def test_trainee_benchmark_prints_every_figure():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "trainee.py"),
                          "--repeat", "1", "--notebooks", "02"],
                         capture_output=True, text=True, env=tool_env(), check=False, timeout=600)
    assert run.returncode in (0, 1), run.stdout + run.stderr[-3000:]  # 1: a target missed
    row = re.search(r"^02_\S+\.ipynb +([\d.]+) +([\d.]+) +([\d.]+) +(\d+) +([\d.]+) +([\d.]+)  "
                    r"(meets the targets|MISSES: .+)$", run.stdout, re.MULTILINE)
    assert row, run.stdout + run.stderr[-3000:]
    run_all, imports, factor, size_kb, save_ms, _slowest = map(float, row.groups()[:6])
    # The imports are read from the kernel: pandas and plotly alone take a tenth of a
    # second, so a list that lost them would show here.
    assert imports > 0.1 and factor == pytest.approx(run_all / imports, abs=0.06)
    assert size_kb > 20 and save_ms > 0
