"""A trainee cannot list, read, overwrite or add to another trainee's submission in the
nbgrader exchange, even knowing its exact folder name; the instructor collects both.

Tried as real OS users, with nbgrader's command line and the hub's own nbgrader config
(deploy/jupyterhub/jupyter/common/nbgrader_config.py, which sets the exchange classes of
toolbox_widgets/course/exchange.py), and, as the control that shows the attempts can
succeed, with stock nbgrader. Needs root (it creates system users) and the trial hub's
single-user environment, made as tests/test_hub.py makes it and in the same state folder:
without them the tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_browser import _unavailable

sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
import trial  # noqa: E402 (the trial hub's set-up: users, single-user environment)

pytestmark = pytest.mark.slow
STATE = Path(tempfile.gettempdir()) / "mld-hub-test"  # tests/test_hub.py's STATE
COMMON = ROOT / "deploy" / "jupyterhub" / "jupyter" / "common"
COURSE_ID = "migration-local-development"
TEACHER, ANA, BEN = "mldx-teacher", "mldx-ana", "mldx-ben"
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
LATER = "2099-01-01 00:00:00.000000 UTC"  # a forged submission claims to be the newest

# Run by Ben with the exact path of Ana's submission folder: each attempt that works is
# printed. The last one makes a folder in Ana's name, which modes cannot stop; collect
# must leave it out.
ATTEMPTS = """
import json, os, sys
folder, forged = sys.argv[1], sys.argv[2]
inbound = os.path.dirname(folder)
answers = os.path.join(folder, "core_01.answers.json")

def replace():
    with open(os.path.join(folder, "planted"), "w") as out:
        out.write('{"by": "ben"}')
    os.replace(os.path.join(folder, "planted"), answers)

def forge():
    os.mkdir(forged)
    with open(os.path.join(forged, "core_01.answers.json"), "w") as out:
        out.write('{"by": "ben"}')
    with open(os.path.join(forged, "timestamp.txt"), "w") as out:
        out.write(os.path.basename(forged).split("+")[2])

done = []
for what, act in [("list the inbound folder", lambda: os.listdir(inbound)),
                  ("list", lambda: os.listdir(folder)),
                  ("read", lambda: open(answers, "rb").read()),
                  ("overwrite", lambda: open(answers, "r+b").close()),
                  ("add a file", lambda: open(os.path.join(folder, "added"), "x").close()),
                  ("replace a file", replace),
                  ("rename", lambda: os.rename(folder, folder + "-moved")),
                  ("forge", forge)]:
    try:
        act()
        done.append(what)
    except OSError:
        pass
