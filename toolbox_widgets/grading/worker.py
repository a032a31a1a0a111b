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
import stat
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer
from traitlets.config import Config

from .cgroup import CgroupParent, SandboxCgroup, make_parent
from .sandbox import (
    IPC_INSIDE,
    Limits,
    SandboxedKernelManager,
    UidLease,
    bwrap_command,
    lease_uid,
)
from .zygote import ForkedProvisioner, Zygote

# Imported by the zygote, before any trainee file is there. Imports only: no course
# code runs, so a forked kernel is as fresh as a new one.
# nbformat (with jsonschema) is what plotly's notebook renderers load first: alone
# more than half a second per kernel.
PRELOAD = ("pandas", "pandas.io.formats.html", "plotly.graph_objects",
           "plotly.io._renderers", "plotly.offline", "nbformat", "ipywidgets",
           "toolbox_widgets", "toolbox_widgets.trainee.charts", "toolbox_widgets.trainee.data")
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
    timed_out: list  # indexes of cells interrupted at Execute.timeout

    def _count(self, size: int) -> bool:
        """Count `size` more bytes kept; False (and a note, once) past the limit."""
        if self._kept + size > self.output_limit:
            if not self._cut:
                self._cut = True
                self._note_cut()
            return False
        self._kept += size
        return True

    def _note_cut(self) -> None:
        cell = self.nb.cells[max(self.last_cell + 1, 0)] if self.nb.cells else None
        if cell is not None and cell.cell_type == "code":
            cell.outputs.append(nbformat.v4.new_output(
                "stream", name="stderr",
                text=f"\n... output cut by the grader: more than "
                     f"{self.output_limit // MIB} MiB in this notebook ...\n"))

    def output(self, outs, msg, display_id, cell_index):
        # Every byte that would be kept counts: text, data, metadata, tracebacks.
        if not self._count(_size(msg.get("content", {}))):
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _update_display_id(self, display_id, msg):
        # An update rewrites every output shown with that id: each copy counts.
        copies = sum(len(where) for where in self._display_id_map.get(display_id, {}).values())
        if not self._count(_size(msg.get("content", {})) * copies):
            return
        super()._update_display_id(display_id, msg)

    def handle_comm_msg(self, outs, msg, cell_index):
        # Widget state is saved in the notebook's metadata: it counts too.
        if not self._count(_size(msg.get("content", {})) + sum(
                len(b) for b in msg.get("buffers", []) or [])):
            return
        super().handle_comm_msg(outs, msg, cell_index)

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out.append(self.nb.cells.index(cell) if cell in self.nb.cells else -1)
        return await super()._async_handle_timeout(timeout, cell)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        self.last_cell = cell_index
        return result


def _size(content) -> int:
    """Bytes a message's content would take in the notebook."""
    try:
        return len(json.dumps(content, ensure_ascii=False, default=str))
    except (TypeError, ValueError, RecursionError):
        return 1 << 40  # cannot be measured: treated as too big to keep


@dataclass
class Kernel:
    km: SandboxedKernelManager
    kc: object
    inside: str  # where the kernel sees the submission folder


