"""The trial hub's configuration cleans up after itself: idle servers are culled, and
each server gets memory and CPU limits (enforced by the spawners that can)."""

from __future__ import annotations

import runpy
import sys

import pytest
from conftest import ROOT
from traitlets.config import Config

CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"


def load(tmp_path, monkeypatch, **env) -> Config:
    bin_folder = tmp_path / "venv" / "bin"
    bin_folder.mkdir(parents=True)
    (bin_folder / "jupyterhub-singleuser").touch()
    monkeypatch.setenv("MLD_HUB_STATE", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    runpy.run_path(str(CONFIG), init_globals={"get_config": lambda: config})
    return config


def test_idle_servers_are_culled_and_servers_are_limited(tmp_path, monkeypatch):
    pytest.importorskip("jupyterhub_idle_culler")  # the `hub` extra
    monkeypatch.delenv("MLD_HUB_ADMIN_TOKEN", raising=False)
    c = load(tmp_path, monkeypatch, MLD_HUB_IDLE_TIMEOUT="1800")
    [culler] = c.JupyterHub.services
    assert culler["command"][:3] == [sys.executable, "-m", "jupyterhub_idle_culler"]
    assert "--timeout=1800" in culler["command"]
    [role] = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert c.Spawner.mem_limit == "1G" and c.Spawner.cpu_limit == 1.0
    assert c.JupyterHub.cleanup_servers is True  # a trial leaves nothing behind


def test_a_restarted_hub_keeps_the_servers_only_when_asked(tmp_path, monkeypatch):
    c = load(tmp_path, monkeypatch, MLD_HUB_KEEP_SERVERS="1", MLD_HUB_ADMIN_TOKEN="x" * 32)
    assert c.JupyterHub.cleanup_servers is False and c.JupyterHub.cleanup_proxy is False
    names = [s["name"] for s in c.JupyterHub.services]
    assert "classroom-benchmark" in names