print(json.dumps(done))
"""


@pytest.fixture(scope="module")
def env_bin() -> Path:
    if os.geteuid() != 0:
        _unavailable("the exchange test creates system users: run it as root")
    try:
        trial.ensure_state(STATE)
        return trial.hub_environment(STATE)
    except SystemExit as stop:  # trial.py's plain message, e.g. python3-venv missing
        pytest.fail(str(stop))


class Exchange:
    """A fresh exchange and three users; nbgrader run as each of them."""

    def __init__(self, env_bin: Path, private: bool):
        self.env_bin = env_bin
        self.root = STATE / "exchange-privacy-test"
        self.config = STATE / "exchange-privacy-config"
        for folder in (self.root, self.config):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        self.root.chmod(0o1777)  # as trial.py makes the exchange
        self.config.chmod(0o755)
        if private:  # the hub's own config; else nbgrader's stock exchange
            shutil.copy(COMMON / "nbgrader_config.py", self.config)
            (self.config / "nbgrader_config.py").chmod(0o644)
        for name in (TEACHER, ANA, BEN):
            trial.stop_user(name)
            shutil.rmtree(trial.ensure_user(name).pw_dir, ignore_errors=True)
            trial.ensure_user(name)

    def run(self, name: str, *command: str, cwd: str = "~") -> subprocess.CompletedProcess:
        user = pwd.getpwnam(name)
        env = {"HOME": user.pw_dir, "USER": name, "LOGNAME": name, "LANG": "C.UTF-8",
               "PATH": os.pathsep.join([str(self.env_bin), "/usr/bin", "/bin"]),
               "JUPYTER_CONFIG_PATH": str(self.config), "MLD_EXCHANGE": str(self.root)}
        return subprocess.run(
            [str(c) for c in command], cwd=cwd.replace("~", user.pw_dir), env=env,
            user=user.pw_uid, group=user.pw_gid, extra_groups=[], umask=0o022,
            capture_output=True, text=True, timeout=300, check=False)

    def nbgrader(self, name: str, *args: str, cwd: str = "~") -> str:
        done = self.run(name, self.env_bin / "nbgrader", *args, "--course", COURSE_ID,
                        f"--Exchange.root={self.root}", cwd=cwd)
        assert done.returncode == 0, f"nbgrader {args[0]} as {name}:\n{done.stderr}"
        return done.stderr  # nbgrader logs there

    def remove(self) -> None:
        for name in (TEACHER, ANA, BEN):
            trial.stop_user(name)
            subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.config, ignore_errors=True)


def a_class(env_bin: Path, private: bool) -> tuple[Exchange, Path, list[str]]:
    """The teacher releases core; Ana and Ben fetch it, answer and submit; then Ben tries
    Ana's submission, given its exact path. Returns what Ben could do."""
    exchange = Exchange(env_bin, private)
    course = Path(pwd.getpwnam(TEACHER).pw_dir) / "course"
    release = course / "release" / "core"
    release.mkdir(parents=True)
    (release / "01.ipynb").write_text(json.dumps(NOTEBOOK))
    trial.chown_tree(course, pwd.getpwnam(TEACHER))
    exchange.nbgrader(TEACHER, "release_assignment", "core", cwd=str(course))
    for name in (ANA, BEN):
        exchange.nbgrader(name, "fetch_assignment", "core")
        home = Path(pwd.getpwnam(name).pw_dir)
        (home / "core" / "core_01.answers.json").write_text(json.dumps({"by": name}))
        trial.chown_tree(home / "core", pwd.getpwnam(name))
        exchange.nbgrader(name, "submit", "core")
    inbound = exchange.root / COURSE_ID / "inbound"
    [anas] = inbound.glob(f"{ANA}+core+*")  # as root: Ben is given the exact name
    forged = inbound / f"{ANA}+core+{LATER}+forged"
    tried = exchange.run(BEN, env_bin / "python", "-c", ATTEMPTS, str(anas), str(forged))
    assert tried.returncode == 0, tried.stderr
    return exchange, course, json.loads(tried.stdout)


def test_stock_nbgrader_lets_a_classmate_in_given_the_name(env_bin):
    """The control: the attempts work against nbgrader's own modes."""
    exchange, _, done = a_class(env_bin, private=False)
    try:
        assert {"read", "add a file", "replace a file", "forge"} <= set(done), done
        assert "list the inbound folder" not in done
    finally:
        exchange.remove()


def test_a_submission_is_private_and_the_instructor_collects_every_one(env_bin):
    exchange, course, done = a_class(env_bin, private=True)
    try:
        # A folder in Ana's name can still be made; nothing of hers can be reached.
        assert done == ["forge"], done
        inbound = exchange.root / COURSE_ID / "inbound"
        assert inbound.stat().st_mode & 0o7777 == 0o3773
        for submission in inbound.glob("*+core+2*"):
            if submission.name.endswith("+forged"):
                continue
            assert submission.stat().st_gid == pwd.getpwnam(TEACHER).pw_gid
            assert submission.stat().st_mode & 0o777 == 0o770
            for file in submission.iterdir():
                assert file.stat().st_mode & 0o777 == 0o640, file
                assert file.stat().st_gid == pwd.getpwnam(TEACHER).pw_gid, file
        assert not list(inbound.glob(".submitting-*")), "a submission's staging folder left"

        log = exchange.nbgrader(TEACHER, "collect", "core", cwd=str(course))
        for name in (ANA, BEN):  # each trainee's own answers, never Ben's forgery for Ana
            answers = course / "submitted" / name / "core" / "core_01.answers.json"
            assert json.loads(answers.read_text()) == {"by": name}
        assert "Not collected" in log and f"{ANA}+core+{LATER}+forged" in log
    finally:
        exchange.remove()
