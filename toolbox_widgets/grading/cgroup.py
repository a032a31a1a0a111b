"""One memory bound for a whole sandbox: every process in it, and its tmpfs pages.

RLIMIT_AS bounds one process; four children each under it can still hold four times
as much, and a tmpfs is no process at all. A memory cgroup counts all of it. Each
sandbox gets one, made by the grader (as root, or where the host delegates a cgroup
to us), and the sandbox's first process moves itself into it before bubblewrap
starts. Killing a sandbox then also kills every process left in its cgroup.

cgroup v2 (a unified hierarchy with the memory controller) is used when this
process's cgroup lets us make children with it; else the cgroup v1 memory
hierarchy; else none, and `mld grade` says so at start (see SANDBOX.md).
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

V2_ROOTS = ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")
V1_MEMORY = "/sys/fs/cgroup/memory"


def _own_path(controller: str) -> str | None:
    """This process's cgroup in the hierarchy of `controller` ('' for v2)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if (controller == "" and names == "") or controller in names.split(","):
            return path
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, v2: bool) -> None:
    """Remove the cgroups of runs whose process is gone (killed), and all in them."""
    for old in folder.glob("mld-grade-*"):
        try:
            pid = int(old.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            CgroupParent(old, v2).remove()


def _try_parent(folder: Path, v2: bool) -> Path | None:
    """A folder of ours under `folder` where child cgroups can bound memory, or None."""
    remove_stale(folder, v2)
    try:
        if v2:
            if "memory" not in (folder / "cgroup.controllers").read_text().split():
                return None
            if "memory" not in (folder / "cgroup.subtree_control").read_text().split():
                (folder / "cgroup.subtree_control").write_text("+memory")
        parent = folder / f"mld-grade-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        parent.mkdir()
        if v2:
            (parent / "cgroup.subtree_control").write_text("+memory")
        return parent
    except OSError:
        return None


class CgroupParent:
    """The folder holding this run's sandbox cgroups (one per sandbox)."""

    def __init__(self, path: Path, v2: bool):
        self.path, self.v2 = path, v2

    def new(self, memory_bytes: int) -> "SandboxCgroup | None":
        folder = self.path / f"s-{uuid.uuid4().hex[:12]}"
        try:
            folder.mkdir()
            limit = "memory.max" if self.v2 else "memory.limit_in_bytes"
            (folder / limit).write_text(str(memory_bytes))
        except OSError:
            try:
                folder.rmdir()
            except OSError:
                pass
            return None
        return SandboxCgroup(folder, self.v2)

    def describe(self) -> str:
        """What a worker process needs to find this parent again."""
        return ("v2:" if self.v2 else "v1:") + str(self.path)

    @classmethod
    def from_description(cls, text: str) -> "CgroupParent":
        version, _, path = text.partition(":")
        return cls(Path(path), version == "v2")

    def remove(self) -> None:
        """Kill whatever is left in this run's cgroups, and remove them."""
        for child in sorted(self.path.glob("s-*")):
            SandboxCgroup(child, self.v2).remove()
        try:
            self.path.rmdir()
        except OSError:
            pass


class SandboxCgroup:
    def __init__(self, path: Path, v2: bool):
        self.path, self.v2 = path, v2

    @property
    def procs(self) -> str:
        return str(self.path / "cgroup.procs")

    def oom_kills(self) -> int:
        """How many processes the kernel killed here for want of memory."""
        name = "memory.events" if self.v2 else "memory.oom_control"
        try:
            for line in (self.path / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill(self) -> None:
        """Kill every process in the cgroup and wait until none is left."""
        if self.v2 and (self.path / "cgroup.kill").exists():
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pids = [int(p) for p in Path(self.procs).read_text().split()]
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill()
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:  # the last processes are still being reaped
                time.sleep(0.02)


def make_parent() -> tuple[CgroupParent | None, str]:
    """This run's parent cgroup for sandboxes, or None and why there is none."""
    if os.environ.get("MLD_GRADE_NO_CGROUP"):  # lets the tests see the fallback
        return None, "cgroups were disabled (MLD_GRADE_NO_CGROUP)"
    own = _own_path("")
    for root in V2_ROOTS:
        if own is not None and os.path.exists(f"{root}/cgroup.controllers"):
            parent = _try_parent(Path(root + own.rstrip("/")), v2=True)
            if parent is not None:
                return CgroupParent(parent, True), ""
    own = _own_path("memory")
    if own is not None and os.path.isdir(V1_MEMORY):
        parent = _try_parent(Path(V1_MEMORY + own.rstrip("/")), v2=False)
        if parent is not None:
            return CgroupParent(parent, False), ""
    return None, ("this machine gives no memory cgroup that mld grade may use (cgroup v2 "
                  "with a delegated memory controller, or cgroup v1's memory hierarchy "
                  "as root)")
