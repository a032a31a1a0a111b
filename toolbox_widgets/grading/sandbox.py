"""Run a trainee's kernel inside bubblewrap, with limits.

The kernel talks to the grader over ZeroMQ *ipc* sockets (files in a folder shared
with the sandbox), so the sandbox can have no network at all: ``--unshare-all``
gives it its own, empty, loopback. What the kernel can see is an allow-list: the
system's /usr and /etc read-only, this Python and its packages read-only, a fresh
/tmp, and one writable folder holding only the files of the submission being graded.
See SANDBOX.md for what this protects and what it does not.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, List

UNSAFE_HINT = ("Pass --unsafe-no-sandbox to grade without it (trainee code then runs with "
               "your rights and can read the hidden tests and the gradebook).")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Times in seconds, sizes in MiB."""

    cell_timeout: int = 60  # nbgrader's Execute.timeout: the cell is interrupted
    notebook_timeout: int = 600  # wall clock for one notebook: the kernel is killed
    memory_mb: int = 4096  # address space of every process (RLIMIT_AS)
    processes: int = 256  # tasks (processes + threads) of the sandbox's user
    file_mb: int = 256  # largest file the trainee's code may write (RLIMIT_FSIZE)
    output_mb: int = 64  # outputs kept per notebook; the rest is cut with a note


# Read-only views every kernel needs. Merged-/usr systems have /bin etc. as symlinks.
SYSTEM_DIRS = ("/usr", "/etc", "/opt")
TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def _package_dirs() -> list[str]:
    """This Python, its packages and the course package (which may live in a checkout
    next to solutions: only the package and its data folder are shown, not the rest)."""
    import toolbox_widgets
    from toolbox_widgets import data

    dirs = {sys.base_prefix, sys.prefix, str(Path(toolbox_widgets.__file__).parent)}
    try:
        dirs.add(str(data.data_dir()))
    except Exception:  # no data folder: notebooks that load tables will say so
        pass
    return sorted(d for d in dirs if os.path.isdir(d))


def bwrap_command(workdir: str, inside: str, ipc_dir: str, limits: Limits,
                  uid: int | None = None) -> list[str]:
    """The command prefix that runs a program in a fresh sandbox.

    workdir (on this machine) appears at `inside`, writable; ipc_dir at the same path.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed. " + UNSAFE_HINT)
    mib = 1024 * 1024
    cmd = [shutil.which("prlimit") or "prlimit",
           f"--as={limits.memory_mb * mib}", f"--fsize={limits.file_mb * mib}",
           f"--nproc={limits.processes}", "--core=0", "--"]
    if uid is None:
        cmd += [bwrap, "--unshare-all"]
    else:
        # As root, bwrap needs no user namespace (and --unshare-all would map the
        # sandbox to root). Every other namespace is new; only the right to change
        # user is kept, and setpriv (below) uses it to drop to an unprivileged user.
        cmd += [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    cmd += ["--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    for folder in SYSTEM_DIRS:
        if os.path.isdir(folder):
            cmd += ["--ro-bind", folder, folder]
    for link in TOP_LINKS:
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
    packages = _package_dirs()
    # bwrap makes missing parent folders private (0700): make them traversable.
    parents = {str(p) for d in [*packages, inside, ipc_dir] for p in Path(d).parents}
    for parent in sorted(parents - {"/", "/tmp", *SYSTEM_DIRS}):
        cmd += ["--perms", "0755", "--dir", parent]
    for folder in packages:
        cmd += ["--ro-bind", folder, folder]
    cmd += ["--bind", workdir, inside, "--bind", ipc_dir, ipc_dir, "--chdir", inside,
            "--clearenv"]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "NBGRADER_EXECUTION": "autograde",
    }
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    cmd += ["--"]
    if uid is not None:
        # As root, RLIMIT_NPROC is not enforced and file permissions do not apply:
        # the kernel runs as a user id of its own, with no capabilities left.
        cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    return cmd


FIRST_UID, UIDS = 61000, 4000  # user ids that no account on the machine uses


class UidLease:
    """An unused user id for one sandbox, held until `release()`.

    Graded as root, each sandbox runs as a user id of its own, so that one trainee's
    fork bomb uses up only its own RLIMIT_NPROC budget. A lock file per id, held
    while the sandbox lives, keeps two sandboxes on one machine (from any number
    of worker processes) from ever sharing one.
    """

    def __init__(self):
        folder = Path(tempfile.gettempdir()) / "mld-grade-uids"
        folder.mkdir(mode=0o700, exist_ok=True)
        start = random.randrange(UIDS)
        for step in range(UIDS):
            uid = FIRST_UID + (start + step) % UIDS
            handle = open(folder / str(uid), "w")  # noqa: SIM115 - held until release()
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise SandboxUnavailable(f"all {UIDS} sandbox user ids are in use")

    def release(self) -> None:
        self._handle.close()


def lease_uid() -> UidLease | None:
    """A user id of its own for a sandbox when grading as root, else None (your own)."""
    return UidLease() if os.geteuid() == 0 else None


def check_sandbox() -> None:
    """Raise SandboxUnavailable with the reason if bwrap cannot start here."""
    if os.environ.get("MLD_GRADE_NO_BWRAP"):  # lets the tests simulate a missing bwrap
        raise SandboxUnavailable("bubblewrap was disabled (MLD_GRADE_NO_BWRAP). " + UNSAFE_HINT)
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    uid = FIRST_UID if os.geteuid() == 0 else None
    cmd = bwrap_command(str(probe), "/probe", str(probe), Limits(), uid) + ["/bin/true"]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SandboxUnavailable(f"bubblewrap could not start: {err}. " + UNSAFE_HINT) from None
    if result.returncode != 0:
        reason = result.stderr.strip() or f"exit status {result.returncode}"
        raise SandboxUnavailable(
            f"bubblewrap could not start ({reason}). User namespaces may be disabled "
            "(sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces). "
            + UNSAFE_HINT)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under `prefix` (the bwrap command)."""

    prefix = List([], help="command put in front of the kernel's own command")
    kernel_argv = List([], help="the kernel command; {connection_file} is filled in")
    owner = Any(None, help="user id of the sandbox, which must read the connection file")

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.owner is not None:
            os.chown(self.connection_file, self.owner, self.owner)

    def format_kernel_cmd(self, extra_arguments=None):
        argv = [a.replace("{connection_file}", self.connection_file) for a in self.kernel_argv]
        return self.prefix + argv + list(extra_arguments or [])

    async def _async_interrupt_kernel(self) -> None:
        # A signal would reach bwrap, not the kernel: ask the kernel itself to
        # interrupt (ipykernel handles interrupt_request on its control thread).
        if self.has_kernel:
            self.kernel_spec.interrupt_mode = "message"
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel

