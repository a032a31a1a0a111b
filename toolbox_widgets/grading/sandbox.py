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
import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, List, Unicode

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
    tmp_mb: int = 512  # size of the sandbox's private /tmp (a tmpfs, in memory)


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


IPC_INSIDE = "/ipc"  # short: a socket's path is at most 107 bytes


def bwrap_command(workdir: str, inside: str, ipc_dir: str, limits: Limits,
                  uid: int | None = None, readonly: tuple[str, ...] = (),
                  cgroup_procs: str | None = None) -> list[str]:
    """The command prefix that runs a program in a fresh sandbox (start it with `spawn`).

    workdir (on this machine) appears at `inside`, writable; ipc_dir at IPC_INSIDE,
    writable; each folder of `readonly` at its own path, read-only. With
    `cgroup_procs`, the first process moves itself into that cgroup (so everything
    the sandbox starts is counted there) before bubblewrap starts.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed. " + UNSAFE_HINT)
    mib = 1024 * 1024
    cmd = []
    if cgroup_procs is not None:
        # The shell writes its own pid, then becomes prlimit, then bwrap.
        cmd += ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', cgroup_procs]
    cmd += [shutil.which("prlimit") or "prlimit",
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
    cmd += ["--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.tmp_mb * mib), "--tmpfs", "/tmp"]
    for folder in SYSTEM_DIRS:
        if os.path.isdir(folder):
            cmd += ["--ro-bind", folder, folder]
    for link in TOP_LINKS:
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
    packages = _package_dirs()
    # bwrap makes missing parent folders private (0700): make them traversable.
    parents = {str(p) for d in [*packages, inside, *readonly] for p in Path(d).parents}
    for parent in sorted(parents - {"/", "/tmp", *SYSTEM_DIRS}):
        cmd += ["--perms", "0755", "--dir", parent]
    for folder in packages:
        cmd += ["--ro-bind", folder, folder]
    cmd += ["--bind", workdir, inside, "--bind", ipc_dir, IPC_INSIDE]
    for folder in readonly:
        cmd += ["--ro-bind", folder, folder]
    # Python starts in / (no trainee file there: no sitecustomize.py, no IPython
    # config); the zygote's kernels move to the working folder once started.
    cmd += ["--chdir", "/", "--clearenv"]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "NBGRADER_EXECUTION": "autograde", "MLD_WORKDIR": inside,
    }
    ipython = next((d for d in readonly if d.endswith("/ipython")), None)
    if ipython:  # a read-only, empty IPython folder: no profile, startup file or config
        env["IPYTHONDIR"] = ipython
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    cmd += ["--"]
    if uid is not None:
        # As root, RLIMIT_NPROC is not enforced and file permissions do not apply:
        # the kernel runs as a user id of its own, with no capabilities left.
        cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    return cmd


def spawn(command: list[str], **popen) -> subprocess.Popen:
    """Start `command` (a bwrap_command prefix, then the program). bubblewrap's own
    arguments (host paths among them) reach it through a descriptor (`--args`), so
    none of them is in the sandbox's /proc/1/cmdline."""
    bwrap = shutil.which("bwrap")
    if bwrap not in command:
        return subprocess.Popen(command, **popen)
    at = command.index(bwrap) + 1
    end = command.index("--", at)  # the command itself stays on the command line
    fd = os.memfd_create("bwrap-args")
    try:
        os.write(fd, b"".join(a.encode() + b"\0" for a in command[at:end]))
        os.lseek(fd, 0, os.SEEK_SET)
        return subprocess.Popen([*command[:at], "--args", str(fd), *command[end:]],
                                pass_fds=(fd, *popen.pop("pass_fds", ())), **popen)
    finally:
        os.close(fd)


FIRST_UID, UIDS = 61000, 4000  # user ids that no account on the machine uses


class UidLease:
    """An unused user id for one sandbox, held until `release()`.

    Graded as root, each sandbox runs as a user id of its own, so that one trainee's
    fork bomb uses up only its own RLIMIT_NPROC budget. A lock file per id, held
    while the sandbox lives, keeps two sandboxes on one machine (from any number
    of worker processes) from ever sharing one.
    """

    def __init__(self):
        # Machine-wide (not TMPDIR, which each run sets to a folder of its own).
        folder = Path("/tmp") / "mld-grade-uids"
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
        process = spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, stderr = process.communicate(timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SandboxUnavailable(f"bubblewrap could not start: {err}. " + UNSAFE_HINT) from None
    if process.returncode != 0:
        reason = stderr.strip() or f"exit status {process.returncode}"
        raise SandboxUnavailable(
            f"bubblewrap could not start ({reason}). User namespaces may be disabled "
            "(sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces). "
            + UNSAFE_HINT)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under `prefix` (the bwrap command)."""

    prefix = List([], help="command put in front of the kernel's own command")
    kernel_argv = List([], help="the kernel command; {connection_file} is filled in")
    owner = Any(None, help="group id of the sandbox, which must read the connection file")
    kernel_ip = Unicode("", help="where the kernel makes its sockets, if not at `ip`")

    def write_connection_file(self, **kwargs):
        """Write the connection file as jupyter_client does, but safely as root: a new
        file (O_EXCL), no link followed (O_NOFOLLOW), owned by root and readable by the
        sandbox's group only (fchown on the open descriptor, never on a path)."""
        if self._connection_file_written:
            return
        for n, name in enumerate(("shell_port", "iopub_port", "stdin_port", "control_port",
                                  "hb_port"), start=1):
            if getattr(self, name) <= 0:
                setattr(self, name, n)  # ipc "ports" are file suffixes, in a folder of its own
        info = {name: getattr(self, name) for name in ("shell_port", "iopub_port",
                                                        "stdin_port", "control_port",
                                                        "hb_port")}
        info.update(ip=self.kernel_ip or self.ip, key=self.session.key.decode(),
                    transport=self.transport, signature_scheme=self.session.signature_scheme,
                    kernel_name=self.kernel_name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.connection_file, flags, 0o440 if self.owner is not None else 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            if self.owner is not None:
                os.fchown(fd, 0, self.owner)
            file.write(json.dumps(info, indent=2))
        self._record_random_port_names()
        self._connection_file_written = True

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

    def cleanup_ipc_files(self) -> None:
        """Nothing: the sandbox's folders are removed whole, without following links."""

