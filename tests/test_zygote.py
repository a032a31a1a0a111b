"""The kernels `mld grade` forks from a warm zygote behave as new kernels, one per notebook.

Runs the grading worker directly (no Dask, no gradebook) on small synthetic notebooks,
in the bubblewrap sandbox, so each check takes seconds.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import processes_left

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


# Every process this module starts (bwrap, zygotes) inherits this mark, so that the end
# of the module can check that none of them is left. Set while the module runs only: set
# at import (collection), it marked what other modules start for the whole session (the
# browser tests' JupyterLab), which then counted as "left behind" here.
MARK = f"mld-zygote-test-{os.getpid()}"


@functools.cache
def pool() -> Pool:
    """One worker's pool for the whole module, made by the first test that grades."""
    return Pool()


@pytest.fixture(scope="module", autouse=True)
def no_process_left():
    """When the module is done and its pool closed, no sandbox process may remain (a
    zygote once outlived a CI run by 40 minutes)."""
    before = os.environ.get("MLD_GRADE_TEST_MARK")
    os.environ["MLD_GRADE_TEST_MARK"] = MARK
    yield
    if before is None:
        os.environ.pop("MLD_GRADE_TEST_MARK", None)
    else:
        os.environ["MLD_GRADE_TEST_MARK"] = before
    if pool.cache_info().currsize:
        pool().close()
    left = processes_left(MARK)
    assert not left, f"processes left behind: {left}"


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


def test_a_background_process_cannot_make_the_grader_follow_a_link(tmp_path):
    """Code left running by one notebook swaps every kernel socket and connection file
    of the sandbox's ipc folder for links to host files while the grader starts the next
    kernels. The grader, as root, must neither write, chown nor connect through them."""
    victim = tmp_path / "host-file.txt"
    victim.write_text("HOST DATA")
    victim.chmod(0o600)
    before = os.stat(victim)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "host.sock"))
    listener.listen(8)
    listener.settimeout(0.1)
    swapper = (
        "import os, time\n"
        "ipc = [l.split()[4] for l in open('/proc/self/mountinfo')\n"
        "       if l.split()[4].endswith('/ipc')][0]\n"
        "end = time.time() + 40\n"
        "while time.time() < end:\n"
        "    for n in range(60):\n"
        "        for name, to in [(f'kernel-{n}.json', VICTIM)] + [\n"
        "                (f'k{n}-{p}', SOCK) for p in range(1, 6)]:\n"
        "            path = os.path.join(ipc, name)\n"
        "            try:\n"
        "                if not os.path.islink(path):\n"
        "                    if os.path.lexists(path):\n"
        "                        os.unlink(path)\n"
        "                    os.symlink(to, path)\n"
        "            except OSError:\n"
        "                pass\n"
        "    time.sleep(0.001)\n"
    ).replace("VICTIM", repr(str(victim))).replace("SOCK", repr(str(tmp_path / "host.sock")))
    plant = notebook(
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {swapper!r}], start_new_session=True)\n"
        "import time; time.sleep(3); print('planted')")
    result = grade({"1_plant.ipynb": plant, "2_next.ipynb": notebook("print(6 * 7)"),
                    "3_last.ipynb": notebook("print(6 * 9)")})
    try:
        connected = listener.accept()
    except TimeoutError:
        connected = None
    listener.close()
    after = os.stat(victim)
    assert victim.read_text() == "HOST DATA"
    assert (after.st_uid, after.st_gid, after.st_mode) == (before.st_uid, before.st_gid,
                                                           before.st_mode)
    assert connected is None, "the grader connected to a socket of the host"
    assert printed(result, "1_plant.ipynb") == ["planted"]
    assert printed(result, "3_last.ipynb") == ["54"]  # a later notebook still graded


