#!/usr/bin/env python3
"""Start the course on a real JupyterHub, for a local trial on 127.0.0.1. Run as root.

    python3 deploy/jupyterhub/trial.py                      # http://127.0.0.1:8000
    python3 deploy/jupyterhub/trial.py --trainees ana,ben --port 8010

It sets up what is missing and then runs the hub in the foreground (Ctrl+C stops the
hub, the proxy and every user's server):

* the course venv .venv/ (as `course.py open` does) plus JupyterHub and nbgitpuller:
  the hub itself runs from it, as root;
* the single-user environment STATE/venv: the course installed from this checkout as a
  wheel (not editable) plus JupyterHub and nbgitpuller, made from a Python that every user
  can reach, because each user's server runs it as that user (like a deployment image);
* configurable-http-proxy from npm, into deploy/jupyterhub/node_modules/;
* system users: one instructor and the trainees (nbgrader knows a trainee by the OS
  user name); everyone logs in with one shared trial password;
* the instructor's course: a copy of nbgrader_config.py and notebooks/ in
  ~instructor/course, built there by the instructor (`mld build`), and an nbgrader
  config that points Formgrader at it;
* the state folder (default /srv/mld-trial, open to every user): the single-user
  environment, the servers' Jupyter configuration, the hub's database and the nbgrader
  exchange, writable by everyone as nbgrader requires.

Running it again keeps existing users, course copies, passwords and submissions.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV_BIN = ROOT / ".venv" / "bin"  # the hub's own environment (runs as root)
DEFAULT_STATE = Path("/srv/mld-trial")
SYSTEM_PYTHON = Path("/usr/bin/python3")
# What the course wheel is built from: a change here reinstalls the single-user environment.
COURSE_SOURCES = ["pyproject.toml", "README.md", "toolbox_widgets", "data"]
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
# Until pyproject.toml has a `hub` extra, the hub's own packages are installed here.
HUB_PACKAGES = ["jupyterhub>=5.3", "nbgitpuller>=1.2"]
COURSE_FOLDER = "course"  # ~instructor/course
# The instructor grades on the hub with `mld grade` (Dask) and opens the dashboard (Voilà).
COURSE_EXTRAS = "[grading]"


def _layout():
    """The course layout module (toolbox_widgets/course/layout.py), loaded by its path: this
    script runs under the system Python, where the package and its dependencies are absent,
    and the layout module needs only the standard library."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mld_layout", ROOT / "toolbox_widgets" / "course" / "layout.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def say(message: str) -> None:
    print(f"[trial hub] {message}", flush=True)


def run(command: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, **kwargs)


# --- software ---------------------------------------------------------------------------------

def ensure_venv() -> None:
    """The course venv, from which the hub itself runs (as root)."""
    sys.path.insert(0, str(ROOT))
    import course  # the repository's own set-up script

    course.install("")
    if not (VENV_BIN / "jupyterhub").exists():
        run([VENV_BIN / "python", "-m", "pip", "install", "--quiet", *HUB_PACKAGES])


def ensure_proxy() -> None:
    if PROXY.exists():
        return
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm is missing: install Node.js 20 or newer (apt-get install nodejs npm).")
    run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE)


def closed_folder(path: Path) -> Path | None:
    """The first folder on the way to path (path itself too, if a folder) that other
    users cannot pass through, or None when every one of them is open."""
    path = Path(os.path.abspath(path))
    folders = [*reversed(path.parents), *([path] if path.is_dir() else [])]
    for folder in folders:
        if not folder.stat().st_mode & 0o001:
            return folder
    return None


def reachable(path: Path) -> bool:
    return closed_folder(path) is None


def check_reachable(path: Path) -> None:
    """Trainees' servers run as their own users: every folder on the way to what they
    use must be open to them (/root is not)."""
    folder = closed_folder(path)
    if folder is not None:
        sys.exit(f"{path} cannot be reached by other users because {folder} is closed to "
                 "them, so the trainees' servers could not start. Choose a state folder "
                 f"somewhere open (--state, such as {DEFAULT_STATE}), or open the folder "
                 f"with: chmod o+x {folder}")


def hub_python() -> Path:
    """A Python every user can run: this one if it and its standard library are reachable
    (not a pyenv Python under /root), else the system's."""
    here = Path(os.path.realpath(sys.executable))
    if reachable(here) and reachable(Path(os.path.realpath(sys.base_prefix))):
        return here
    return SYSTEM_PYTHON


def course_stamp(python: Path) -> str:
    """What the single-user environment is made of: its Python, the hub's packages and
    every file the course wheel is built from (a fresh clone hashes the same)."""
    digest = hashlib.sha256()
    for item in [str(python), COURSE_EXTRAS, *hub_packages()]:
        digest.update(item.encode() + b"\0")
    for name in COURSE_SOURCES:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(
            f for f in top.rglob("*") if f.is_file()
            and "__pycache__" not in f.parts and ".ipynb_checkpoints" not in f.parts)
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def hub_packages() -> list[str]:
    """HUB_PACKAGES, with the single-user jupyterhub pinned to the hub's own version."""
    found = sorted(VENV_BIN.parent.glob("lib/python3*/site-packages/jupyterhub-*.dist-info"))
    if not found:
        return HUB_PACKAGES
    version = found[-1].name[len("jupyterhub-"):-len(".dist-info")]
    return [f"jupyterhub=={version}" if p.startswith("jupyterhub") else p
            for p in HUB_PACKAGES]


