"""The answer keys, recorded once from the instructor's notebook, never from a submission.

The grader runs each ``source/<assignment>/<notebook>.ipynb`` (the instructor version,
with hidden tests) in a fresh kernel of its own, in recording mode
(toolbox_widgets/trainee/recorder.py): each exercise writes down its definition and each hidden
test ``q.grade(key, why=...)`` its key, its explanation and its options, and nothing is
scored. No trainee file is in that kernel's folder. What each graded test cell recorded
is cached under the course's ``.mld-grade/keys/`` by a hash of the source notebook (and
of the course code that records it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..course import layout
from ..trainee.recorder import ENV

FORMAT = 2  # 2: each cell also keeps the instructor's answer and nbgrader's points


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


def recorded_keys(source_notebook: Path | str, cache: Path | str, timeout: int = 600) -> dict:
    """{grade_id: {"definition", "key", "why", "options", "answer", "points", "source"}}
    of one notebook,
    from the cache when the source notebook is unchanged."""
    source_notebook = Path(source_notebook)
    content = source_notebook.read_bytes()
    digest = hashlib.sha256(content + _recorder_code()).hexdigest()
    cached = Path(cache) / f"{source_notebook.stem}-{digest[:20]}.json"
    try:
        found = json.loads(cached.read_text(encoding="utf-8"))
        if found.get("format") == FORMAT and found.get("sha256") == digest:
            return found["cells"]
    except (OSError, ValueError, AttributeError):
        pass  # not recorded yet, or a damaged cache: record again
    cells = _record(source_notebook, content, timeout)
    cached.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"format": FORMAT, "notebook": source_notebook.name, "sha256": digest,
                   "cells": cells}, out, ensure_ascii=False, indent=1)
    os.replace(temp, cached)
    return cells


def _record(source_notebook: Path, content: bytes, timeout: int) -> dict:
    nb = nbformat.reads(content.decode("utf-8"), as_version=4)
    tests = graded_test_cells(nb)
    name = source_notebook.name
    with tempfile.TemporaryDirectory(prefix="mld-keys-") as scratch:
        # A copy of the instructor's folder: the notebook may read its neighbours.
        folder = Path(scratch) / "source"
        shutil.copytree(source_notebook.parent, folder, ignore=layout.ignore_never_copied)
        events_file = Path(scratch) / "events.jsonl"
        events_file.touch()
        env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
        env[ENV] = str(events_file)
        state = {"offset": 0, "definitions": {}, "cells": {}, "cell": ""}

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
                "points": tests[grade_id].metadata["nbgrader"]["points"],
                "source": tests[grade_id].source}

        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}},
                                on_cell_start=starting, on_cell_executed=collect)
        try:
            client.execute(env=env)
        except CellExecutionError as error:
            raise KeysError(f"{name}: cell {state['cell']} of the instructor's notebook failed "
                            f"while its keys were recorded: {error.ename}: "
                            f"{str(error.evalue)[:300]}") from error
    missing = [grade_id for grade_id in tests if grade_id not in state["cells"]]
    if missing:
        raise KeysError(_no_key(name, missing))
    return state["cells"]


def _no_key(name: str, cells: list[str]) -> str:
    return (f"{name}: the graded test cell(s) {', '.join(cells)} recorded no key. Each must "
            "call q.grade(key, why=...) in its hidden tests.")
