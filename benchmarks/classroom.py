"""A class of N trainees on one JupyterHub: load held, faults survived, nothing lost.

    sudo .venv/bin/python benchmarks/classroom.py                  # 30 trainees
    sudo .venv/bin/python benchmarks/classroom.py --trainees 5 --restart-hub

Starts the trial hub (deploy/jupyterhub/trial.py) on 127.0.0.1 with an instructor and
N trainees (system users mldclass-01 ...), then drives them concurrently, as browsers
would, through JupyterHub's REST API and each Jupyter server's APIs: log in with the
password, spawn, fetch the assignment (nbgrader's Assignments API), type the code
answers into the notebook and save it (contents API), start a kernel and run every
cell (kernel websocket), answer every exercise through the path a widget click takes
(the exercise's control changes, its observer saves), save, submit. Trainees arrive
over --arrival seconds, as a class logging in at the same minute. Every third trainee
answers only the first half of the exercises, so the grades must tell them apart.
With --restart-hub the hub is stopped and started again once everyone has answered;
the trainees then carry on with the same servers. The instructor releases and
collects through Formgrader's API and grades with `mld grade`. Each trainee, given the
exact path of a classmate's submission, tries to reach it (any success is a failure).

Prints spawn time and Run All p50/p95, memory per trainee (server and kernel) and in
total, failed operations by kind, the figures against the targets, and as its last line:
    trainees N; lost answers A; failed submissions F; graded exactly G/N
A lost answer is one the trainee's kernel saved that the collected submission does not
hold; graded exactly counts trainees whose gradebook score is what they earned. Exits
1 unless A = 0, F = 0, G = N and no operation failed. Needs root; every process it
starts is stopped, and the users it made are removed (--keep-users keeps them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pwd
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "jupyterhub"))
sys.path.insert(0, str(ROOT / "tests"))
import trial  # noqa: E402 (the trial hub's own set-up: users, environment, course)
from hub_processes import stop_hub  # noqa: E402 (the hub and all it started)
from trainees import read_key  # noqa: E402 (the instructor's answers)

ASSIGNMENT = "core"
COURSE_ID = "migration-local-development"
PREFIX = "mldclass"
STATE = Path(tempfile.gettempdir()) / "mld-classroom"

# Bounds: every wait stops by itself.
HUB_START = 300  # seconds, includes the instructor's first `mld build`
HUB_STOP = 60  # for the hub to stop a whole class's servers itself
SPAWN_LIMIT = 300
REQUEST = 180  # one HTTP request
CELL = 180  # one cell's reply
GRADE_LIMIT = 1800
# Targets on 2 cores, from the measurements in README (hub section).
TARGET_SPAWN_P95 = 60.0  # seconds
TARGET_RUN_ALL_P95 = 60.0
TARGET_MEMORY = 400  # MB per trainee, server and kernel together

CLICK = """
def _click(exercise, value):
    exercise._show(exercise._normalize(value))  # what a click does to the control
