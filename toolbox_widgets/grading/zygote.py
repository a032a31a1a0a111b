"""A warm parent for the kernels of one submission: import once, fork each kernel.

Most of a graded notebook's time is not the trainee's code but Python starting, and
importing ipykernel, pandas, plotly and the course's widgets. The zygote is one process
per submission, started in that submission's sandbox (the same bubblewrap command a
kernel used to get): it does those imports once, before any trainee file is there,
then forks a fresh IPython kernel for each notebook. A forked kernel starts in
milliseconds with the modules already loaded, and is otherwise a new kernel: its own
process and session, a new user namespace, a new random seed.

Isolation is unchanged: the zygote and its kernels live in the sandbox of one
submission only and die with it; no trainee code runs in the zygote itself.

Two halves in this file:
* ``main()`` runs inside the sandbox. It reads one command per line on stdin
  (``fork <json argv>``, ``signal <pid> <signum>``) and writes one event per line on
  stdout (``ready``, ``forked <pid>``, ``exited <pid> <code>``, ``failed <reason>``).
* ``Zygote`` and ``ForkedProvisioner`` run in the grader: the provisioner lets
  jupyter_client's kernel manager (and so nbclient and nbgrader's Execute) drive a
  forked kernel as if it had started it with Popen.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time

from jupyter_client.provisioning import LocalProvisioner

from .sandbox import spawn

# ---------------------------------------------------------------- inside the sandbox


def _die_with_parent() -> None:
    """Be killed when the parent goes, even with no sandbox (--unsafe-no-sandbox)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _kernel_child(argv: list[str]) -> None:
    """In the forked child: become a kernel, as `python -m ipykernel_launcher` does."""
    os.setsid()  # its own process group: signals for it never reach the zygote
    _die_with_parent()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the command pipe is the zygote's, not the kernel's
        os.dup2(null, fd)
    os.close(null)
    if "numpy" in sys.modules:  # a fork copies the random state; a new kernel would not
        sys.modules["numpy"].random.seed()
    import ipykernel_launcher
    from ipykernel.kernelapp import IPKernelApp

    sys.argv = [ipykernel_launcher.__file__, *argv]
    app = IPKernelApp.instance()
    app.initialize(argv)  # in / : no IPython config or profile of the trainee's is found
    if "ipywidgets" in sys.modules:  # imported before a kernel existed: register now
        sys.modules["ipywidgets"]._handle_ipython()
    workdir = os.environ.get("MLD_WORKDIR")
    if workdir:
        os.chdir(workdir)
    # The working folder is importable, as in any kernel, but last: a trainee's file
    # named like a module the kernel or the course imports never replaces it.
    sys.path[:] = [p for p in sys.path if p not in ("", ".")] + [""]
    app.start()


def _warm_up_plotly() -> None:
    """Build, and do not show, one small figure as the course's notebooks do (graph
    objects, template "none"). plotly imports most of its graph objects only when the
    first figure is made. No figure is shown, so the kernel still embeds plotly.js
    with its first chart, as a new kernel does."""
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.templates.default = "none"
    go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": "t"}).to_dict()
    pio.templates.default = "plotly"  # as a new kernel finds it, until its Workbook


