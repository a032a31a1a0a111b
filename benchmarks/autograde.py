"""Stock ``nbgrader autograde`` against ``mld grade`` on the same synthetic class.

    .venv/bin/python benchmarks/autograde.py --submissions 8
    .venv/bin/python benchmarks/autograde.py --submissions 12 --notebooks "01_*" --runaway every

Builds a scratch course from notebooks/core, makes N submissions (correct, partial,
blank and runaway trainees, in turn, each with the answers files its notebooks saved),
grades one copy with stock nbgrader (hidden tests in the trainee's kernel, as shipped)
and another with mld grade (scores from the submitted answers files), prints
submissions/second for each, the ratio, peak memory, and checks that every grade cell
got the same score both ways.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolbox_widgets.course import layout

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "core"
PROTECTION = "# --- Grades no trainee code can forge"  # the last block of nbgrader_config.py
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)\n?### END SOLUTION", re.DOTALL)


def env() -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)  # nbgrader calls `alembic` by name
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def build_course(folder: Path, notebooks: str) -> None:
    layout.scratch_course(ROOT, folder, notebooks=(f"{ASSIGNMENT}/{notebooks}",))
    subprocess.run([sys.executable, "-m", "toolbox_widgets.cli", "build", "--root", str(folder)],
                   check=True, capture_output=True, env=env())


def solutions(source_notebook: Path) -> dict[str, str]:
    """grade_id of each answer cell -> the instructor's solution lines."""
    found = {}
    for cell in json.loads(source_notebook.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        text = "".join(cell["source"])
        if meta.get("solution") and cell["cell_type"] == "code" and SOLUTION.search(text):
            found[meta["grade_id"]] = "\n".join(SOLUTION.findall(text))
    return found


def answer(release_notebook: Path, target: Path, kind: str, key: dict[str, str]) -> None:
    """Write a trainee's notebook: the solution typed under the stub, in some cells."""
    notebook = json.loads(release_notebook.read_text())
    ids = list(key)
    chosen = {"correct": ids, "partial": ids[: len(ids) // 2], "blank": [],
              "runaway": ids}[kind]
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in chosen:
            code = key[grade_id]
            if kind == "runaway" and grade_id == chosen[0]:
                code = "while True:\n    pass\n" + code  # interrupted by the cell timeout
            cell["source"] = "".join(cell["source"]).rstrip("\n") + "\n" + code
    target.write_text(json.dumps(notebook, indent=1))


def saved_answers(release: Path, kind: str, keys: dict) -> dict[str, bytes]:
    """The answers files a trainee of this kind saves by running the notebooks before
    submitting: mld grade (and nbgrader with the course's configuration) scores these."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="mld-bench-answers-") as scratch:
        folder = Path(scratch)
        shutil.copytree(release, folder, dirs_exist_ok=True)
        for name, key in keys.items():
            if key:
                answer(release / name, folder / name, kind, key)
                notebook = nbformat.read(folder / name, as_version=4)
                NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                               resources={"metadata": {"path": str(folder)}}).execute()
        return {p.name: p.read_bytes() for p in folder.glob("*.answers.json")}


def make_class(course: Path, count: int, runaway: str = "first") -> None:
    """Trainees correct, partial, blank and runaway in turn. A runaway trainee answers
    everything, with an endless loop before the first answer of the first notebook that
    has exercises (runaway="first") or of every notebook ("every")."""
    kinds = ["correct", "partial", "blank", "runaway"]
    release = course / "release" / ASSIGNMENT
    keys = {p.name: solutions(course / "source" / ASSIGNMENT / p.name)
            for p in sorted(release.glob("*.ipynb"))}
    looping = [name for name, key in keys.items() if key]
    if runaway == "first":
        looping = looping[:1]
    # Two kernels side by side: each mostly waits on its own start and imports.
    with ThreadPoolExecutor(2) as pool:
        runs = {kind: pool.submit(saved_answers, release, kind, keys)
                for kind in ("correct", "partial")}
        saved = {kind: run.result() for kind, run in runs.items()}
    saved["runaway"] = saved["correct"]  # the loop was typed after the last run
    for n in range(count):
        kind = kinds[n % 4]
        folder = course / "submitted" / f"t{n:03d}-{kind}" / ASSIGNMENT
        shutil.copytree(release, folder)
        for name, key in keys.items():
            loops = kind == "runaway" and name in looping
            answer(release / name, folder / name, kind if loops else
                   ("correct" if kind == "runaway" else kind), key)
        for name, content in saved.get(kind, {}).items():
            (folder / name).write_bytes(content)


def busy_seconds() -> float | None:
    """CPU time the whole machine has spent busy (Linux): sandboxed kernels are not
    children the grader waits for, so their time shows only here. Run on a quiet machine."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], cwd: Path) -> dict:
    """Run a command in a fresh Python that reports its children's peak memory."""
    probe = ("import resource, subprocess, sys, time; t = time.monotonic(); "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "c = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(__import__('json').dumps({'seconds': time.monotonic() - t, "
             "'code': r.returncode, 'maxrss_mb': c.ru_maxrss / 1024, "
             "'cpu': c.ru_utime + c.ru_stime, 'log': r.stdout[-3000:] + r.stderr[-3000:], "
             "'keys': [l for l in r.stderr.splitlines() if l.startswith('Answer keys')]}))")
    busy = busy_seconds()
    result = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd,
                            capture_output=True, text=True, env=env(), check=True)
    found = json.loads(result.stdout)
    found["machine_cpu"] = busy_seconds() - busy if busy is not None else float("nan")
    return found


def scores(course: Path) -> dict[tuple, float | None]:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            for submission in student.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[student.id, notebook.name, grade.name] = grade.auto_score
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--notebooks", default="*", help="glob of core notebooks to keep")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=5, help="seconds per cell")
    parser.add_argument("--keep", help="build the scratch courses in this folder")
    parser.add_argument("--runaway", choices=("first", "every"), default="first",
                        help="runaway trainees loop in the first notebook with exercises "
                             "(default) or in every one (a stress case: each loop holds a "
                             "core until its cell timeout, under both graders)")
    args = parser.parse_args(argv)

    base = Path(args.keep or tempfile.mkdtemp(prefix="mld-bench-"))
    course = base / "course"
    course.mkdir(parents=True)
    started = time.monotonic()
    build_course(course, args.notebooks)
    make_class(course, args.submissions, args.runaway)
    for copy in ("stock", "mld"):
        shutil.copytree(course, base / copy)
    # Stock nbgrader as shipped: without the course's last configuration block, the
    # hidden tests run in the trainee's kernel (and call the same scorer).
    config = base / "stock" / "nbgrader_config.py"
    config.write_text(config.read_text().split(PROTECTION)[0])
    notebooks = len(list((course / "source" / ASSIGNMENT).glob("*.ipynb")))
    print(f"{args.submissions} submissions x {notebooks} notebook(s), prepared in "
          f"{time.monotonic() - started:.0f} s; cell timeout {args.timeout} s.")

    stock = measure([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force",
                     f"--Execute.timeout={args.timeout}"], base / "stock")
    mld = measure([sys.executable, "-m", "toolbox_widgets.grading", "grade", ASSIGNMENT,
                   "--force", f"--workers={args.workers}",
                   f"--set=Execute.timeout={args.timeout}"], base / "mld")
    for name, run in (("stock nbgrader autograde", stock), ("mld grade", mld)):
        rate = args.submissions / run["seconds"]
        print(f"{name:26} {run['seconds']:7.1f} s  {rate:6.3f} submissions/s  "
              f"machine CPU {run['machine_cpu']:6.1f} s  "
              f"peak RSS of one process {run['maxrss_mb']:6.0f} MiB"
              + ("" if run["code"] == 0 else f"  (exit status {run['code']})"))
    for line in mld["keys"]:  # paid in this run: the scratch course has no keys yet
        print(f"  of which, in mld grade: {line}")
    print(f"speed-up: {stock['seconds'] / mld['seconds']:.2f}x")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this script's own peak RSS: {own:.0f} MiB")

    a, b = scores(base / "stock"), scores(base / "mld")
    different = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
    print(f"grade cells compared: {len(a)}; different: {len(different)}")
    for key, pair in sorted(different.items())[:20]:
        print(f"  {key}: stock {pair[0]}, mld {pair[1]}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if different or stock["code"] or mld["code"] > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
