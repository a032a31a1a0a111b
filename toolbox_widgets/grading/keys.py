"""The answer keys, recorded once from the instructor's notebook, never from a submission.

The grader runs each ``source/<assignment>/<notebook>.ipynb`` (the instructor version,
with hidden tests) in a fresh kernel of its own, in recording mode
(toolbox_widgets/trainee/recorder.py): each exercise writes down its definition and each hidden
test ``q.grade(key, why=...)`` its key, its explanation and its options, and nothing is
scored. No trainee file is in that kernel's folder. What each graded test cell recorded
is cached under the course's ``.mld-grade/keys/`` by a hash of the source notebook (and
of the course code that records it).

Starting Python and importing ipykernel, pandas, plotly and the course's widgets took
most of each recording kernel's time. So a ``Recorder`` does those imports once, in a
zygote of its own (zygote.py, outside any sandbox: only the instructor's notebooks run
there), and forks one fresh kernel per notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..course import layout
from ..trainee.recorder import ENV
from .zygote import ForkedProvisioner, Zygote

FORMAT = 3  # 2: each cell also keeps the instructor's answer and nbgrader's points;
# 3: options are {id: words}, and a key given by letters is flagged


class KeysError(RuntimeError):
    """The instructor's notebook gives no usable key for a graded test cell."""


def cache_folder(root: Path | str, assignment: str) -> Path:
    return Path(root) / ".mld-grade" / "keys" / assignment


def graded_test_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The autograded test cells that carry points (grade, not solution, code) by grade_id.

    A 0-point test cell (the "Before you submit" progress check) grades nothing: it has
    no key, and whatever it prints can earn no point."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
            and not cell.metadata["nbgrader"].get("solution")
            and cell.metadata["nbgrader"].get("points")}


def _recorder_code() -> bytes:
    """The course code that shapes a recording: a new version records afresh."""
    trainee = Path(__file__).resolve().parents[1] / "trainee"
    return b"".join((trainee / name).read_bytes() for name in
                    ("scoring.py", "exercises.py", "code_task.py", "recorder.py", "workbook.py"))


def _cached(source_notebook: Path, cache: Path | str) -> tuple[bytes, str, Path, dict | None]:
    """(notebook bytes, digest, cache file, its cells or None when not recorded yet)."""
    content = source_notebook.read_bytes()
    digest = hashlib.sha256(content + _recorder_code()).hexdigest()
    cached = Path(cache) / f"{source_notebook.stem}-{digest[:20]}.json"
    try:
        found = json.loads(cached.read_text(encoding="utf-8"))
        if found.get("format") == FORMAT and found.get("sha256") == digest:
            return content, digest, cached, found["cells"]
    except (OSError, ValueError, AttributeError):
        pass  # not recorded yet, or a damaged cache: record again
    return content, digest, cached, None


def needs_recording(source_notebook: Path | str, cache: Path | str) -> bool:
    return _cached(Path(source_notebook), cache)[3] is None


def recorded_keys(source_notebook: Path | str, cache: Path | str, timeout: int = 600,
                  recorder: Recorder | None = None) -> dict:
    """{grade_id: {"definition", "key", "why", "options", "answer", "points", "source"}}
    of one notebook,
    from the cache when the source notebook is unchanged."""
    source_notebook = Path(source_notebook)
    content, digest, cached, cells = _cached(source_notebook, cache)
    if cells is not None:
        return cells
    if recorder is None:
        with Recorder(source_notebook.parent) as own:
            cells = own.record(source_notebook, content, timeout)
    else:
        cells = recorder.record(source_notebook, content, timeout)
    cached.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"format": FORMAT, "notebook": source_notebook.name, "sha256": digest,
                   "cells": cells}, out, ensure_ascii=False, indent=1)
    os.replace(temp, cached)
    return cells


def record_all(notebooks: list[Path], cache: Path | str, workers: int) -> int:
    """Record the keys of every notebook not in the cache yet: side by side, one
    Recorder (one zygote) per core, each taking the next notebook when it is free.
    Returns how many were recorded; a KeysError of any notebook is raised here."""
    left = queue.SimpleQueue()
    missing = [n for n in notebooks if needs_recording(n, cache)]
    for notebook in missing:
        left.put(notebook)

    def work() -> None:
        if left.empty():
            return
        with Recorder(missing[0].parent) as recorder:
            while True:
                try:
                    notebook = left.get_nowait()
                except queue.Empty:
                    return
                recorded_keys(notebook, cache, recorder=recorder)

    with ThreadPoolExecutor(max_workers=max(1, min(len(missing), workers))) as pool:
        for future in [pool.submit(work) for _ in range(max(1, min(len(missing), workers)))]:
            future.result()
    return len(missing)


