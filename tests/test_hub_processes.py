"""Stopping the trial hub stops everything it started (deploy/jupyterhub/hub_processes.py,
used by tests/test_hub.py and benchmarks/classroom.py). A stand-in hub starts its children
as JupyterHub does, each in a session of its own, and dies at SIGTERM without stopping them:
an idle culler once outlived a CI run so. Needs no root and no JupyterHub."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
from hub_processes import hub_processes, running, stop_hub  # noqa: E402

# Three children, each in its own session: a service like the idle culler, one that ignores
# SIGTERM, and a proxy whose pid the hub writes to STATE/hub/proxy.pid. Each says "up"
# once its signal handling is set, and then the hub says "ready".
HUB = """
import subprocess, sys, time
from pathlib import Path

wait = "import signal, sys, time; {}; print('up', flush=True); time.sleep(600)"
children = [
    [sys.executable, "-c", wait.format("pass"), "jupyterhub_idle_culler"],
    [sys.executable, "-c", wait.format("signal.signal(signal.SIGTERM, signal.SIG_IGN)")],
    [sys.executable, "-c", wait.format("pass"), "configurable-http-proxy"],
]
started = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True, start_new_session=True)
           for c in children]
for child in started:
    child.stdout.readline()
pid_file = Path(sys.argv[1]) / "hub" / "proxy.pid"
pid_file.parent.mkdir(parents=True)
pid_file.write_text(str(started[-1].pid))
print("ready", flush=True)
time.sleep(600)  # SIGTERM ends it at once, its children left running
"""


@pytest.fixture
def hub(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", HUB, str(tmp_path)],
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout.readline().strip() == "ready"
    started = hub_processes(process, tmp_path)
    yield process, started
    for child in running(started):  # whatever the test left, so that nothing outlives it
        child.kill()
    if process.poll() is None:
        process.kill()
    process.wait()


def test_every_process_the_hub_started_is_stopped(hub, tmp_path):
    process, started = hub
    assert len(started) == 3  # the culler, the stubborn one and the proxy are seen
    left = stop_hub(process, tmp_path, grace=2)
    assert process.returncode is not None
    assert sorted(p.pid for p in left) == sorted(p.pid for p in started)  # the hub left all
    assert not running(started), "processes of the hub left running"
    assert not (tmp_path / "hub" / "proxy.pid").exists()


def test_a_hub_restart_keeps_the_proxy_and_stops_the_services(hub, tmp_path):
    process, started = hub
    stop_hub(process, tmp_path, keep_servers=True, grace=2)
    still = running(started)
    assert len(still) == 1 and "configurable-http-proxy" in " ".join(still[0].cmdline())
    assert (tmp_path / "hub" / "proxy.pid").read_text() == str(still[0].pid)
    # The next stop finds the kept proxy by its pid file, though it is no hub's child now.
    assert stop_hub(process, tmp_path, grace=2) == still
    assert not running(started)


def test_a_hub_that_died_first_is_no_error_and_its_proxy_is_stopped(hub, tmp_path):
    process, started = hub
    process.terminate()
    process.wait()
    proxy = [p for p in started if "configurable-http-proxy" in " ".join(p.cmdline())]
    assert stop_hub(process, tmp_path, grace=2) == proxy  # found by its pid file
    assert not running(proxy)
