"""The kernels `mld grade` forks from a warm zygote behave as new kernels, one per notebook.

Runs the grading worker directly (no Dask, no gradebook) on small synthetic notebooks,
in the bubblewrap sandbox, so each check takes seconds.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from toolbox_widgets.grading.sandbox import Limits, UidLease, lease_uid
from toolbox_widgets.grading.worker import Pool, Task

EXECUTE = {"timeout": 10, "interrupt_on_timeout": True, "raise_on_iopub_timeout": False,
           "startup_timeout": 60, "iopub_timeout": 4, "allow_errors": True,
           "record_timing": False, "kernel_name": "python3"}


def notebook(*cells: str) -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in cells])).encode()


def grade(files: dict[str, bytes], **limits) -> dict:
    """Execute every notebook of one submission, as a Dask worker would."""
    task = Task("trainee", "core", files, sorted(n for n in files if n.endswith(".ipynb")),
                EXECUTE, vars(Limits(notebook_timeout=60, **limits)), more_to_come=False)
    return pool().run(pool().grade(task))


def printed(result: dict, name: str) -> list[str]:
    """The text each cell of an executed notebook printed (or its error)."""
    cells = json.loads(result["notebooks"][name])["cells"]
    return ["".join(o.get("text", "") or o.get("evalue", "") for o in c["outputs"]).strip()
            for c in cells]


@functools.cache
def pool() -> Pool:
    """One worker's pool for the whole module, made by the first test that grades."""
    return Pool()


def test_each_notebook_gets_a_new_kernel_in_the_same_folder():
    first = notebook(
        "import os, numpy; left_behind = 1; print(os.getpid())",
        "print(numpy.random.randint(10**9))",
        "open('made_by_first.txt', 'w').write('x'); open('helper.py', 'w').write('X = 42')")
    second = notebook(
        "import os, numpy; print(os.getpid())",
        "print(numpy.random.randint(10**9))",
        "print('left_behind' in globals())",
        "print(os.path.exists('made_by_first.txt'))",
        "import helper; print(helper.X)",  # the working folder is importable, as in a kernel
        "import sys; print(sys.argv[0].endswith('ipykernel_launcher.py'))")
    result = grade({"a.ipynb": first, "b.ipynb": second})
    a, b = printed(result, "a.ipynb"), printed(result, "b.ipynb")
    assert result["notes"] == {}
    assert a[0] != b[0], "a new kernel process for every notebook"
    assert a[1] != b[1], "a forked kernel must not repeat the random numbers of another"
    assert b[2:] == ["False", "True", "42", "True"]


def test_a_notebook_that_kills_its_kernel_does_not_stop_the_next():
    dying = notebook("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "print('after')")
    healthy = notebook("print(6 * 7)")
    result = grade({"1_dies.ipynb": dying, "2_runs.ipynb": healthy})
    assert "kernel died" in result["notes"]["1_dies.ipynb"]
    cells = json.loads(result["notebooks"]["1_dies.ipynb"])["cells"]
    assert [o["ename"] for o in cells[1]["outputs"]] == ["NotGraded"]  # scores zero
    assert printed(result, "2_runs.ipynb") == ["42"]


def test_a_notebook_that_uses_up_the_processes_does_not_stop_the_next():
    greedy = notebook(
        "import subprocess\nheld = []\n"
        "try:\n    while True:\n        held.append(subprocess.Popen(['sleep', '60']))\n"
        "except OSError:\n    print('no more processes')",
        "import time; time.sleep(1); print(len(held) > 0)")
    result = grade({"1_greedy.ipynb": greedy, "2_runs.ipynb": notebook("print(6 * 7)")},
                   processes=60)
    assert printed(result, "1_greedy.ipynb") == ["no more processes", "True"]
    assert printed(result, "2_runs.ipynb") == ["42"]


def test_a_runaway_cell_is_interrupted_and_the_notebook_goes_on():
    looping = notebook("while True:\n    pass", "print('next cell')")
    result = grade({"loop.ipynb": looping})
    outputs = printed(result, "loop.ipynb")
    assert outputs[1] == "next cell"
    assert result["notes"] == {"loop.ipynb": "timeout: cell 1 ran longer than 10 s and was "
                                             "interrupted"}


def test_the_kernel_sees_only_its_own_folder():
    course = Path(__file__).resolve().parents[1]  # its solutions and hidden tests
    probe = notebook("import os; print(sorted(os.listdir('.')))",
                     f"print(os.path.exists({str(course / 'notebooks')!r}))")
    result = grade({"probe.ipynb": probe, "data.csv": b"a,b\n1,2\n"})
    assert printed(result, "probe.ipynb") == ["['data.csv', 'probe.ipynb']", "False"]


@pytest.mark.skipif(os.geteuid() != 0, reason="user ids of their own are given only as root")
def test_two_sandboxes_never_share_a_user_id():
    leases = [UidLease() for _ in range(40)]
    uids = [lease.uid for lease in leases]
    assert len(set(uids)) == len(uids)
    # Another process cannot take any of them while they are held.
    code = ("from toolbox_widgets.grading.sandbox import UidLease\n"
            "print(' '.join(str(UidLease().uid) for _ in range(40)))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split()
    assert not set(map(int, other)) & set(uids)
    for lease in leases:
        lease.release()
    again = lease_uid()
    assert again is not None
    again.release()