"""


def say(text: str) -> None:
    print(f"[classroom] {text}", flush=True)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- what each trainee does, from the instructor's notebook --------------------------------------

@dataclass
class Task:
    points: float
    exercise_id: str | None = None  # widget exercises
    expression: str | None = None  # the answer, as Python
    code: str | None = None  # code tasks: typed into answer_cell
    answer_cell: str | None = None
    manual: bool = False


def class_tasks(instructor_notebook: Path) -> list[Task]:
    key = read_key(instructor_notebook)
    tasks = [Task(e.points, e.exercise_id, e.answer_expr, e.code, e.answer_cell)
             for e in key.auto]
    # Reflections are graded by hand later; the trainee writes them all the same.
    import nbformat

    for cell in nbformat.read(instructor_notebook, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            for name in re.findall(r"\b(\w+)\s*=\s*book\.reflection\(", cell.source):
                words = re.search(r"min_words\s*=\s*(\d+)", cell.source)
                count = max(60, int(words.group(1)) if words else 0)
                text = " ".join(["Local authorities meet diaspora groups every month"] * count)
                tasks.append(Task(0.0, name, repr(" ".join(text.split()[:count])),
                                  manual=True))
    return tasks


@dataclass
class Trainee:
    name: str
    tasks: list[Task]
    full: bool  # answers every exercise
    token: str = ""
    spawn: float | None = None
    run_all: float | None = None
    memory_mb: float = 0.0
    saved: dict = field(default_factory=dict)  # what the kernel's store holds after answering
    submitted: bool = False

    @property
    def expected_score(self) -> float:
        return sum(t.points for t in self.tasks if not t.manual)


class Class:
    def __init__(self, url: str, admin_token: str, notebook: str, workbook: str):
        self.url = url
        self.admin = admin_token
        self.notebook = notebook
        self.workbook = workbook
        self.http = AsyncHTTPClient()
        self.failed: dict[str, int] = {}
        self.problems: list[str] = []

    def fail(self, kind: str, who: str, error: object) -> None:
        self.failed[kind] = self.failed.get(kind, 0) + 1
        self.problems.append(f"{who}: {kind}: {str(error)[:300]}")

    async def call(self, path: str, method: str = "GET", body=None, token: str = "",
                   form: dict | None = None, **kwargs):
        headers = {"Authorization": f"token {token or self.admin}"}
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        reply = await self.http.fetch(HTTPRequest(
            self.url + path, method=method, body=body, headers=headers,
            request_timeout=REQUEST, **kwargs))
        return json.loads(reply.body) if reply.body else None

    async def log_in(self, name: str, password: str) -> None:
        """The login form, as a browser posts it: a redirect and a cookie mean success."""
        page = await self.http.fetch(self.url + "/hub/login", request_timeout=REQUEST)
        cookies = "; ".join(c.split(";")[0] for c in page.headers.get_list("Set-Cookie"))
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.body.decode())
        form = {"username": name, "password": password, "_xsrf": xsrf.group(1) if xsrf else ""}
        reply = await self.http.fetch(self.url + "/hub/login", method="POST",
                                      body=urllib.parse.urlencode(form),
                                      headers={"Cookie": cookies}, follow_redirects=False,
                                      raise_error=False, request_timeout=REQUEST)
        if reply.code != 302 or not any("jupyterhub-session-id" in c or "jupyterhub-hub-login"
                                        in c for c in reply.headers.get_list("Set-Cookie")):
            raise RuntimeError(f"login refused (HTTP {reply.code})")

    async def spawn(self, name: str) -> float:
        started = time.monotonic()
        await self.call(f"/hub/api/users/{name}/server", "POST", body={})
        while time.monotonic() - started < SPAWN_LIMIT:
            user = await self.call(f"/hub/api/users/{name}")
            server = user.get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - started
            await asyncio.sleep(0.5)
        raise TimeoutError(f"no server after {SPAWN_LIMIT} s")

    async def user_token(self, name: str) -> str:
        made = await self.call(f"/hub/api/users/{name}/tokens", "POST",
                               body={"note": "classroom benchmark", "expires_in": 7200})
        return made["token"]

    async def server(self, trainee: Trainee, path: str, method: str = "GET", **kwargs):
        return await self.call(f"/user/{trainee.name}{path}", method, token=trainee.token,
                               **kwargs)


# --- a kernel over its websocket ------------------------------------------------------------------

class Kernel:
    def __init__(self, connection, session: str):
        self.connection = connection
        self.session = session

    @classmethod
    async def open(cls, lab: Class, trainee: Trainee, path: str) -> Kernel:
        model = await lab.server(trainee, "/api/sessions", "POST", body={
            "path": path, "type": "notebook", "name": Path(path).name,
            "kernel": {"name": "python3"}})
        session = uuid.uuid4().hex
        url = (lab.url.replace("http", "ws", 1) + f"/user/{trainee.name}/api/kernels/"
               f"{model['kernel']['id']}/channels?session_id={session}")
        connection = await asyncio.wait_for(websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {trainee.token}"})), REQUEST)
        return cls(connection, session)

    def send(self, code: str) -> str:
        msg_id = uuid.uuid4().hex
        self.connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "",
                       "session": self.session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False,
                        "stop_on_error": False}}))
        return msg_id

    async def run(self, cells: list[str]) -> tuple[list[str], str]:
        """Send every cell at once (Run All); wait for every reply. Returns the errors
        and the text the cells printed."""
        sent = [self.send(code) for code in cells]
        # A cell is done once its reply (shell) and its idle status (iopub, after its
        # printed output) have both come: the two channels are not ordered.
        pending = {(m, part) for m in sent for part in ("reply", "idle")}
        errors, printed = [], []
        while pending:
            raw = await asyncio.wait_for(self.connection.read_message(), CELL)
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            if isinstance(raw, bytes):
                continue  # binary frames carry widget buffers: nothing to check
            message = json.loads(raw)
            parent = message.get("parent_header", {}).get("msg_id")
            kind = message.get("msg_type") or message.get("header", {}).get("msg_type")
            if parent not in sent:
                continue
            if kind == "stream":
                printed.append(message["content"]["text"])
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                pending.discard((parent, "idle"))
            elif kind == "execute_reply":
                pending.discard((parent, "reply"))
                if message["content"]["status"] != "ok":
                    content = message["content"]
                    errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        return errors, "".join(printed)

    def close(self) -> None:
        self.connection.close()


# --- one trainee's quarter of an hour -------------------------------------------------------------

def typed_in(notebook: dict, tasks: list[Task]) -> dict:
    """The notebook with each code answer typed under its stub, as the trainee types it."""
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in notebook["cells"]}
    for task in tasks:
        if task.code and task.answer_cell in cells:
            cell = cells[task.answer_cell]
            cell["source"] = "".join(cell["source"]).rstrip("\n") + "\n" + task.code
    return notebook


async def trainee_works(lab: Class, trainee: Trainee, password: str, delay: float,
                        answered: asyncio.Event, carry_on: asyncio.Event) -> None:
    await asyncio.sleep(delay)
    path = f"{ASSIGNMENT}/{lab.notebook}"
    step = "login"
    kernel = None
    try:
        await lab.log_in(trainee.name, password)
        step = "spawn"
        trainee.spawn = await lab.spawn(trainee.name)
        step = "token"
        trainee.token = await lab.user_token(trainee.name)
        step = "fetch"
        await lab.server(trainee, "/assignments/fetch", "POST",
                         form={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        step = "save"
        model = await lab.server(trainee, f"/api/contents/{path}?content=1")
        notebook = typed_in(model["content"], trainee.tasks)
        await lab.server(trainee, f"/api/contents/{path}", "PUT",
                         body={"type": "notebook", "format": "json", "content": notebook})
        step = "kernel"
        kernel = await Kernel.open(lab, trainee, path)
        step = "run all"
        cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
        started = time.monotonic()
        errors, _ = await kernel.run(cells)
        trainee.run_all = time.monotonic() - started
        # Cells that end in an error on purpose (a stub not yet filled) are the trainee's
        # business; a cell that fails in a notebook answered in full is not.
        if errors and trainee.full:
            lab.fail("run all", trainee.name, "; ".join(errors))
        step = "answer"
        clicks = [f"_click({t.exercise_id}, {t.expression})"
                  for t in trainee.tasks if t.exercise_id]
        errors, _ = await kernel.run([CLICK, *clicks])
        if errors:
            raise RuntimeError("; ".join(errors))
        ids = [t.exercise_id for t in trainee.tasks if t.exercise_id]
        errors, printed = await kernel.run(
            [f"import json as _j; print(_j.dumps({{k: book.store.get(k) for k in {ids!r}}}))"])
        if errors:
            raise RuntimeError("; ".join(errors))
        trainee.saved = json.loads(printed.strip().splitlines()[-1])
        trainee.memory_mb = memory_mb(trainee.name)
        kernel.close()
        kernel = None
        answered.set()
        await carry_on.wait()  # the hub may restart here, in the middle of the class
        step = "save"
        await lab.server(trainee, f"/api/contents/{path}", "PUT",
                         body={"type": "notebook", "format": "json", "content": notebook})
        step = "submit"
        reply = await lab.server(trainee, "/assignments/submit", "POST",
                                 form={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        if isinstance(reply, dict) and not reply.get("success", True):
            raise RuntimeError(reply.get("value") or reply)
        trainee.submitted = True
    except Exception as error:  # any failure is counted, and the others go on
        lab.fail(step, trainee.name, f"{type(error).__name__}: {error}")
    finally:
        if kernel:
            kernel.close()
        answered.set()


# --- memory ---------------------------------------------------------------------------------------

def memory_mb(name: str) -> float:
    """Proportional set size (shared pages split between their users) of every process
    of that user: the server, its kernel and anything they started."""
    uid = pwd.getpwnam(name).pw_uid
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass  # the process ended meanwhile
    return total / 1024


# --- the hub --------------------------------------------------------------------------------------

def fresh_users(names: list[str], state: Path) -> None:
    """Existing users keep their accounts; their homes and the course start afresh."""
    for name in names:
        trial.stop_user(name)
        home = Path(trial.ensure_user(name).pw_dir)
        for item in home.iterdir():
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    shutil.rmtree(state / "exchange" / COURSE_ID, ignore_errors=True)


def start_hub(args, names: dict, password: str, token: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, str(trial.HERE / "trial.py"), "--no-install",
               "--state", str(args.state), "--port", str(args.port),
               "--hub-api-port", str(args.port + 1), "--proxy-api-port", str(args.port + 2),
               "--instructor", names["instructor"], "--trainees", ",".join(names["trainees"]),
               "--password", password, "--only", f"{ASSIGNMENT}/{args.notebook}"]
    env = {**os.environ, "MLD_HUB_ADMIN_TOKEN": token,
           "MLD_HUB_KEEP_SERVERS": "1" if args.restart_hub else "0"}
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    deadline = time.monotonic() + HUB_START
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the hub stopped (exit {process.returncode}); see {log}")
        try:
            import urllib.request

            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/hub/health", timeout=5):
                return process
        except OSError:
            time.sleep(1)
    stop_hub(process, args.state, cleanup=HUB_STOP)
    sys.exit(f"the hub did not answer within {HUB_START} s; see {log}")


# --- after the class ------------------------------------------------------------------------------

def exchange_privacy(state: Path, trainees: list[str]) -> list[str]:
    """Each trainee, given the exact path of the next trainee's submission, tries to list
    the inbound folder and the submission, read it, overwrite it, add a file to it,
    replace one of its files, and move it away. Returns what anyone could do (must be
    nothing: toolbox_widgets/course/exchange.py)."""
    inbound = state / "exchange" / COURSE_ID / "inbound"
    leaks, tried = [], 0
    for me, other in zip(trainees, trainees[1:] + trainees[:1]):
        if me == other:
            break
        theirs = sorted(p for p in inbound.glob(f"{other}+{ASSIGNMENT}+*/*.ipynb"))
        if not theirs:
            continue
        tried += 1
        attempt = (
            "import os, sys\n"
            "done = []\n"
            "notebook = sys.argv[1]\n"
            "folder = os.path.dirname(notebook)\n"
            "def replace():\n"
            "    open(os.path.join(folder, 'planted.txt'), 'w').close()\n"
            "    os.replace(os.path.join(folder, 'planted.txt'), notebook)\n"
            "for what, act in (('list the inbound folder', lambda: os.listdir(\n"
            "                      os.path.dirname(folder))),\n"
            "                  ('list', lambda: os.listdir(folder)),\n"
            "                  ('read', lambda: open(notebook, 'rb').read(1)),\n"
            "                  ('overwrite', lambda: open(notebook, 'r+b').close()),\n"
            "                  ('add a file to', lambda: open(os.path.join(\n"
            "                      folder, 'added.txt'), 'x').close()),\n"
            "                  ('replace a file of', replace),\n"
            "                  ('move away', lambda: os.rename(folder, folder + '-moved'))):\n"
            "    try:\n"
            "        act(); done.append(what)\n"
            "    except OSError:\n"
            "        pass\n"
            "print(','.join(done))\n")
        user = pwd.getpwnam(me)
        result = subprocess.run([sys.executable, "-c", attempt, str(theirs[0])],
                                capture_output=True, text=True, user=user.pw_uid,
                                group=user.pw_gid, extra_groups=[], timeout=60, check=False)
        done = [d for d in result.stdout.strip().split(",") if d]
        if done or result.returncode:
            leaks.append(f"{me} could {', '.join(done) or 'not run the check'} "
                         f"{other}'s submission")
    say(f"exchange privacy: {tried} trainees, given the exact path of a classmate's "
        f"submission, tried to list, read, overwrite, add to or move it: {len(leaks)} could")
    return leaks


def grade(course: Path, instructor: str, env_bin: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    subprocess.run([env_bin / "mld", "grade", ASSIGNMENT], cwd=course, check=True,
                   user=pwd.getpwnam(instructor).pw_uid, group=pwd.getpwnam(instructor).pw_gid,
                   extra_groups=[], timeout=GRADE_LIMIT, umask=0o022,
                   env={"HOME": pwd.getpwnam(instructor).pw_dir, "USER": instructor,
                        "PATH": os.pathsep.join([str(env_bin), "/usr/bin", "/bin"]),
                        "LANG": "C.UTF-8"})
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            scores[submission.student_id] = submission.score
    return scores


def lost_answers(course: Path, trainee: Trainee, workbook: str) -> int:
    """Answers the kernel saved that the collected submission does not hold."""
    file = course / "submitted" / trainee.name / ASSIGNMENT / f"{workbook}.answers.json"
    try:
        held = json.loads(file.read_text(encoding="utf-8"))["answers"]
    except (OSError, ValueError, KeyError):
        held = {}
    return sum(1 for k, v in trainee.saved.items()
               if v is not None and (k not in held or held[k].get("value") != v))


# --- the class ------------------------------------------------------------------------------------

async def the_class(args, names, password, token, hub_box: list, log: Path, course: Path,
                    trainees: list[Trainee]) -> Class:
    AsyncHTTPClient.configure(None, max_clients=4 * len(trainees) + 10)
    lab = Class(f"http://127.0.0.1:{args.port}", token, args.notebook, args.workbook)
    instructor = names["instructor"]
    await lab.spawn(instructor)
    await lab.call(f"/user/{instructor}/formgrader/api/assignment/{ASSIGNMENT}/release",
                   "POST", body={})
    say("released; trainees arriving")
    answered = [asyncio.Event() for _ in trainees]
    carry_on = asyncio.Event()
    if not args.restart_hub:
        carry_on.set()
    gap = args.arrival / max(len(trainees) - 1, 1)
    work = [asyncio.ensure_future(trainee_works(lab, t, password, n * gap, answered[n],
                                                carry_on))
            for n, t in enumerate(trainees)]
    peak = 0.0
    while not all(e.is_set() for e in answered):  # bounded: each trainee's steps are
        peak = max(peak, sum(memory_mb(t.name) for t in trainees))
        await asyncio.sleep(2)
    lab.peak_mb = max(peak, sum(memory_mb(t.name) for t in trainees))
    if args.restart_hub:
        say("everyone has answered: restarting the hub")
        servers = {t.name: trial.user_processes(t.name) for t in trainees}
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: stop_hub(hub_box[0], args.state, keep_servers=True,
                                   cleanup=HUB_STOP))
        hub_box[0] = await asyncio.get_running_loop().run_in_executor(
            None, start_hub, args, names, password, token, log)
        kept = 0
        for t in trainees:
            if servers[t.name] and not set(servers[t.name]) & set(
                    trial.user_processes(t.name)):
                lab.fail("server lost in hub restart", t.name, "no process left")
            elif servers[t.name]:
                kept += 1
        say(f"hub restarted: {kept} trainees' servers kept running; they carry on")
        carry_on.set()
    await asyncio.gather(*work)
    say("everyone has submitted; the instructor collects")
    await lab.call(f"/user/{instructor}/formgrader/api/assignment/{ASSIGNMENT}/collect",
                   "POST", body={})
    return lab


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="seconds over which the trainees log in (default: %(default)s)")
    parser.add_argument("--notebook", default="01_why_local.ipynb",
                        help="the notebook of core/ the class works on")
    parser.add_argument("--state", type=Path, default=STATE,
                        help="the hub's state folder (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--restart-hub", action="store_true",
                        help="stop and start the hub once everyone has answered")
    parser.add_argument("--keep-users", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("Run the classroom benchmark as root: it creates system users and runs "
                 "each user's server as that user.")
    if not (trial.VENV_BIN / "jupyterhub").exists():
        sys.exit(f"JupyterHub is not installed in {trial.VENV_BIN.parent}: "
                 "python3 -c \"import course; course.install('test,hub')\"")
    args.state = args.state.resolve()
    names = {"instructor": f"{PREFIX}-instructor",
             "trainees": [f"{PREFIX}-{n:02d}" for n in range(1, args.trainees + 1)]}
    everyone = [names["instructor"], *names["trainees"]]
    trial.ensure_proxy()
    trial.ensure_state(args.state)
    env_bin = trial.hub_environment(args.state)
    fresh_users(everyone, args.state)
    password, token = secrets.token_urlsafe(12), secrets.token_hex(32)
    log = Path(tempfile.mkdtemp(prefix="mld-classroom-")) / "jupyterhub.log"
    os.chmod(log.parent, 0o755)
    say(f"hub log: {log}")
    started = time.monotonic()
    hub_box = [start_hub(args, names, password, token, log)]
    say(f"hub up in {time.monotonic() - started:.0f} s")
    course = Path(pwd.getpwnam(names["instructor"]).pw_dir) / trial.COURSE_FOLDER
    tasks = class_tasks(course / "source" / ASSIGNMENT / args.notebook)
    args.workbook = read_key(course / "source" / ASSIGNMENT / args.notebook).workbook
    trainees = [Trainee(name, tasks, True) if n % 3 else
                Trainee(name, tasks[: len(tasks) // 2], False)
                for n, name in enumerate(names["trainees"], start=1)]
    try:
        lab = asyncio.run(the_class(args, names, password, token, hub_box, log, course,
                                    trainees))
        class_time = time.monotonic() - started
        leaks = exchange_privacy(args.state, names["trainees"])
        for leak in leaks:
            lab.fail("exchange privacy", "exchange", leak)
        graded_started = time.monotonic()
        try:
            scores = grade(course, names["instructor"], env_bin)
        except (subprocess.SubprocessError, OSError) as error:
            lab.fail("mld grade", names["instructor"], error)
            scores = {}
        grading = time.monotonic() - graded_started
    finally:
        stop_hub(hub_box[0], args.state, cleanup=HUB_STOP)
        for name in everyone:
            trial.stop_user(name)
    submitted = {p.name for p in (course / "submitted").glob("*") if p.is_dir()}
    failed = sum(1 for t in trainees if not (t.submitted and t.name in submitted))
    lost = sum(lost_answers(course, t, args.workbook) for t in trainees)
    exact = sum(1 for t in trainees if t.name in scores
                and abs(scores[t.name] - t.expected_score) < 1e-6)
    spawns = [t.spawn for t in trainees if t.spawn is not None]
    runs = [t.run_all for t in trainees if t.run_all is not None]
    memory = [t.memory_mb for t in trainees if t.memory_mb]
    n = len(trainees)

    def verdict(ok: bool) -> str:
        return "meets the target" if ok else "MISSES the target"

    print(f"\nClass of {n} on {os.cpu_count()} cores, arrivals over {args.arrival:g} s, "
          f"notebook {args.notebook}{', hub restarted mid-class' if args.restart_hub else ''}")
    print(f"class (log in to collected): {class_time:.0f} s; mld grade: {grading:.0f} s")
    print(f"spawn p50 {percentile(spawns, .5):.1f} s, p95 {percentile(spawns, .95):.1f} s "
          f"(target p95 <= {TARGET_SPAWN_P95:g} s: "
          f"{verdict(percentile(spawns, .95) <= TARGET_SPAWN_P95)})")
    print(f"Run All p50 {percentile(runs, .5):.1f} s, p95 {percentile(runs, .95):.1f} s "
          f"(target p95 <= {TARGET_RUN_ALL_P95:g} s: "
          f"{verdict(percentile(runs, .95) <= TARGET_RUN_ALL_P95)})")
    if memory:
        print(f"memory per trainee (server + kernel, PSS): median {statistics.median(memory):.0f}"
              f" MB, max {max(memory):.0f} MB (target <= {TARGET_MEMORY} MB: "
              f"{verdict(max(memory) <= TARGET_MEMORY)}); all trainees at peak "
              f"{lab.peak_mb:.0f} MB")
    print("failed operations: " + (", ".join(f"{k} {v}" for k, v in sorted(lab.failed.items()))
                                   or "none"))
    for problem in lab.problems[:20]:
        print(f"  {problem}")
    if not args.keep_users:
        for name in everyone:
            subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)
    print(f"trainees {n}; lost answers {lost}; failed submissions {failed}; "
          f"graded exactly {exact}/{n}")
    return 0 if (lost, failed, exact) == (0, 0, n) and not lab.failed else 1


if __name__ == "__main__":
    sys.exit(main())
