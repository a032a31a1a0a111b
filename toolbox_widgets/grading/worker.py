"""Execute one submission's sanitized notebooks, each in a fresh sandboxed kernel.

This module runs in a Dask worker (a process of its own, maybe on another machine):
it gets the submission's files as bytes and returns the executed notebooks as text,
so it needs no view of the course folder. nbgrader's own ``Execute`` client runs the
cells, with the instructor's Execute settings, exactly as ``nbgrader autograde`` does.

Kernel start-up and the heavy imports of the course (pandas, plotly, the widgets)
take longer than most notebooks. So each worker keeps the next kernel ready: it is
started, in a fresh sandbox with an empty folder, and has done those imports before
any trainee file exists. Every kernel still runs one notebook only.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer
from traitlets.config import Config

from .sandbox import Limits, SandboxedKernelManager, bwrap_command, kernel_argv, sandbox_uid

# Imported in the waiting kernel, before any trainee file is there. Imports only:
# no course code runs, so the kernel is as fresh as a new one.
PRELOAD = ("import pandas, plotly.express, plotly.graph_objects, plotly.io._renderers, "
           "plotly.offline, ipywidgets, toolbox_widgets, toolbox_widgets.charts, "
           "toolbox_widgets.data")
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
    preload: str = PRELOAD


class LimitedExecute(Execute):
    """nbgrader's Execute that keeps at most `output_limit` bytes of outputs per notebook,
    so a trainee printing a gigabyte cannot fill the grader's memory or the gradebook."""

    output_limit = Integer(64 * MIB)
    _kept = 0
    _cut = False
    last_cell = -1  # index of the last cell that finished

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in
                                                   content.get("data", {}).values())
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
    folder: Path  # the submission folder on this machine
    inside: str  # where the kernel sees it


class Pool:
    """Kernels of one worker process, on an event loop of their own."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="kernels").start()
        self.spare: asyncio.Task | None = None
        self.spare_key: tuple | None = None
        self.spare_base: Path | None = None
        self.counter = itertools.count()
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the waiting kernel and remove its folder when the worker exits."""
        if self.spare is not None and self.spare.done() and not self.spare.exception():
            self.run(self.stop(self.spare.result()))
        if self.spare_base is not None:
            shutil.rmtree(self.spare_base, ignore_errors=True)

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def new_folder(self, sandbox: bool) -> tuple[Path, int | None]:
        base = Path(tempfile.mkdtemp(prefix="mldg-"))  # short: ipc socket paths are limited
        uid = sandbox_uid(os.getpid() * 2 + next(self.counter) % 2) if sandbox else None
        (base / "work").mkdir()
        if uid is not None:
            for path in (base, base / "work"):
                os.chown(path, uid, uid)
        return base, uid

    async def start(self, base: Path, uid, inside: str, task: Task) -> Kernel:
        limits = Limits(**task.limits)
        ipc = Path(tempfile.mkdtemp(prefix="k", dir=base))
        if uid is not None:
            os.chown(ipc, uid, uid)
        workdir = base / "work"
        prefix = bwrap_command(str(workdir), inside, str(ipc), limits, uid) if task.sandbox else []
        km = SandboxedKernelManager(prefix=prefix, kernel_argv=kernel_argv(), kernel_name="python3",
                                    transport="ipc", ip=str(ipc / "k"),
                                    connection_file=str(ipc / "kernel.json"), owner=uid)
        env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}
        # The kernel's own stdout/stderr (os.write(1, ...)) must not reach the grader's log.
        await km.start_kernel(cwd=str(workdir), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=task.execute_config.get("startup_timeout", 60))
            if task.preload:
                msg_id = kc.execute(task.preload, silent=True, store_history=False)
                while (await kc.get_shell_msg(timeout=120))["parent_header"].get(
                        "msg_id") != msg_id:
                    pass
        except Exception:
            await self.stop(Kernel(km, kc, workdir, inside))
            raise
        return Kernel(km, kc, workdir, inside if task.sandbox else str(workdir))

    async def stop(self, kernel: Kernel) -> None:
        # Nothing to save in a graded kernel: kill the sandbox at once.
        try:
            kernel.kc.stop_channels()
            await kernel.km.shutdown_kernel(now=True)
        except Exception:
            pass

    async def take(self, task: Task) -> Kernel:
        """The waiting kernel if it suits this task, else a new one."""
        key = (task.assignment, task.sandbox, task.preload, tuple(sorted(task.limits.items())))
        spare, self.spare = self.spare, None
        if spare is not None:
            try:
                kernel = await spare
                if self.spare_key == key:
                    return kernel
                await self.stop(kernel)
            except Exception:
                pass
        base, uid = self.new_folder(task.sandbox)
        return await self.start(base, uid, inside_path(task), task)

    def prepare_next(self, task: Task) -> None:
        base, uid = self.new_folder(task.sandbox)
        self.spare_base = base
        self.spare_key = (task.assignment, task.sandbox, task.preload,
                          tuple(sorted(task.limits.items())))
        self.spare = self.loop.create_task(self.start(base, uid, inside_path(task), task))

    async def grade(self, task: Task) -> dict:
        started = time.monotonic()
        first = await self.take(task)
        base = first.folder.parent
        uid = os.stat(base).st_uid if task.sandbox and os.geteuid() == 0 else None
        for name, content in task.files.items():
            path = first.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            if uid is not None:
                os.chown(path, uid, uid)
        results, notes = {}, {}
        kernel = first
        try:
            for i, name in enumerate(task.notebooks):
                if i + 1 < len(task.notebooks):  # same trainee, same folder: start it now
                    following = self.loop.create_task(
                        self.start(base, uid, inside_path(task), task))
                else:
                    following = None
                    self.prepare_next(task)
                nb = nbformat.reads(task.files[name].decode("utf-8"), as_version=4)
                try:
                    executed, note = await run_notebook(kernel, nb, task)
                finally:
                    await self.stop(kernel)
                results[name] = nbformat.writes(executed)
                if note:
                    notes[name] = note
                if following is not None:
                    kernel = await following
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return {"student": task.student, "notebooks": results, "notes": notes,
                "seconds": time.monotonic() - started, "host": os.uname().nodename}


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
        code = kernel.km.provisioner.process.poll() if kernel.km.provisioner else None
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


def task_dict(task: Task) -> dict:
    return asdict(task)