class _ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is forked by a Recorder's zygote (which takes only
    the kernel's own arguments)."""

    def format_kernel_cmd(self, extra_arguments=None):
        return ["-f", self.connection_file, *(extra_arguments or [])]


class Recorder:
    """Records the keys of one folder's notebooks, one after the other, each in a fresh
    kernel forked from one warm zygote. No trainee file is ever in its folder."""

    def __init__(self, folder: Path):
        from .worker import PRELOAD  # what a graded kernel has imported too

        self.scratch = Path(tempfile.mkdtemp(prefix="mld-keys-"))
        self.zygote = None
        try:
            # A copy of the instructor's folder: the notebook may read its neighbours.
            self.folder = self.scratch / "source"
            shutil.copytree(folder, self.folder, ignore=layout.ignore_never_copied)
            self.events = self.scratch / "events.jsonl"
            self.events.touch()
            env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
            env[ENV] = str(self.events)
            env["MLD_WORKDIR"] = str(self.folder)  # where each forked kernel starts
            self.zygote = Zygote([], PRELOAD, "/", env)
            self.zygote.wait_ready(120)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None
        shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def record(self, source_notebook: Path, content: bytes, timeout: int) -> dict:
        km = _ForkedKernelManager(kernel_name="python3")
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec,
                                           parent=km)
        km.provisioner.zygote = self.zygote
        return _record(source_notebook, content, timeout, km, self.folder, self.events)


def _record(source_notebook: Path, content: bytes, timeout: int, km, folder: Path,
            events_file: Path) -> dict:
    nb = nbformat.reads(content.decode("utf-8"), as_version=4)
    tests = graded_test_cells(nb)
    name = source_notebook.name
    # The events of this notebook only: those of the notebooks before are read already.
    state = {"offset": events_file.stat().st_size, "definitions": {}, "cells": {}, "cell": ""}

    def starting(cell, cell_index, **_):
        state["cell"] = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{cell_index}"

    def collect(cell, cell_index, execute_reply=None, **_):
        with open(events_file, encoding="utf-8") as file:
            file.seek(state["offset"])
            lines = file.read()
            state["offset"] = file.tell()
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        keys = []
        for line in lines.splitlines():
            event = json.loads(line)
            if event["event"] == "define":
                d = event["definition"]
                state["definitions"][d["workbook"], d["id"]] = d
            elif event["event"] == "key":
                keys.append(event)
        if grade_id not in tests:
            if keys:
                raise KeysError(f"{name}: cell {grade_id or cell_index} calls grade(), "
                                "but it is not an autograded test cell.")
            return
        if not keys:
            raise KeysError(_no_key(name, [grade_id]))
        if len(keys) > 1:
            raise KeysError(f"{name}: the graded test cell {grade_id} recorded "
                            f"{len(keys)} keys; it must grade exactly one exercise.")
        event = keys[0]
        definition = state["definitions"].get((event["workbook"], event["id"]))
        if definition is None:
            raise KeysError(f"{name}: the graded test cell {grade_id} grades exercise "
                            f"{event['id']}, which the notebook never made.")
        state["cells"][grade_id] = {
            "definition": definition, "key": event["key"], "why": event["why"],
            "options": event["options"], "answer": event.get("answer"),
            "letters": event.get("letters", False),
            "points": tests[grade_id].metadata["nbgrader"]["points"],
            "source": tests[grade_id].source}

    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            shutdown_kernel="immediate",  # nothing in it to save
                            resources={"metadata": {"path": str(folder)}},
                            on_cell_start=starting, on_cell_executed=collect)
    try:
        client.execute(cleanup_kc=True)
    except CellExecutionError as error:
        raise KeysError(f"{name}: cell {state['cell']} of the instructor's notebook failed "
                        f"while its keys were recorded: {error.ename}: "
                        f"{str(error.evalue)[:600]}") from error
    missing = [grade_id for grade_id in tests if grade_id not in state["cells"]]
    if missing:
        raise KeysError(_no_key(name, missing))
    return state["cells"]


def _no_key(name: str, cells: list[str]) -> str:
    return (f"{name}: the graded test cell(s) {', '.join(cells)} recorded no key. Each must "
            "call q.grade(key, why=...) in its hidden tests.")