@dataclass(eq=False)  # hashed by identity: the pool keeps a set of live ones
class Sandbox:
    """One submission's sandbox: its folder, and the zygote that forks its kernels."""

    base: Path  # on this machine: work/, ipc/, conn/, safe/ (see `new_sandbox`)
    lease: UidLease | None  # its own user id, when grading as root
    inside: str
    zygote: Zygote | None = None
    cgroup: SandboxCgroup | None = None  # its memory bound, when the host gives one
    oom_seen: int = 0  # memory kills counted so far
    safe_fd: int = -1  # safe/, open: the grader connects through /proc/self/fd (short)
    sandboxed: bool = True

    @property
    def uid(self) -> int | None:
        return self.lease.uid if self.lease else None

    @property
    def workdir(self) -> Path:
        return self.base / "work"

    @property
    def ipc(self) -> Path:  # where kernels make their sockets (the sandbox may write)
        return self.base / "ipc"

    @property
    def conn(self) -> Path:  # connection files and an empty IPython folder (read-only)
        return self.base / "conn"

    @property
    def safe(self) -> Path:  # where the grader connects: the sandbox cannot see it
        return self.base / "safe"


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
        self.live: set[Sandbox] = set()  # every sandbox not yet discarded
        given = os.environ.get("MLD_GRADE_CGROUP")
        if given:  # made by `mld grade` for the whole run
            self.cgroups, self.own_cgroups = CgroupParent.from_description(given), False
        else:
            self.cgroups, self.own_cgroups = make_parent()[0], True
        atexit.register(self.close)

    def close(self) -> None:
        """Stop every sandbox and remove its folder when the worker exits."""
        for sandbox in list(self.live):
            self.discard(sandbox)
        if self.cgroups is not None and self.own_cgroups:
            self.cgroups.remove()

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def new_sandbox(self, task: Task) -> Sandbox:
        """A sandbox's folders. Only work/ (the submission) and ipc/ (the kernels'
        sockets) can be written from inside; everything the grader writes, chowns or
        connects to is in folders owned by it (base, conn/, safe/)."""
        base = Path(tempfile.mkdtemp(prefix="mldg-"))  # short: ipc socket paths are limited
        lease = lease_uid() if task.sandbox else None
        sandbox = Sandbox(base, lease, inside_path(task) if task.sandbox else str(base / "work"))
        sandbox.sandboxed = task.sandbox
        self.live.add(sandbox)
        os.chmod(base, 0o711)
        for path in (sandbox.workdir, sandbox.ipc, sandbox.conn, sandbox.safe,
                     sandbox.conn / "ipython", sandbox.conn / "ipython" / "profile_default"):
            path.mkdir(mode=0o700)
        for name in ("startup", "security", "log", "pid"):
            (sandbox.conn / "ipython" / "profile_default" / name).mkdir(mode=0o755)
        os.chmod(sandbox.conn / "ipython", 0o755)
        os.chmod(sandbox.conn / "ipython" / "profile_default", 0o755)
        if lease is not None:
            os.chown(sandbox.workdir, lease.uid, lease.uid)
            for path, mode in ((sandbox.ipc, 0o1770), (sandbox.conn, 0o750)):
                os.chown(path, 0, lease.uid)
                os.chmod(path, mode)
        if task.sandbox and self.cgroups is not None:
            sandbox.cgroup = self.cgroups.new(Limits(**task.limits).memory_mb * MIB)
        sandbox.safe_fd = os.open(sandbox.safe, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        return sandbox

    async def start_zygote(self, sandbox: Sandbox, task: Task) -> Sandbox:
        """Start the sandbox's zygote and wait until it has done the imports."""
        limits = Limits(**task.limits)
        prefix = (bwrap_command(str(sandbox.workdir), sandbox.inside, str(sandbox.ipc), limits,
                                sandbox.uid, readonly=(str(sandbox.conn),
                                                       str(sandbox.conn / "ipython")),
                                cgroup_procs=sandbox.cgroup.procs if sandbox.cgroup else None)
                  if task.sandbox else [])
        # Started in / (its kernels move to the working folder): see zygote.py.
        env = {**os.environ, "NBGRADER_EXECUTION": "autograde",
               "MLD_WORKDIR": str(sandbox.workdir)}
        sandbox.zygote = Zygote(prefix, task.preload, "/", env)
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
        if sandbox.cgroup is not None:
            sandbox.cgroup.remove()
        shutil.rmtree(sandbox.base, ignore_errors=True)  # follows no link
        if sandbox.safe_fd >= 0:
            os.close(sandbox.safe_fd)
            sandbox.safe_fd = -1
        if sandbox.lease is not None:  # only now: no process of the sandbox is left
            sandbox.lease.release()
        self.live.discard(sandbox)

    async def start_kernel(self, sandbox: Sandbox, task: Task) -> Kernel:
        """A fresh kernel, forked by the zygote, for one notebook."""
        n = next(self.counter)
        km = SandboxedKernelManager(kernel_argv=["-f", "{connection_file}"], kernel_name="python3",
                                    transport="ipc", ip=f"/proc/self/fd/{sandbox.safe_fd}/k{n}",
                                    kernel_ip=(f"{IPC_INSIDE}/k{n}" if sandbox.sandboxed
                                               else str(sandbox.ipc / f"k{n}")),
                                    connection_file=str(sandbox.conn / f"kernel-{n}.json"),
                                    owner=sandbox.uid)
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec,
                                           parent=km)
        km.provisioner.zygote = sandbox.zygote
        await km.start_kernel(cwd=str(sandbox.workdir),
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        timeout = task.execute_config.get("startup_timeout", 60)
        try:
            await take_sockets(km, sandbox, n, timeout)
        except Exception:
            await km.shutdown_kernel(now=True)
            raise
        kc = km.client()
        kc.start_channels()
        kernel = Kernel(km, kc, sandbox.inside)
        try:
            await wait_until_ready(kernel, timeout)
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
        if sandbox.cgroup is not None:  # what escaped the PID namespace's end, if anything
            sandbox.cgroup.kill()
        # The next sandbox starts with no socket or link planted by this one's processes.
        if sandbox.ipc.is_dir():
            for entry in os.scandir(sandbox.ipc):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)  # follows no link
                else:
                    os.unlink(entry.path)

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
                write_new(sandbox.workdir, name, content, sandbox.uid)
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
                    executed, note, events = await run_notebook(
                        kernel, nb, task, sandbox.cgroup, sandbox.oom_seen)
                finally:
                    # Killed in the background: nothing of it is needed any more.
                    stopping = self.loop.create_task(self.stop(kernel))
                    self.stopping.add(stopping)  # the loop keeps only weak references
                    stopping.add_done_callback(self.stopping.discard)
                # Plain JSON, without nbformat's indented (pure-Python, slow) encoder:
                # nbgrader reads and validates it, then writes autograded/ its own way.
                results[name] = json.dumps(executed, ensure_ascii=False)
                if sandbox.cgroup is not None:
                    kills = sandbox.cgroup.oom_kills()
                    if kills > sandbox.oom_seen and not note:
                        events.append(f"memory: a process used more than the sandbox's "
                                      f"{Limits(**task.limits).memory_mb} MiB and was killed")
                    sandbox.oom_seen = kills
                if note or events:
                    notes[name] = "; ".join(([note] if note else []) + events)
                if note:
                    # Whatever the notebook left running dies with its sandbox.
                    await self.drop(following)
                    following = None
                    self.close_zygote(sandbox)
        finally:
            await self.drop(following)
            self.discard(sandbox)
        return {"student": task.student, "notebooks": results, "notes": notes,
                "seconds": time.monotonic() - started, "host": os.uname().nodename}


