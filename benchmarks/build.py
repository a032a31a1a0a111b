"""The time of `mld build --check` (what CI runs before pytest) and of `mld build`, with the
assignments built one at a time and side by side.

    .venv/bin/python benchmarks/build.py
    .venv/bin/python benchmarks/build.py --repeat 3 --workers 1 2

For each number of workers (MLD_BUILD_WORKERS), builds the whole course: `mld build --check`
of this checkout (a build into a scratch folder, compared with the committed trees), and
`mld build` of a scratch copy of the course (which also records gradebook.db). Prints the
wall time and the CPU time of each run; on a machine shared with other work, compare runs
made back to back. Keys are recorded once beforehand, so that no run pays for it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env

ROOT = Path(__file__).resolve().parents[1]
KEYS = ROOT / ".mld-grade" / "keys"  # the recorded keys (grading/keys.py)


def timed(command: list[str], workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, check=True, capture_output=True,
                   env={**tool_env(), "MLD_BUILD_WORKERS": str(workers)})
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    args = parser.parse_args()
    mld = [sys.executable, "-m", "toolbox_widgets.cli", "build"]
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    timed([*mld, "--check", "--root", str(ROOT)], args.workers[-1])  # records the keys once
    with tempfile.TemporaryDirectory() as folder:
        for turn in range(args.repeat):
            for workers in args.workers:
                wall, cpu = timed([*mld, "--check", "--root", str(ROOT)], workers)
                print(f"mld build --check, {workers} worker(s): {wall:6.1f} s wall, "
                      f"{cpu:6.1f} s CPU", flush=True)
                course = layout.scratch_course(ROOT, Path(folder) / f"course-{turn}-{workers}")
                shutil.copytree(KEYS, course / KEYS.relative_to(ROOT))  # recorded above
                wall, cpu = timed([*mld, "--root", str(course)], workers)
                print(f"mld build,         {workers} worker(s): {wall:6.1f} s wall, "
                      f"{cpu:6.1f} s CPU", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
