"""One execution of each notebook per test run, shared by every check that reads it.

Running a notebook is most of the suite's time, and six modules in three languages make
many notebooks: each (notebook, version, language) that the tests run untouched is
executed once, by the session fixture ``executions`` (conftest.py), and every check reads
the same executed copy. The runs go side by side on a small pool (``MLD_TEST_WORKERS``,
2 by default): a kernel spends much of its time starting and waiting, so two at once on
2 cores take little more than one.

    run = executions.run(path)              # the executed NotebookNode is run.notebook
    report = executions.validate(path)      # nbgrader's Validate of a built notebook

A check asks for one notebook; the pool starts every notebook that the selected tests of
the same test function will ask for, so they are ready when those tests come.
"""

from __future__ import annotations

import json
import os
import shutil
from functools import partial
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from toolbox_widgets.course import layout
from toolbox_widgets.course.build import tool_env

WORKERS = max(1, int(os.environ.get("MLD_TEST_WORKERS", "2")))
TIMEOUT = 600  # seconds per cell: far above any cell of the course, below CI's cut

# nbgrader's Validate in a process of its own: it sets NBGRADER_EXECUTION in os.environ
# while it runs, which two runs in one process (or a plain run beside it) would share.
# One process validates every asked-for notebook of one folder, one after the other:
# importing nbgrader takes about as long as validating a notebook.
# A kernel that dies before its first reply never ran the notebook's code (on a loaded
# machine another process can take the port its client chose, once in a CI run): Validate
# is asked once more; any other failure, or a second death, is the notebook's report.
VALIDATE = ("import json, sys, traceback\n"
            "from nbgrader.validator import Validator\n"
            "for path in sys.argv[1:]:\n"
            "    for attempt in (1, 2):\n"
            "        try:\n"
            "            done = [path, Validator().validate(path)]\n"
            "        except Exception as error:\n"
            "            done = [path, None, traceback.format_exc()]\n"
            "            if attempt == 1 and 'before replying to kernel_info' in str(error):\n"
            "                continue\n"
            "        break\n"
            "    print(json.dumps(done), flush=True)\n")


@dataclass
class Run:
    notebook: nbformat.NotebookNode  # as executed, with every output
    folder: Path  # where it ran: the answers file it wrote is there
    seconds: float


def kind_of(path: Path) -> tuple[str, str, str]:
    """(module, language, version) of a notebook of the course: ("core", "fr", "release")."""
    assignment, tree = path.parent.name, path.parent.parent.name
    language = layout.language_of(assignment) or "en"
    module = assignment.removesuffix(f"_{language}")
    return module, language, tree


def _plain_env() -> dict[str, str]:
    """The environment of a trainee's or an author's kernel: no nbgrader mode."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NBGRADER_")}


class Executions:
    """Executed notebooks of one test run, each made once, by (what, path)."""

    def __init__(self, scratch: Path, workers: int = WORKERS):
        self.scratch = scratch
        self.workers = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="notebook")
        self._futures: dict[tuple[str, Path], Future] = {}
        self._lock = threading.Lock()
        self._env = _plain_env()
        self.seconds: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)

    def _start(self, what: str, path: Path, job) -> Future:
        path = Path(path).resolve()
        with self._lock:
            if (what, path) not in self._futures:
                self._futures[what, path] = self._pool.submit(self._timed, what, path, job)
            return self._futures[what, path]

    def _timed(self, what: str, path: Path, job):
        start = time.monotonic()
        try:
            return job(path)
        finally:
            self.seconds[(what, *kind_of(path))].append(time.monotonic() - start)

    # --- untouched runs (Run All), as a trainee or an author opens the notebook
    def start_runs(self, paths, env: dict[str, str] | None = None) -> None:
        """Start Run All of each path; env adds to the kernel's environment (the
        pseudo-locale's catalogs). A path runs once: the first start's env holds."""
        for path in paths:
            self._start("run", path, partial(self._execute, env=env))

    def run(self, path: Path, env: dict[str, str] | None = None) -> Run:
        return self._start("run", path, partial(self._execute, env=env)).result()

    def _execute(self, path: Path, env: dict[str, str] | None = None) -> Run:
        tree = path.parent.parent.name
        folder = self.scratch / tree / f"{path.parent.name}-{path.stem}"
        folder.mkdir(parents=True)
        shutil.copy2(path, folder / path.name)  # answers files land there, not in the repo
        notebook = nbformat.read(folder / path.name, as_version=4)
        start = time.monotonic()
        client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                                allow_errors=True,
                                resources={"metadata": {"path": str(folder)}})
        client.execute(env={**self._env, **(env or {})})
        return Run(notebook, folder, time.monotonic() - start)

    # --- nbgrader's Validate (the JupyterLab button runs the same code)
    def start_validations(self, paths) -> None:
        """Start Validate of each path: the notebooks of one folder (source/core) are shared
        out between as many processes as there are workers, so that both cores work."""
        folders = defaultdict(list)
        with self._lock:
            for path in (Path(p).resolve() for p in paths):
                if ("validate", path) not in self._futures and path not in folders[path.parent]:
                    folders[path.parent].append(path)
            for batch in folders.values():
                for share in range(min(self.workers, len(batch))):
                    futures = {path: Future() for path in batch[share::self.workers]}
                    self._futures.update({("validate", p): f for p, f in futures.items()})
                    self._pool.submit(self._validate_batch, futures)

    def validate(self, path: Path) -> dict:
        self.start_validations([path])
        return self._futures["validate", Path(path).resolve()].result()

    def _validate_batch(self, futures: dict[Path, Future]) -> None:
        start = time.monotonic()
        try:
            result = subprocess.run([sys.executable, "-c", VALIDATE, *map(str, futures)],
                                    capture_output=True, text=True, env=tool_env(),
                                    cwd=next(iter(futures)).parent, check=False)
            reports = {done[0]: done[1:] for done in map(
                json.loads, (line for line in result.stdout.splitlines() if line[:2] == '["'))}
            trouble = result.stderr
        except Exception as error:  # noqa: BLE001 (handed to every waiting check)
            reports, trouble = {}, repr(error)
        seconds = (time.monotonic() - start) / len(futures)
        for path, future in futures.items():
            self.seconds[("validate", *kind_of(path))].append(seconds)
            report, *failure = reports.get(str(path), [None, trouble])
            if report is None:  # Validate itself failed on this notebook, or never got to it
                future.set_exception(RuntimeError(
                    f"nbgrader's Validate of {path} failed:\n{failure[0][-3000:]}"))
            else:
                future.set_result(report)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def summary(self) -> list[str]:
        """One line per (module, language): the runs of each kind and their time."""
        rows = defaultdict(list)
        for (what, module, language, tree), seconds in sorted(self.seconds.items()):
            rows[module, language].append((f"{what} {tree}", len(seconds), sum(seconds)))
        return [f"{module} {language}: {sum(t for *_, t in parts):.0f} s ("
                + "; ".join(f"{name} {count}x {t:.0f} s" for name, count, t in parts) + ")"
                for (module, language), parts in sorted(rows.items())]

def wanted(request, argument: str) -> list[Path]:
    """The notebooks that the selected tests of the calling test function ask for."""
    here = request.node
    return [item.callspec.params[argument] for item in request.session.items
            if getattr(item, "originalname", None) == here.originalname
            and item.module is here.module and hasattr(item, "callspec")
            and argument in item.callspec.params]
