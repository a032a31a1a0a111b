"""Execute one submission's sanitized notebooks, each in a fresh sandboxed kernel.

This module runs in a Dask worker (a process of its own, maybe on another machine):
it gets the submission's files as bytes and returns the executed notebooks as text,
so it needs no view of the course folder. nbgrader's own ``Execute`` client runs the
cells, with the instructor's Execute settings, exactly as ``nbgrader autograde`` does.

Kernel start-up and the heavy imports of the course (pandas, plotly, the widgets)
take longer than most notebooks. So each submission gets one sandbox whose zygote
(zygote.py) does those imports once and forks a fresh kernel per notebook; and each
worker starts the next submission's sandbox while the current one finishes.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import json
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer
from traitlets.config import Config

from .sandbox import Limits, SandboxedKernelManager, UidLease, bwrap_command, lease_uid
from .zygote import ForkedProvisioner, Zygote

# Imported by the zygote, before any trainee file is there. Imports only: no course
# code runs, so a forked kernel is as fresh as a new one.
# nbformat (with jsonschema) is what plotly's notebook renderers load first: alone
# more than half a second per kernel.
PRELOAD = ("pandas", "pandas.io.formats.html", "plotly.express", "plotly.graph_objects",
           "plotly.io._renderers", "plotly.offline", "nbformat", "ipywidgets",
           "toolbox_widgets", "toolbox_widgets.charts", "toolbox_widgets.data")
MIB = 1024 * 1024


@dataclass
class Task:
    """What a worker needs to grade one submission (everything picklable)."""

    student: str
    assignment: str
    files: dict[str, bytes]  # path in the autograded folder -> content
    notebooks: list[str]  # sanitized notebooks to run, in nbgrader's (sorted) order
    execute_config: dict  # the instructor's c.Execute settings
    limits: dict
    sandbox: bool = True
    preload: tuple[str, ...] = PRELOAD
    more_to_come: bool = True  # start a sandbox for the next submission meanwhile


class LimitedExecute(Execute):
    """nbgrader's Execute that keeps at most `output_limit` bytes of outputs per notebook,
    so a trainee printing a gigabyte cannot fill the grader's memory or the gradebook."""

    output_limit = Integer(64 * MIB)
    _kept = 0
    _cut = False
    last_cell = -1  # index of the last cell that finished

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(
            len(v) if isinstance(v, str) else len(json.dumps(v))
            for v in content.get("data", {}).values())
        if self._kept + size > self.output_limit:
            if not self._cut:
                self._cut = True
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"\n... output cut by the grader: more than "
                         f"{self.output_limit // MIB} MiB in this notebook ...\n"))
            return None
        self._kept += size
        return super().output(outs, msg, display_id, cell_index)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        self.last_cell = cell_index
        return result


@dataclass
class Kernel:
    km: SandboxedKernelManager
    kc: object
    inside: str  # where the kernel sees the submission folder


@dataclass
class Sandbox:
    """One submission's sandbox: its folder, and the zygote that forks its kernels."""

    base: Path  # on this machine: work/ (the submission) and the ipc sockets
    lease: UidLease | None  # its own user id, when grading as root
    inside: str
    zygote: Zygote | None = None

    @property
    def uid(self) -> int | None:
        return self.lease.uid if self.lease else None

    @property
    def workdir(self) -> Path:
        return self.base / "work"

    @property
    def ipc(self) -> Path:
        return self.base / "ipc"