def main() -> None:
    _die_with_parent()
    for name in sys.argv[1:]:
        importlib.import_module(name)
    # What every kernel imports while it starts (the debugger alone is 60 ms).
    for name in ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger",
                 "ipykernel_launcher"):
        importlib.import_module(name)
    if "plotly.graph_objects" in sys.modules:
        _warm_up_plotly()
    # Keep the garbage collector of every kernel off the zygote's objects: walking
    # them would write to (and so copy) most of the memory the fork shares.
    gc.collect()
    gc.freeze()
    out = os.fdopen(1, "w", buffering=1)

    def say(*words) -> None:
        out.write(" ".join(str(w) for w in words) + "\n")

    say("ready")
    pending = b""
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([0], [], [], 0.05)
        for pid in list(children):  # report kernels that ended
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                say("exited", pid, os.waitstatus_to_exitcode(status))
        if not readable:
            continue
        chunk = os.read(0, 65536)
        if not chunk:  # the grader closed the pipe: stop every kernel, then ourselves
            for pid in children:
                _signal_group(pid, signal.SIGKILL)
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            command, _, rest = line.decode().partition(" ")
            if command == "fork":
                argv = json.loads(rest)
                out.flush()
                try:
                    pid = os.fork()
                except OSError as err:  # e.g. a fork bomb used up the sandbox's processes
                    say("failed", err)
                    continue
                if pid == 0:
                    try:
                        _kernel_child(argv)
                    finally:
                        os._exit(0)
                children.add(pid)
                say("forked", pid)
            elif command == "signal":
                pid, signum = (int(x) for x in rest.split())
                if pid in children:
                    _signal_group(pid, signum)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except OSError:
        try:
            os.kill(pid, signum)
        except OSError:
            pass


# ---------------------------------------------------------------- in the grader

# The working folder (the trainee's) leaves sys.path before anything is imported; the
# kernel puts it back, as IPython does. (Not `python -P`: IPython would keep it out.)
STARTER = f"import sys; del sys.path[0]; from {__name__} import main; main()"


class ZygoteFailed(RuntimeError):
    """The zygote did not start, or stopped."""


class Zygote:
    """The grader's handle on one zygote process (started under `prefix`, the sandbox)."""

    def __init__(self, prefix: list[str], preload: tuple[str, ...], cwd: str, env: dict):
        # -s: no user site folder (HOME is the sandbox's /tmp, which a notebook can write).
        command = [*prefix, sys.executable, "-s", "-c", STARTER, *preload]
        self.process = spawn(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=cwd, env=env)
        self.exits: dict[int, int] = {}
        self.replies: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True, name="zygote-reader").start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            event, _, rest = raw.decode(errors="replace").strip().partition(" ")
            if event == "exited":
                pid, code = (int(x) for x in rest.split())
                self.exits[pid] = code
            else:
                self.replies.put((event, rest))
        self.replies.put(("stopped", ""))

    def _reply(self, expected: str, timeout: float) -> str:
        try:
            event, rest = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise ZygoteFailed(f"no answer from the kernel starter in {timeout:.0f} s") from None
        if event == "failed":
            raise ZygoteFailed(f"the kernel could not start: {rest}")
        if event != expected:
            raise ZygoteFailed(f"the kernel starter stopped (exit status {self.process.poll()})")
        return rest

    def wait_ready(self, timeout: float) -> None:
        """Block until the imports are done (call it from a thread)."""
        self._reply("ready", timeout)

    def _send(self, line: str) -> None:
        with self.lock:
            try:
                self.process.stdin.write(line.encode() + b"\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                raise ZygoteFailed("the kernel starter has stopped") from None

    def fork(self, argv: list[str]) -> int:
        self._send("fork " + json.dumps(argv))
        return int(self._reply("forked", 30))

    def signal(self, pid: int, signum: int) -> None:
        self._send(f"signal {pid} {signum}")

    def exit_code(self, pid: int) -> int | None:
        if pid in self.exits:
            return self.exits[pid]
        if self.process.poll() is not None:  # the sandbox is gone, and the kernel with it
            return -signal.SIGKILL
        return None

    def close(self) -> None:
        """Kill the sandbox: everything in its PID namespace dies with it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class ForkedProcess:
    """What jupyter_client expects of a kernel's Popen, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid = zygote, pid

    def poll(self) -> int | None:
        return self.zygote.exit_code(self.pid)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                self.zygote.signal(self.pid, signum)
            except ZygoteFailed:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel is forked by a zygote instead of started by Popen.

    The kernel manager still writes the connection file and builds the command; the
    command here is only the kernel's own arguments (``-f <connection file> ...``).
    """

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        pid = self.zygote.fork(cmd)
        self.process = ForkedProcess(self.zygote, pid)
        self.pid, self.pgid = pid, None  # the pid is the sandbox's: signal through the zygote
        self.cwd = kwargs.get("cwd")
        return self.connection_info
