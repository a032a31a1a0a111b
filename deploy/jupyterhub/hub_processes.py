"""Stop a trial hub (trial.py, which becomes jupyterhub) and every process it started.

JupyterHub starts its proxy, its managed services (the idle culler) and each user's server
in sessions of their own, so a signal to the hub's process group does not reach them, and
a hub killed before its own cleanup leaves them running, adopted by init. So the hub's
process tree is read while the hub still runs, and whatever of it outlives the hub is
stopped here. Used by tests/test_hub.py and benchmarks/classroom.py (in the course venv,
where psutil is); trial.py itself runs under the system Python and does not import it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil

HUB_CLEANUP = 30  # seconds for the hub to stop its services, servers and proxy itself
GRACE = 10  # seconds between SIGTERM and SIGKILL for what the hub left


def proxy_pid_file(state: Path) -> Path:
    return state / "hub" / "proxy.pid"  # jupyterhub_config.py: the proxy's own session


def hub_processes(hub: subprocess.Popen, state: Path) -> list[psutil.Process]:
    """Every process below the hub, and the proxy named in the state folder's pid file
    (a proxy kept running by an earlier hub is not below this one)."""
    found = []
    if hub.poll() is None:  # not reaped, so its pid is not another process's yet
        try:
            found = psutil.Process(hub.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    return found + [p for p in _proxy(state) if p not in found]


def _proxy(state: Path) -> list[psutil.Process]:
    """The proxy of the pid file, if it runs."""
    try:
        proxy = psutil.Process(int(proxy_pid_file(state).read_text().strip()))
        if "configurable-http-proxy" in " ".join(proxy.cmdline()):
            return [proxy]
    except (OSError, ValueError, psutil.Error):
        pass  # no pid file, or no such proxy
    return []


def running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running: a zombie has ended (in a container, no init may reap it)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.Error:
            pass  # ended meanwhile
    return alive


def _wait(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (left := running(processes)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def stop_hub(process: subprocess.Popen, state: Path, keep_servers: bool = False,
             cleanup: float = HUB_CLEANUP, grace: float = GRACE) -> list[psutil.Process]:
    """Stop the hub, then every process it started that it did not stop itself.

    SIGTERM lets the hub stop its services, the users' servers and the proxy. What is
    still running after that gets SIGTERM, then SIGKILL. With keep_servers (a hub restarted
    in the middle of a class, MLD_HUB_KEEP_SERVERS=1), the proxy and the users' servers
    (the processes not run as the hub's user) go on running; the hub's services stop.
    Returns the processes that outlived the hub and had to be stopped here.
    """
    started = hub_processes(process, state)
    if keep_servers:
        proxy = _proxy(state)
        started = [p for p in started if p not in proxy and _uid(p) == os.geteuid()]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=cleanup)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
    left = running(started)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for child in running(left):
            try:
                child.send_signal(sig)
            except psutil.Error:
                pass  # ended meanwhile
        if not _wait(left, grace):
            break
    if not keep_servers:
        proxy_pid_file(state).unlink(missing_ok=True)
    return left


def _uid(process: psutil.Process) -> int | None:
    try:
        return process.uids().real
    except psutil.Error:
        return None