class Pool:
    """The sandboxes of one worker process, driven by an event loop of its own.

    A worker may grade several submissions at once (Dask threads): they share the loop,
    and each leaves a ready sandbox behind for the next one.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="kernels").start()
        self.spares: list[tuple[tuple, asyncio.Task]] = []
        self.stopping: set[asyncio.Task] = set()
        self.counter = itertools.count()
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the waiting sandboxes and remove their folders when the worker exits."""
        for _, spare in self.spares:
            if spare.done() and not spare.exception():
                self.discard(spare.result())

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def new_sandbox(self, task: Task) -> Sandbox:
        base = Path(tempfile.mkdtemp(prefix="mldg-"))  # short: ipc socket paths are limited
        lease = lease_uid() if task.sandbox else None
        sandbox = Sandbox(base, lease, inside_path(task) if task.sandbox else str(base / "work"))
        for path in (sandbox.workdir, sandbox.ipc):
            path.mkdir()
        if lease is not None:
            for path in (base, sandbox.workdir, sandbox.ipc):
                os.chown(path, lease.uid, lease.uid)
        return sandbox

    async def start_zygote(self, sandbox: Sandbox, task: Task) -> Sandbox:
        """Start the sandbox's zygote and wait until it has done the imports."""
        limits = Limits(**task.limits)
        prefix = (bwrap_command(str(sandbox.workdir), sandbox.inside, str(sandbox.ipc), limits,
                                sandbox.uid) if task.sandbox else [])
        env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
        sandbox.zygote = Zygote(prefix, task.preload, str(sandbox.workdir), env)
        try:
            await self.loop.run_in_executor(None, sandbox.zygote.wait_ready, 120)
        except Exception:
            sandbox.zygote.close()
            raise
        return sandbox

    async def fresh_sandbox(self, task: Task) -> Sandbox:
        sandbox = self.new_sandbox(task)
        try:
            return await self.start_zygote(sandbox, task)
        except BaseException:
            self.discard(sandbox)
            raise

    def discard(self, sandbox: Sandbox) -> None:
        self.close_zygote(sandbox)
        shutil.rmtree(sandbox.base, ignore_errors=True)
        if sandbox.lease is not None:  # only now: no process of the sandbox is left
            sandbox.lease.release()

    async def start_kernel(self, sandbox: Sandbox, task: Task) -> Kernel:
        """A fresh kernel, forked by the zygote, for one notebook."""
        n = next(self.counter)
        km = SandboxedKernelManager(kernel_argv=["-f", "{connection_file}"], kernel_name="python3",
                                    transport="ipc", ip=str(sandbox.ipc / f"k{n}"),
                                    connection_file=str(sandbox.ipc / f"kernel-{n}.json"),
                                    owner=sandbox.uid)
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec,
                                           parent=km)
        km.provisioner.zygote = sandbox.zygote
        await km.start_kernel(cwd=str(sandbox.workdir),
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        kernel = Kernel(km, kc, sandbox.inside)
        try:
            await wait_until_ready(kernel, task.execute_config.get("startup_timeout", 60))
        except Exception:
            await self.stop(kernel)
            raise
        return kernel

    async def next_kernel(self, sandbox: Sandbox, task: Task,
                          started: asyncio.Task | None) -> Kernel:
        """The next notebook's kernel: the one started in advance if it came up, else a
        new one, in a new sandbox if the notebook before went wrong."""
        if started is not None:
            try:
                return await started
            except Exception:  # the notebook before may have used up the processes
                self.close_zygote(sandbox)
        if sandbox.zygote is None:
            await self.start_zygote(sandbox, task)
        return await self.start_kernel(sandbox, task)

    def close_zygote(self, sandbox: Sandbox) -> None:
        """Kill the sandbox's processes; its folder stays for the next notebook."""
        if sandbox.zygote is not None:
            sandbox.zygote.close()
            sandbox.zygote = None

    async def drop(self, starting: asyncio.Task | None) -> None:
        """Stop a kernel that was started for a notebook it will not run."""
        if starting is not None:
            try:
                await self.stop(await starting)
            except Exception:  # it did not start: nothing to stop
                pass

    async def stop(self, kernel: Kernel) -> None:
        # Nothing to save in a graded kernel: kill it at once.
        try:
            kernel.kc.stop_channels()
            await kernel.km.shutdown_kernel(now=True)
        except Exception:
            pass

    def key(self, task: Task) -> tuple:
        return (task.assignment, task.sandbox, task.preload, tuple(sorted(task.limits.items())))

    async def take(self, task: Task) -> Sandbox:
        """A waiting sandbox if one suits this task, else a new one."""
        while self.spares:
            key, spare = self.spares.pop(0)
            try:
                sandbox = await spare
            except Exception:  # it could not start: the next one, or a new one, will say why
                continue
            if key == self.key(task):
                return sandbox
            self.discard(sandbox)
        return await self.fresh_sandbox(task)

    def prepare_next(self, task: Task) -> None:
        """Start the next submission's sandbox while this one runs its last notebook."""
        spare = self.loop.create_task(self.fresh_sandbox(task))
        self.spares.append((self.key(task), spare))

    async def grade(self, task: Task) -> dict:
        started = time.monotonic()
        sandbox = await self.take(task)
        try:
            for name, content in task.files.items():
                path = sandbox.workdir / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            if sandbox.uid is not None:  # the sandbox's user owns its working folder
                for path in sandbox.workdir.rglob("*"):
                    os.chown(path, sandbox.uid, sandbox.uid)
            results, notes = {}, {}
            following = None  # the next notebook's kernel, started while this one runs
            for i, name in enumerate(task.notebooks):
                if i + 1 == len(task.notebooks) and task.more_to_come:
                    self.prepare_next(task)
                nb = nbformat.reads(task.files[name].decode("utf-8"), as_version=4)
                kernel = await self.next_kernel(sandbox, task, following)
                following = None
                if i + 1 < len(task.notebooks):
                    following = self.loop.create_task(self.start_kernel(sandbox, task))
                try:
                    executed, note = await run_notebook(kernel, nb, task)
                finally:
                    # Killed in the background: nothing of it is needed any more.
                    stopping = self.loop.create_task(self.stop(kernel))
                    self.stopping.add(stopping)  # the loop keeps only weak references
                    stopping.add_done_callback(self.stopping.discard)
                # Plain JSON, without nbformat's indented (pure-Python, slow) encoder:
                # nbgrader reads and validates it, then writes autograded/ its own way.
                results[name] = json.dumps(executed, ensure_ascii=False)
                if note:
                    # Whatever the notebook left running dies with its sandbox.
                    notes[name] = note
                    await self.drop(following)
                    following = None
                    self.close_zygote(sandbox)
        finally:
            await self.drop(following)
            self.discard(sandbox)
        return {"student": task.student, "notebooks": results, "notes": notes,
                "seconds": time.monotonic() - started, "host": os.uname().nodename}


async def wait_until_ready(kernel: Kernel, timeout: float) -> None:
    """Return when the kernel answers, and its IOPub channel carries the answer's status.

    jupyter_client's wait_for_ready does the same, then waits for 0.2 s of silence on
    IOPub; nbclient ignores messages of other requests, so that wait is not needed.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    kc = kernel.kc
    while loop.time() < deadline:
        if not await kernel.km.is_alive():
            raise RuntimeError("the kernel died while starting")
        msg_id = kc.kernel_info()
        try:
            while (await kc.get_shell_msg(timeout=1))["parent_header"].get("msg_id") != msg_id:
                pass
            # The status messages of this request prove that IOPub is subscribed;
            # if they were missed (too early), ask again.
            while True:
                msg = await kc.get_iopub_msg(timeout=0.2)
                if (msg["parent_header"].get("msg_id") == msg_id
                        and msg["msg_type"] == "status"
                        and msg["content"].get("execution_state") == "idle"):
                    return
        except queue.Empty:
            continue
    raise TimeoutError(f"the kernel did not start in {timeout:.0f} s")


def inside_path(task: Task) -> str:
    return f"/home/trainee/{task.assignment}"


async def run_notebook(kernel: Kernel, nb, task: Task):
    """Run every cell as nbgrader's Execute does; return (executed notebook, problem)."""
    limits = Limits(**task.limits)
    config = Config({"Execute": task.execute_config})
    client = LimitedExecute(km=kernel.km, config=config, output_limit=limits.output_mb * MIB,
                            resources={"metadata": {"path": kernel.inside}})
    client.nb, client.kc = nb, kernel.kc
    problem = None
    try:
        await asyncio.wait_for(client.async_execute(), timeout=limits.notebook_timeout)
    except asyncio.TimeoutError:
        problem = f"the notebook ran longer than {limits.notebook_timeout} s and was stopped"
    except DeadKernelError:
        process = getattr(kernel.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        problem = "the kernel died" + (f" (exit status {code})" if code is not None else "")
        if code is not None and code in (137, -9):
            problem += "; it may have been killed, or run out of memory"
    if problem:
        # Cells that did not run have no output, and nbgrader gives full points to a
        # test cell without an error: mark each of them so that it scores zero.
        for index, cell in enumerate(client.nb.cells):
            if cell.cell_type == "code" and index > client.last_cell:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="NotGraded", evalue=problem,
                    traceback=[f"NotGraded: this cell did not run: {problem}."]))
    return client.nb, problem


_POOLS: list[Pool] = []  # one per worker process, made by its first task


def execute_submission(task: Task) -> dict:
    """Dask task: grade one submission in this worker's kernel pool."""
    if not _POOLS:
        _POOLS.append(Pool())
    return _POOLS[0].run(_POOLS[0].grade(task))