def hub_environment(state: Path) -> Path:
    """The single-user environment, STATE/venv: what a deployment image would hold.

    Every user's server runs it as that user, so it is a venv of its own in the open
    state folder, made from a reachable Python, with the course installed as a wheel
    (which bundles data/): nothing in it points back into this checkout. Skipped when
    nothing it is made of changed. Returns its bin folder."""
    env = state / "venv"
    python = hub_python()
    stamp_file = env / ".mld-installed"
    wanted = course_stamp(python)
    if stamp_file.exists() and stamp_file.read_text() == wanted:
        say(f"single-user environment {env} is up to date")
        return env / "bin"
    check_reachable(state)
    made_by = env / ".mld-python"
    if env.exists() and (not made_by.exists() or made_by.read_text() != str(python)):
        shutil.rmtree(env)  # made by another Python: start afresh
    if not (env / "bin" / "python").exists():
        say(f"Creating the single-user environment {env} with {python} ...")
        try:
            run([python, "-m", "venv", env], umask=0o022)
        except (OSError, subprocess.CalledProcessError):
            shutil.rmtree(env, ignore_errors=True)
            sys.exit(f"{python} cannot make a virtual environment for the trainees' servers. "
                     "On Debian or Ubuntu install it with: apt-get install python3-venv")
        made_by.write_text(str(python))
        run([env / "bin" / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            umask=0o022)
    # Not editable: pip builds the course's wheel from the checkout and installs it (a
    # local folder is reinstalled even when its version did not change).
    run([env / "bin" / "python", "-m", "pip", "install", "--quiet", f"{ROOT}{COURSE_EXTRAS}",
         *hub_packages()], umask=0o022)
    stamp_file.write_text(wanted)
    return env / "bin"


def server_config(state: Path) -> Path:
    """The servers' per-role Jupyter configuration, copied where every user can read it."""
    target = state / "jupyter"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(HERE / "jupyter", target)
    for folder, _dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


# --- users ---------------------------------------------------------------------------------------

def ensure_user(name: str) -> pwd.struct_passwd:
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        run(["useradd", "--create-home", "--shell", "/bin/bash", name])
        user = pwd.getpwnam(name)
    home = Path(user.pw_dir)
    if not home.exists():  # a user created earlier without a home
        home.mkdir(parents=True, mode=0o750)
        os.chown(home, user.pw_uid, user.pw_gid)
    return user


def as_user(user: pwd.struct_passwd, command: list, cwd: Path, env_bin: Path) -> None:
    """Run a command as that user, with the single-user environment first on PATH."""
    env = {"HOME": user.pw_dir, "USER": user.pw_name, "LOGNAME": user.pw_name,
           "PATH": os.pathsep.join([str(env_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
           "LANG": os.environ.get("LANG", "C.UTF-8")}
    print(f"+ (as {user.pw_name})", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=cwd, env=env,
                   user=user.pw_uid, group=user.pw_gid, extra_groups=[], umask=0o022)


def user_processes(name: str) -> list[int]:
    """Ids of the processes a user owns (servers, kernels, terminals); none for a user
    that does not exist."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                found.append(int(entry.name))
        except OSError:
            pass  # the process ended meanwhile
    return found


def stop_user(name: str, wait: float = 10) -> None:
    """Stop every process of a user: SIGTERM, then SIGKILL for what is left. For the
    users that the tests and the benchmarks make, whose processes must not outlive them."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in user_processes(name):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and user_processes(name):
            time.sleep(0.2)
        if not user_processes(name):
            return


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.chown(name, user.pw_uid, user.pw_gid)


def ensure_course(instructor: pwd.struct_passwd, only: list[str], env_bin: Path) -> Path:
    """The instructor's own course copy, built by the instructor with the single-user
    environment, and Formgrader's config."""
    home = Path(instructor.pw_dir)
    course = home / COURSE_FOLDER
    if not (course / "notebooks").exists():
        # notebooks/ and locales/ (the catalogs of the languages the instructor releases);
        # only: e.g. core/01_why_local.ipynb, a short course for a quick trial or a test
        _layout().scratch_course(ROOT, course, notebooks=tuple(only or ()))
        chown_tree(course, instructor)
    if not (course / "release").exists():  # built once; later the instructor runs mld build
        as_user(instructor, [env_bin / "python", "-m", "toolbox_widgets.cli", "build",
                             "--root", course], cwd=course, env_bin=env_bin)
    config = home / ".jupyter" / "nbgrader_config.py"
    if not config.exists():
        config.parent.mkdir(exist_ok=True)
        config.write_text(
            '"""Written by deploy/jupyterhub/trial.py: Formgrader works on ~/course."""\n'
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(course)!r}\n"
            "# The course's own settings: code stub, timeouts, missing test cells.\n"
            f"load_subconfig({str(course / 'nbgrader_config.py')!r})  # noqa: F821\n")
        chown_tree(config.parent, instructor)
    return course


# --- state: hub database and the nbgrader exchange -----------------------------------------------

def ensure_state(state: Path) -> Path:
    """The state folder, open to every user (its hub/ part excepted)."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    (state / "hub").mkdir(exist_ok=True)
    (state / "hub").chmod(0o700)  # database, cookie secret, password: root only
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    # nbgrader wants the exchange root writable by everyone; the sticky bit stops a
    # trainee from deleting the instructor's course folder inside it.
    exchange.chmod(0o1777)
    check_reachable(exchange)
    forget_stale_proxy(state / "hub" / "proxy.pid")
    return exchange


def forget_stale_proxy(pid_file: Path) -> None:
    """Remove a proxy pid file left by a hub that did not stop cleanly.

    JupyterHub refuses to start while the pid in that file exists, even when the pid
    is now a zombie (no init reaps it in some containers) or another program.
    """
    try:
        pid = int(pid_file.read_text().strip())
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)  # no such process, or an unreadable file
        return
    zombie = "\nState:\tZ" in status
    if zombie or b"configurable-http-proxy" not in command:
        say(f"removing a stale proxy pid file ({pid_file}: pid {pid} is not a live proxy)")
        pid_file.unlink(missing_ok=True)


def trial_password(state: Path, given: str | None) -> str:
    """The shared password: given, or made once and kept in the state folder."""
    kept = state / "hub" / "trial-password"
    if given:
        return given
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(12) + "\n")
        kept.chmod(0o600)
    return kept.read_text().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="the hub's public port")
    parser.add_argument("--hub-api-port", type=int, default=8081)
    parser.add_argument("--proxy-api-port", type=int, default=8001)
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE,
                        help="single-user environment, hub database and nbgrader exchange, "
                             "in a folder every user can reach (default: %(default)s)")
    parser.add_argument("--instructor", default="instructor")
    parser.add_argument("--trainees", default="trainee1,trainee2",
                        help="comma-separated user names")
    parser.add_argument("--password", default=os.environ.get("MLD_TRIAL_PASSWORD"),
                        help="shared trial password, 8 characters or more "
                             "(default: made once, kept in STATE/hub/trial-password)")
    parser.add_argument("--only", action="append", default=[], metavar="MODULE/NOTEBOOK",
                        help="put only this notebook of notebooks/ in the instructor's "
                             "course (repeatable; default: all)")
    parser.add_argument("--no-install", action="store_true",
                        help="do not create or update .venv, the hub's own environment (it "
                             "must already hold JupyterHub); STATE/venv is still kept up to date")
    args = parser.parse_args()

    if os.name != "posix" or os.geteuid() != 0:
        sys.exit("Run the trial hub as root: it creates system users and runs each "
                 "user's server as that user.")
    if not args.no_install:
        ensure_venv()
    if not (VENV_BIN / "jupyterhub").exists():
        sys.exit(f"JupyterHub is not installed in {VENV_BIN.parent}: run without --no-install.")
    ensure_proxy()
    state = args.state.resolve()
    exchange = ensure_state(state)
    env_bin = hub_environment(state)
    config = server_config(state)
    trainees = [t.strip() for t in args.trainees.split(",") if t.strip()]
    instructor = ensure_user(args.instructor)
    for name in trainees:
        ensure_user(name)
    course = ensure_course(instructor, args.only, env_bin)
    password = trial_password(state, args.password)

    url = f"http://127.0.0.1:{args.port}"
    say(f"JupyterHub on {url}  (Ctrl+C stops it and every user's server)")
    say(f"instructor: {args.instructor} (Formgrader, course in {course})")
    say(f"trainees:   {', '.join(trainees)}")
    say(f"password:   {password}   (shared by everyone: a trial only)")
    say(f"exchange:   {exchange}")
    say(f"servers:    {env_bin.parent} (the single-user environment)")
    env = {**os.environ,
           "MLD_HUB_STATE": str(state), "MLD_HUB_ENV": str(env_bin.parent),
           "MLD_HUB_JUPYTER": str(config), "MLD_HUB_PORT": str(args.port),
           "MLD_HUB_API_PORT": str(args.hub_api_port),
           "MLD_PROXY_API_PORT": str(args.proxy_api_port),
           "MLD_INSTRUCTOR": args.instructor, "MLD_TRAINEES": ",".join(trainees),
           "MLD_TRIAL_PASSWORD": password}
    os.chdir(state / "hub")
    # exec: the hub takes this process's place, so stopping it stops the hub.
    os.execve(VENV_BIN / "jupyterhub",
              ["jupyterhub", "-f", str(HERE / "jupyterhub_config.py")], env)


if __name__ == "__main__":
    main()