def write_new(folder: Path, name: str, content: bytes, uid: int | None) -> None:
    """Write a new file under `folder` without following any link, owned by `uid`
    (the sandbox's user owns its working folder)."""
    parts = Path(name).parts
    if not parts or ".." in parts or Path(name).is_absolute():
        raise ValueError(f"not a file name inside the submission: {name!r}")
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                os.mkdir(part, 0o700, dir_fd=fd)
                if uid is not None:
                    os.chown(part, uid, uid, dir_fd=fd, follow_symlinks=False)
            except FileExistsError:
                pass
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                            dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                      | os.O_CLOEXEC, 0o600, dir_fd=fd)
        with os.fdopen(out, "wb") as file:
            if uid is not None:
                os.fchown(out, uid, uid)
            file.write(content)
    finally:
        os.close(fd)


PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


async def take_sockets(km: SandboxedKernelManager, sandbox: Sandbox, n: int,
                       timeout: float) -> None:
    """Move the kernel's sockets from ipc/ (which the sandbox may write) into safe/
    (which it cannot see), and connect only there.

    Code left running in the sandbox could swap a socket for a link to a file or a
    socket of this machine; the grader, as root, would follow it. rename() never
    follows a link, and what arrives in safe/ is checked (a socket, of the sandbox's
    user) before anything connects to it.
    """
    owner = sandbox.uid if sandbox.uid is not None else os.getuid()
    left = {getattr(km, name) for name in PORTS}
    deadline = time.monotonic() + timeout
    while left:
        for port in sorted(left):
            made, kept = sandbox.ipc / f"k{n}-{port}", sandbox.safe / f"k{n}-{port}"
            try:
                os.rename(made, kept)
            except FileNotFoundError:
                continue
            found = os.lstat(kept)
            if not stat.S_ISSOCK(found.st_mode) or found.st_uid != owner:
                raise RuntimeError("the kernel's connection was tampered with")
            left.discard(port)
        if not left:
            return
        if time.monotonic() > deadline or not await km.is_alive():
            raise RuntimeError("the kernel did not start")
        await asyncio.sleep(0.003)


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