@pytest.mark.skipif(os.geteuid() != 0, reason="memory cgroups are made as root here")
def test_memory_is_bounded_for_the_whole_sandbox():
    """Four processes of 400 MiB each stay under a per-process bound of 1024 MiB, but
    not under one bound of 1024 MiB for the whole sandbox."""
    from toolbox_widgets.grading.cgroup import make_parent

    parent, why = make_parent()
    if parent is None:
        pytest.skip(why)
    parent.remove()
    hog = ("import subprocess, sys\n"
           "code = 'b = bytearray(400 << 20); import time; time.sleep(3)'\n"
           "kids = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(4)]\n"
           "print(sorted(k.wait() for k in kids))")
    result = grade({"hog.ipynb": notebook(hog, "print('after')")}, memory_mb=1024)
    codes = printed(result, "hog.ipynb")[0]
    assert "-9" in codes, codes  # some were killed: together they passed the bound
    assert "memory" in result["notes"]["hog.ipynb"]


def test_the_sandbox_tmp_has_a_size():
    fill = ("try:\n    with open('/tmp/fill', 'wb') as f:\n"
            "        for _ in range(200):\n            f.write(b'x' * (1 << 20))\n"
            "    print('wrote all')\nexcept OSError as err:\n    print(err.errno)")
    result = grade({"fill.ipynb": notebook(fill)}, tmp_mb=64)
    assert printed(result, "fill.ipynb") == ["28"]  # ENOSPC


def test_no_host_path_in_the_sandbox_command_lines():
    probe = notebook("import os\n"
                     "print(any(b'mldg-' in open(f'/proc/{p}/cmdline', 'rb').read()\n"
                     "          for p in os.listdir('/proc') if p.isdigit()))")
    result = grade({"probe.ipynb": probe})
    assert printed(result, "probe.ipynb") == ["False"]


def test_files_next_to_the_notebook_do_not_change_what_the_kernel_runs():
    """A trainee's module named like a library's, sitecustomize.py, IPython config or
    profile, .pth file, or a startup file a notebook wrote to HOME, is not run; a helper
    module of the trainee's own is still importable."""
    planted = "open('/tmp/ran', 'a').write(__name__ + ' ')\n"
    files = {name: planted.encode() for name in (
        "colorsys.py", "sitecustomize.py", "usercustomize.py", "ipython_config.py",
        "ipython_kernel_config.py", "profile_default/startup/00.py",
        "profile_default/ipython_kernel_config.py")}
    files["evil.pth"] = b"import os; " + planted.encode()
    files["helper.py"] = b"X = 42"
    # Written to HOME by notebook 1, before notebook 3's kernel starts.
    plant = notebook("import os\n"
                     "os.makedirs('/tmp/.ipython/profile_default/startup', exist_ok=True)\n"
                     "open('/tmp/.ipython/profile_default/startup/0.py', 'w')"
                     ".write('open(\"/tmp/ran\", \"a\").write(\"startup\")')")
    probe = notebook("import os, colorsys, helper\n"
                     "print(os.path.exists('/tmp/ran'), "
                     "colorsys.__file__.startswith(os.getcwd()), helper.X)")
    result = grade({"1_plant.ipynb": plant, "2_wait.ipynb": notebook("print(1)"),
                    "3_probe.ipynb": probe, **files})
    assert printed(result, "3_probe.ipynb") == ["False False 42"]


def test_a_notebook_timeout_is_named_as_a_timeout_not_a_dead_kernel():
    sleeper = notebook("import time\nfor _ in range(60):\n    time.sleep(0.1)",
                       "import time\nfor _ in range(60):\n    time.sleep(0.1)",
                       "print('never')")
    task = Task("trainee", "core", {"slow.ipynb": sleeper}, ["slow.ipynb"], EXECUTE,
                vars(Limits(notebook_timeout=4)), more_to_come=False)
    result = pool().run(pool().grade(task))
    note = result["notes"]["slow.ipynb"]
    assert note.startswith("timeout: the notebook ran longer than 4 s"), note
    assert "kernel died" not in note
    cells = json.loads(result["notebooks"]["slow.ipynb"])["cells"]
    assert [o["ename"] for o in cells[2]["outputs"]] == ["NotGraded"]

