#!/usr/bin/env python3
"""Start the course on a real JupyterHub, for a local trial on 127.0.0.1. Run as root.

    python3 deploy/jupyterhub/trial.py                      # http://127.0.0.1:8000
    python3 deploy/jupyterhub/trial.py --trainees ana,ben --port 8010

It sets up what is missing and then runs the hub in the foreground (Ctrl+C stops the
hub, the proxy and every user's server):

* the course venv .venv/ (as `course.py open` does) plus JupyterHub and nbgitpuller;
* configurable-http-proxy from npm, into deploy/jupyterhub/node_modules/;
* system users: one instructor and the trainees (nbgrader knows a trainee by the OS
  user name); everyone logs in with one shared trial password;
* the instructor's course: a copy of nbgrader_config.py and notebooks/ in
  ~instructor/course, built there by the instructor (`mld build`), and an nbgrader
  config that points Formgrader at it;
* the state folder (default deploy/jupyterhub/state/): the hub's database and the
  nbgrader exchange, writable by everyone as nbgrader requires.

Running it again keeps existing users, course copies, passwords and submissions.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
# Until pyproject.toml has a `hub` extra, the hub's own packages are installed here.
HUB_PACKAGES = ["jupyterhub>=5.3", "nbgitpuller>=1.2"]
COURSE_FOLDER = "course"  # ~instructor/course
NEVER_COPIED = shutil.ignore_patterns("*.answers*.json", ".ipynb_checkpoints", "__pycache__")


def say(message: str) -> None:
    print(f"[trial hub] {message}", flush=True)


def run(command: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, **kwargs)


# --- software ---------------------------------------------------------------------------------

def ensure_venv() -> None:
    """The course venv is also every user's single-user environment."""
    sys.path.insert(0, str(ROOT))
    import course  # the repository's own set-up script

    course.install("")
    if not (VENV_BIN / "jupyterhub-singleuser").exists():
        run([VENV_BIN / "python", "-m", "pip", "install", "--quiet", *HUB_PACKAGES])


def ensure_proxy() -> None:
    if PROXY.exists():
        return
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm is missing: install Node.js 20 or newer (apt-get install nodejs npm).")
    run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE)


def check_reachable(path: Path) -> None:
    """Trainees' servers run the venv as their own users: every folder on the way to
    it, and to the Python it was made from, must be open to them (/root is not)."""
    for folder in path.parents:
        if not folder.stat().st_mode & 0o001:
            sys.exit(f"{path} cannot be reached by other users because {folder} is closed to "
                     "them, so the trainees' servers could not start. Keep the checkout, and "
                     "the Python that made .venv, somewhere open (such as /opt or /srv, and "
                     f"/usr/bin/python3), or open the folder with: chmod o+x {folder}")


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


def as_user(user: pwd.struct_passwd, command: list, cwd: Path) -> None:
    """Run a command as that user, with the course venv first on PATH."""
    env = {"HOME": user.pw_dir, "USER": user.pw_name, "LOGNAME": user.pw_name,
           "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
           "LANG": os.environ.get("LANG", "C.UTF-8")}
    print(f"+ (as {user.pw_name})", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=cwd, env=env,
                   user=user.pw_uid, group=user.pw_gid, extra_groups=[], umask=0o022)


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.chown(name, user.pw_uid, user.pw_gid)


def ensure_course(instructor: pwd.struct_passwd, only: list[str]) -> Path:
    """The instructor's own course copy, built by the instructor, and Formgrader's config."""
    home = Path(instructor.pw_dir)
    course = home / COURSE_FOLDER
    if not (course / "notebooks").exists():
        course.mkdir(exist_ok=True)
        shutil.copy2(ROOT / "nbgrader_config.py", course)
        if only:  # e.g. core/01_why_local.ipynb: a short course for a quick trial or a test
            for notebook in only:
                (course / "notebooks" / notebook).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / "notebooks" / notebook, course / "notebooks" / notebook)
        else:
            shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=NEVER_COPIED)
        chown_tree(course, instructor)
    if not (course / "release").exists():  # built once; later the instructor runs mld build
        as_user(instructor, [VENV_BIN / "python", "-m", "toolbox_widgets.cli", "build",
                             "--root", course], cwd=course)
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
    return exchange


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
    parser.add_argument("--state", type=Path, default=HERE / "state",
                        help="hub database and nbgrader exchange (default: %(default)s)")
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
                        help="do not create or update .venv (it must already hold JupyterHub)")
    args = parser.parse_args()

    if os.name != "posix" or os.geteuid() != 0:
        sys.exit("Run the trial hub as root: it creates system users and runs each "
                 "user's server as that user.")
    if not args.no_install:
        ensure_venv()
    if not (VENV_BIN / "jupyterhub").exists():
        sys.exit(f"JupyterHub is not installed in {VENV_BIN.parent}: run without --no-install.")
    ensure_proxy()
    # The venv's python is a link to the interpreter it was made from: both must be reachable.
    check_reachable(VENV_BIN / "jupyterhub-singleuser")
    check_reachable(Path(os.path.realpath(VENV_BIN / "python")))
    state = args.state.resolve()
    exchange = ensure_state(state)
    trainees = [t.strip() for t in args.trainees.split(",") if t.strip()]
    instructor = ensure_user(args.instructor)
    for name in trainees:
        ensure_user(name)
    course = ensure_course(instructor, args.only)
    password = trial_password(state, args.password)

    url = f"http://127.0.0.1:{args.port}"
    say(f"JupyterHub on {url}  (Ctrl+C stops it and every user's server)")
    say(f"instructor: {args.instructor} (Formgrader, course in {course})")
    say(f"trainees:   {', '.join(trainees)}")
    say(f"password:   {password}   (shared by everyone: a trial only)")
    say(f"exchange:   {exchange}")
    env = {**os.environ,
           "MLD_HUB_STATE": str(state), "MLD_HUB_PORT": str(args.port),
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