async def run_notebook(kernel: Kernel, nb, task: Task,
                       cgroup: SandboxCgroup | None = None, oom_before: int = 0):
    """Run every cell as nbgrader's Execute does.

    Returns (executed notebook, what went wrong that killed the kernel or None, what
    else an instructor should know: timeouts, memory, processes, cut output).
    """
    limits = Limits(**task.limits)
    config = Config({"Execute": task.execute_config})
    client = LimitedExecute(km=kernel.km, config=config, output_limit=limits.output_mb * MIB,
                            resources={"metadata": {"path": kernel.inside}})
    client.nb, client.kc, client.timed_out = nb, kernel.kc, []
    problem = None
    # Not asyncio.wait_for: nbclient, cancelled, stops the kernel on its way out and
    # raises DeadKernelError in place of the timeout, which was then called a death.
    running = asyncio.ensure_future(client.async_execute())
    try:
        await asyncio.wait({running}, timeout=limits.notebook_timeout)
        if not running.done():
            problem = (f"timeout: the notebook ran longer than {limits.notebook_timeout} s "
                       "and was stopped")
            running.cancel()
        await running
    except DeadKernelError:
        problem = problem or _death(kernel, cgroup, oom_before, limits)
    except CellTimeoutError as err:  # no output in time, or a timeout not interrupted
        first = str(err).strip().splitlines()[0] if str(err).strip() else "a cell timed out"
        problem = problem or f"timeout: {first}"
    except (asyncio.CancelledError, Exception):
        if not problem:  # not the notebook timeout's own cancellation
            raise
    if problem:
        # Cells that did not run have no output, and nbgrader gives full points to a
        # test cell without an error: mark each of them so that it scores zero.
        for index, cell in enumerate(client.nb.cells):
            if cell.cell_type == "code" and index > client.last_cell:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="NotGraded", evalue=problem,
                    traceback=[f"NotGraded: this cell did not run: {problem}."]))
    return client.nb, problem, _events(client, limits)


def _death(kernel: Kernel, cgroup: SandboxCgroup | None, oom_before: int,
           limits: Limits) -> str:
    """Why the kernel died, in words."""
    if cgroup is not None and cgroup.oom_kills() > oom_before:
        return (f"memory: the sandbox used more than {limits.memory_mb} MiB and its kernel "
                "was killed")
    process = getattr(kernel.km.provisioner, "process", None)
    code = process.poll() if process is not None else None
    problem = "the kernel died" + (f" (exit status {code})" if code is not None else "")
    if code is not None and code in (137, -9):
        problem += "; it may have been killed, or run out of memory"
    return problem


def _events(client: LimitedExecute, limits: Limits) -> list[str]:
    """Plain notes on the limits a notebook's cells reached."""
    events = []
    cells = sorted({i + 1 for i in client.timed_out if i >= 0})
    if cells:
        events.append(f"timeout: cell {', '.join(map(str, cells))} ran longer than "
                      f"{client.timeout} s and was interrupted")
    errors = {o.get("ename") for c in client.nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"}
    if "MemoryError" in errors:
        events.append(f"memory: a cell ran out of memory ({limits.memory_mb} MiB)")
    if "BlockingIOError" in errors:
        events.append(f"processes: a cell reached the limit of {limits.processes} processes")
    if client._cut:
        events.append(f"output: more than {limits.output_mb} MiB of output, the rest was cut")
    return events


_POOLS: list[Pool] = []  # one per worker process, made by its first task


def execute_submission(task: Task) -> dict:
    """Dask task: grade one submission in this worker's kernel pool."""
    if not _POOLS:
        _POOLS.append(Pool())
    return _POOLS[0].run(_POOLS[0].grade(task))

