"""``mld grade ASSIGNMENT``: nbgrader autograde, sandboxed, parallel, resumable.

The parent process is the only writer of the gradebook and of autograded/: it runs
nbgrader's Autograde converter (see converter.py). Dask workers (local processes by
default, or a cluster given with --scheduler) execute the sanitized notebooks, each
in a fresh bubblewrap sandbox (see worker.py, sandbox.py, SANDBOX.md).
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from datetime import datetime
from pathlib import Path

from ..course import layout
from .sandbox import Limits, SandboxUnavailable, check_sandbox

SUBMITTED_FILE_MB = 50


class Journal:
    """One line per submission graded, written only after its grades are committed.

    A submission is skipped on the next run while its submitted files are unchanged
    and its autograded folder is still there.
    """

    def __init__(self, root: Path, assignment: str):
        self.path = root / ".mld-grade" / f"{assignment}.jsonl"
        self.done: dict[str, str] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:  # a line cut by a kill: that submission is regraded
                    continue
                # A "started" line without a later entry (a killed run) means regrade.
                self.done[entry["student"]] = entry.get("fingerprint")

    def start(self, student: str) -> None:
        """Note that a submission is being regraded: until its new entry is written, a
        rerun grades it again (its autograded notebooks may be half done)."""
        if self.done.get(student) is not None:
            self.add(student, None, started=True)

    def add(self, student: str, fingerprint: str | None, **details) -> None:
        self.path.parent.mkdir(exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as file:
            file.write(json.dumps({"student": student, "fingerprint": fingerprint,
                                   "graded": time.strftime("%Y-%m-%dT%H:%M:%S"), **details})
                       + "\n")
            file.flush()
            os.fsync(file.fileno())
        self.done[student] = fingerprint


class Progress:
    def __init__(self, total: int):
        self.total, self.done, self.failed, self.start = total, 0, 0, time.monotonic()

    def step(self, student: str, problem: str | None = None) -> None:
        self.done += 1
        self.failed += problem is not None and problem.startswith("FAILED")
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        line = (f"[{self.done}/{self.total}] {student}: {problem or 'graded'} | "
                f"{rate * 60:.1f} submissions/min, ~{left:.0f} s left, {self.failed} failed")
        print(line, file=sys.stderr, flush=True)


def add_grade_command(subparsers) -> argparse.ArgumentParser:
    """Add `mld grade` to the `mld` command's subparsers."""
    parser = subparsers.add_parser(
        "grade", help="autograde an assignment with nbgrader, sandboxed and in parallel",
        description=__doc__.split("\n\n")[0],
        epilog="nbgrader settings can be given with --set, for example "
               "--set Execute.timeout=30.")
    parser.add_argument("assignment")
    parser.add_argument("--root", default=".", help="the course folder (default: here)")
    parser.add_argument("--student", default="*", help="only this trainee (nbgrader glob)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="local worker processes (default: number of cores)")
    parser.add_argument("--per-worker", type=int, default=2, metavar="N",
                        help="submissions each local worker grades at once: one can use "
                             "the core while another waits on a cell's timeout "
                             "(default: %(default)s)")
    parser.add_argument("--scheduler", help="a Dask scheduler, e.g. tcp://host:8786, "
                        "instead of local workers")
    parser.add_argument("--db-url", help="the gradebook, any database URL nbgrader accepts "
                        "(default: nbgrader's CourseDirectory.db_url, gradebook.db here)")
    parser.add_argument("--force", action="store_true",
                        help="regrade every submission, even those already in the journal")
    parser.add_argument("--csv", help="write per-trainee scores, from the gradebook, to this CSV")
    parser.add_argument("--csv-format", choices=sorted(CSV_WRITERS), default="moodle",
                        help="the CSV's layout: Moodle's or Canvas's grade import "
                             "(default: %(default)s)")
    parser.add_argument("--notebook-timeout", type=int, default=Limits.notebook_timeout,
                        help="seconds a whole notebook may run (default: %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb,
                        help="memory of each sandbox, all its processes and its /tmp "
                             "together, where the machine gives a memory cgroup; and "
                             "address space per process (default: %(default)s)")
    parser.add_argument("--processes", type=int, default=Limits.processes,
                        help="processes and threads per sandbox (default: %(default)s)")
    parser.add_argument("--output-mb", type=int, default=Limits.output_mb,
                        help="outputs kept per notebook (default: %(default)s)")
    parser.add_argument("--file-mb", type=float, default=SUBMITTED_FILE_MB,
                        help="largest submitted file taken; larger ones are left out and "
                             "named (default: %(default)s)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run trainee code without bubblewrap, with your rights")
    parser.add_argument("--set", action="append", default=[], metavar="Class.option=value",
                        help="an nbgrader setting for this run (repeatable)")
    parser.add_argument("--stop-after", type=int, help=argparse.SUPPRESS)  # test hook: crash
    parser.set_defaults(run=cmd_grade)
    return parser


def cmd_grade(args) -> int:
    root = Path(args.root).resolve()
    if problem := layout.course_problem(root, authored=False):
        sys.exit(problem)
    if args.unsafe_no_sandbox:
        print("WARNING: grading without a sandbox; trainee code runs with your rights.",
              file=sys.stderr)
    else:
        try:
            check_sandbox()
        except SandboxUnavailable as err:
            print(f"Refusing to grade: {err}", file=sys.stderr)
            return 2
    csv_path = Path(args.csv).resolve() if args.csv else None  # before grade() changes folder
    signal.signal(signal.SIGINT, _interrupted)
    sys.unraisablehook = _unraisable
    try:
        summary = grade(root, args, [f"--{setting}" for setting in args.set])
    except KeyboardInterrupt:
        print("Stopped (Ctrl-C). The submissions graded so far are saved; run the same "
              "command again to grade the rest.", file=sys.stderr)
        return 130
    if csv_path:
        write_csv(summary["db_url"], args, csv_path)
    return 1 if summary["failed"] else 0


def _interrupted(signum, frame):
    """Ctrl-C: Dask's logs of the futures and workers cut short are no news; stop."""
    names = [n for n in logging.root.manager.loggerDict
             if n.split(".")[0] in ("distributed", "tornado", "asyncio")]
    for name in ["distributed", "tornado", "asyncio", *names]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    raise KeyboardInterrupt


def _unraisable(info) -> None:
    """A Ctrl-C that landed in a finalizer (Python ignores it there): send it again."""
    if issubclass(info.exc_type, KeyboardInterrupt):
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
        return
    sys.__unraisablehook__(info)


def _nbgrader_app(root: Path, args, extra: list[str]):
    from nbgrader.apps.autogradeapp import AutogradeApp

    argv = [f"--student={args.student}", "--log-level=WARN", *extra]
    if args.db_url:
        argv.append(f"--CourseDirectory.db_url={args.db_url}")
    app = AutogradeApp()
    app.initialize(argv)
    app.coursedir.assignment_id = args.assignment
    return app


IOPUB_WAIT = 30  # seconds


def _execute_config(app) -> dict:
    from nbgrader.preprocessors import Execute

    execute = Execute(parent=app)  # the instructor's settings, nbgrader's defaults
    settings = {name: getattr(execute, name) for name in
                ("timeout", "interrupt_on_timeout", "raise_on_iopub_timeout", "error_on_timeout",
                 "startup_timeout", "iopub_timeout", "shutdown_kernel", "allow_errors",
                 "record_timing", "kernel_name") if execute.has_trait(name)}
    # nbgrader waits 4 s for a finished cell's output, a default made for one kernel at a
    # time; mld grade runs one per worker, and on a busy machine an innocent cell's output
    # can take longer, which failed the whole notebook. Unless the instructor chose a wait,
    # it is IOPUB_WAIT (a cell that prints for ever is still stopped by the cell timeout).
    if "iopub_timeout" in settings and "iopub_timeout" not in app.config.Execute:
        settings["iopub_timeout"] = max(settings["iopub_timeout"], IOPUB_WAIT)
    return settings


def _client(args):
    import dask
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler)
    # Ctrl-C reaches every process of the terminal's group: the workers start with it
    # ignored (Python keeps an ignored SIGINT ignored), and this process stops them.
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    dask.config.set({"temporary-directory": os.environ.get("TMPDIR")})  # removed at the end
    try:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.per_worker,
                               processes=True, dashboard_address=None,
                               # mld grade reports each task's failure itself, per trainee
                               # and notebook; a worker's own ERROR lines are dask's
                               # connection chatter (a Ctrl-C that closes the client while a
                               # worker sends a result printed a traceback).
                               silence_logs=logging.CRITICAL,
                               local_directory=os.environ.get("TMPDIR"))
        _no_gc_diagnosis()
    finally:
        signal.signal(signal.SIGINT, handler)
    return Client(cluster)


def _no_gc_diagnosis() -> None:
    """Remove the garbage collector callback that the scheduler, started in this process,
    installs: it only logs GC timings (silenced here), and a Ctrl-C raised inside it, between
    its "start" and "stop" calls, made Python print its AssertionError as a traceback. No Dask
    setting turns it off; distributed.gc's own switch does (its workers are other processes,
    where SIGINT is ignored)."""
    from distributed.gc import disable_gc_diagnosis

    disable_gc_diagnosis(force=True)


class ChangedCells(logging.Filter):
    """Counts nbgrader's "... has changed!" warnings (one per read-only or test cell a
    trainee edited, which nbgrader puts back from source/) instead of printing each."""

    def __init__(self):
        super().__init__()
        self.count, self.students, self.student = 0, set(), None

    def filter(self, record: logging.LogRecord) -> bool:
        if "has changed" in str(record.msg):
            self.count += 1
            self.students.add(self.student)
            return False
        return True


def _take_submissions(app, args, stage: Path) -> tuple[dict, dict]:
    """Copy each submission's regular files to `stage`, where nbgrader will read them.

    Returns ({student: Intake}, {student: why the whole submission is refused}).
    """
    from .intake import MIB, SubmissionRefused, take

    pattern = app.coursedir.format_path(app.coursedir.submitted_directory, args.student,
                                        args.assignment)
    intakes, refused = {}, {}
    for found in sorted(glob.glob(pattern)):
        folder = Path(found)
        student = folder.parent.name
        if folder.parent.is_symlink():
            refused[student] = "its folder is a link to another folder; nothing was taken"
            continue
        try:
            intakes[student] = take(folder, stage / student / args.assignment,
                                    int(args.file_mb * MIB))
        except SubmissionRefused as err:
            refused[student] = str(err)
    return intakes, refused


def _remove_stale_runs() -> None:
    """Remove what killed runs (SIGKILL, power cut) left in the temporary folder."""
    for old in Path(tempfile.gettempdir()).glob("mld-grade-*-*"):
        try:
            pid = int(old.name.split("-")[2])
            os.kill(pid, 0)
        except (IndexError, ValueError):
            continue
        except ProcessLookupError:
            if old.is_dir() and not old.is_symlink() and old.stat().st_uid == os.geteuid():
                shutil.rmtree(old, ignore_errors=True)
        except PermissionError:
            continue


def grade(root: Path, args, extra: list[str]) -> dict:
    """Grade, then remove this run's temporary files and cgroups, even when stopped."""
    from .cgroup import make_parent

    os.chdir(root)
    _remove_stale_runs()
    # Every file of this run, private to us; named by our pid so that a later run can
    # remove it if this one is killed.
    run_dir = Path(tempfile.mkdtemp(prefix=f"mld-grade-{os.getpid()}-"))
    saved = {name: os.environ.get(name) for name in ("TMPDIR", "MLD_GRADE_CGROUP")}
    cgroups = None
    if not args.unsafe_no_sandbox and not args.scheduler:
        cgroups, why = make_parent()
        if cgroups is None:
            print(f"WARNING: {why}. Memory is bounded per process (--memory-mb), not per "
                  "sandbox: see SANDBOX.md.", file=sys.stderr)
        else:
            os.environ["MLD_GRADE_CGROUP"] = cgroups.describe()
    (run_dir / "tmp").mkdir()
    os.environ["TMPDIR"] = str(run_dir / "tmp")  # the local workers' sandboxes go there
    try:
        return _grade(root, args, extra, run_dir)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if cgroups is not None:
            cgroups.remove()  # kills anything a sandbox left behind
        shutil.rmtree(run_dir, ignore_errors=True)


def _grade(root: Path, args, extra: list[str], run_dir: Path) -> dict:
    from dask.distributed import as_completed
    from nbgrader.converters.base import NbGraderException

    from .converter import SplitAutograde, SubmissionFailed
    from .intake import read_regular_files
    from .keys import KeysError
    from .scores import record_assignment_keys
    from .worker import Task, execute_submission

    app = _nbgrader_app(root, args, extra)
    # nbgrader's gradebook code warns through SQLAlchemy while zeroing a missing
    # notebook; the notebook is named in the summary instead.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    changed = ChangedCells()
    app.log.addFilter(changed)
    # nbgrader reads submissions from a private copy that holds regular files only.
    stage = run_dir / "submitted"
    intakes, refused = _take_submissions(app, args, stage)
    app.coursedir.submitted_directory = str(stage)
    converter = SplitAutograde(coursedir=app.coursedir, parent=app)
    problems = {s: f"FAILED: {why}" for s, why in refused.items()}
    try:
        students = converter.setup() if intakes else []
    except NbGraderException as err:
        students = []
        if not problems:
            sys.exit(f"Nothing to grade: {err}")
    if not students and not problems:
        sys.exit("Nothing to grade: no submission was found.")
    for student in sorted(set(intakes) - set(students)):
        notes = "; ".join(intakes[student].refused) or "it has no notebook"
        problems[student] = f"FAILED: no notebook could be graded ({notes})"
    if students:
        started = time.monotonic()
        try:  # the keys, from the instructor's notebooks, before any trainee code runs
            recorded = record_assignment_keys(app.coursedir, args.assignment)
        except KeysError as err:
            sys.exit(f"Cannot grade: {err}")
        if recorded:
            print(f"Answer keys recorded from {recorded} notebook(s) of source/ in "
                  f"{time.monotonic() - started:.0f} s (kept for the next runs).",
                  file=sys.stderr)
    journal = Journal(root, args.assignment)
    prints = {s: intakes[s].fingerprint for s in students}
    autograded = {s: Path(app.coursedir.format_path(app.coursedir.autograded_directory, s,
                                                     args.assignment)) for s in students}
    pending = [s for s in students if args.force or journal.done.get(s) != prints[s]
               or not autograded[s].is_dir()]
    skipped = len(students) - len(pending)
    print(f"Grading {len(pending)} submission(s) of {args.assignment}"
          + (f" ({skipped} already graded and unchanged)" if skipped else "") + ".",
          file=sys.stderr)
    execute = _execute_config(app)
    limits = Limits(cell_timeout=execute["timeout"] or 0, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory_mb, processes=args.processes,
                    output_mb=args.output_mb)
    progress, recorded = Progress(len(pending) + len(problems)), 0
    for student in sorted(problems):
        progress.step(student, problems[student])
    client = _client(args) if pending else None
    try:
        futures = as_completed() if client else []  # all unchanged: nothing to wait for
        queue = list(pending)
        in_flight = 0
        # Twice as many submissions in flight as workers' threads: each thread has the
        # next one ready while this process records the last.
        workers = client.scheduler_info()["workers"].values() if client else []
        width = 2 * max(1, sum(w["nthreads"] for w in workers))

        def feed():
            nonlocal in_flight
            while queue and in_flight < width:
                student = queue.pop(0)
                journal.start(student)
                changed.student = student
                try:
                    folder, notebooks = converter.prepare(student)
                except SubmissionFailed as err:
                    problems[student] = f"FAILED: {err}"
                    progress.step(student, problems[student])
                    continue
                files = read_regular_files(Path(folder), 1 << 30)
                task = Task(student, args.assignment, files, notebooks, execute,
                            vars(limits), sandbox=not args.unsafe_no_sandbox,
                            more_to_come=len(queue) >= width // 2)
                future = client.submit(execute_submission, task, pure=False,
                                       key=f"grade-{args.assignment}-{student}-{time.time_ns()}")
                future.student = student
                futures.add(future)
                in_flight += 1

        feed()
        for future in futures:
            in_flight -= 1
            student = future.student
            changed.student = student
            try:
                result = future.result()
                converter.record(student, result["notebooks"])
            except SubmissionFailed as err:
                problems[student] = f"FAILED: {err}"
            except Exception as err:  # a lost worker, a sandbox that would not start
                converter._fail(student, str(err))
                problems[student] = f"FAILED: {type(err).__name__}: {err}"
            else:
                notes = "; ".join(intakes[student].refused + [
                    f"{name}: {note}" for name, note in result["notes"].items()])
                if notes:
                    problems[student] = f"graded, but {notes}"
                journal.add(student, prints[student], seconds=round(result["seconds"], 2),
                            problems=notes or None)
                recorded += 1
                if args.stop_after and recorded >= args.stop_after:
                    os.kill(os.getpid(), signal.SIGKILL)  # the test of resuming after a crash
            progress.step(student, problems.get(student))
            feed()
    except KeyboardInterrupt:
        # Dask's scheduler and nannies log the futures and workers cut short: no news.
        for name in ("distributed", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        raise
    finally:
        if client is not None:
            client.close()
            if not args.scheduler and client.cluster is not None:
                client.cluster.close()
    failed = sum(p.startswith("FAILED") for p in problems.values())
    graded = sum(not problems.get(s, "").startswith("FAILED") for s in pending)
    elapsed = time.monotonic() - progress.start
    print(f"Done: {graded} graded, {failed} failed, "
          f"{skipped} unchanged, in {elapsed:.0f} s.", file=sys.stderr)
    for student, problem in sorted(problems.items()):
        print(f"  {student}: {problem}", file=sys.stderr)
    if changed.count:
        print(f"  nbgrader put back {changed.count} edited read-only or test cell(s) from "
              f"source/, in {len(changed.students)} submission(s) (its \"has changed\" "
              "warnings, counted here instead of printed).", file=sys.stderr)
    return {"graded": graded, "failed": failed,
            "problems": problems, "db_url": app.coursedir.db_url}


def gradebook_scores(url: str, assignment: str) -> tuple[list[tuple[str, float]], list[dict]]:
    """The module's grade columns as (title, max score): its total, then each notebook;
    and one row per trainee with a submission: id, first and last name, scores.

    A module's languages are one grade item: core, core_fr and core_es all fill the "core"
    columns, so an LMS gets one total per module whichever language a trainee took. A
    trainee who submitted in two languages gets their latest submission, and a note says so.
    """
    from nbgrader.api import Gradebook, MissingEntry

    module = layout.module_of(assignment)
    with Gradebook(url) as gradebook:
        found = gradebook.find_assignment(assignment)
        notebooks = [nb.name for nb in found.notebooks]  # the same names in every language
        languages = [a.name for a in gradebook.assignments if layout.module_of(a.name) == module]
        columns = [(f"{module} total", found.max_score)] + [
            (f"{module}: {nb.name}", nb.max_score) for nb in found.notebooks]
        rows = []
        for student in sorted(gradebook.students, key=lambda s: s.id):
            submissions = []
            for name in languages:
                try:
                    submissions.append(gradebook.find_submission(name, student.id))
                except MissingEntry:
                    continue
            if not submissions:
                continue
            submission = max(submissions, key=lambda s: s.timestamp or datetime.min)
            scores = {nb.name: nb.score for nb in submission.notebooks}
            note = ""
            if len(submissions) > 1:
                note = (f"{student.id} submitted {module} in more than one language "
                        f"({', '.join(sorted(s.assignment.name for s in submissions))}); "
                        f"the latest, {submission.assignment.name}, counts.")
            rows.append({"id": student.id, "first": student.first_name,
                         "last": student.last_name, "note": note,
                         "assignment": submission.assignment.name,
                         "scores": [submission.score] + [scores.get(n, 0.0) for n in notebooks]})
    return columns, rows


def _moodle(columns: list[tuple[str, float]], rows: list[dict]) -> list[list[str]]:
    """Moodle's "Import grades: CSV file": a Username column to map to the user, then one
    column per grade item."""
    return [["Username"] + [title for title, _ in columns]] + [
        [row["id"]] + [_number(score) for score in row["scores"]] for row in rows]


def _canvas(columns: list[tuple[str, float]], rows: list[dict]) -> list[list[str]]:
    """Canvas's gradebook import, as its own export writes it: Student ("Last, First"),
    ID, SIS User ID, SIS Login ID (the nbgrader id), Section, one column per assignment,
    and under the header a "Points Possible" row with each column's maximum."""
    def name(row: dict) -> str:
        parts = [part for part in (row["last"], row["first"]) if part]
        return ", ".join(parts) or row["id"]

    return ([["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
             + [title for title, _ in columns],
             ["    Points Possible", "", "", "", ""] + [_number(most) for _, most in columns]]
            + [[name(row), "", "", row["id"], ""] + [_number(score) for score in row["scores"]]
               for row in rows])


CSV_WRITERS = {"moodle": _moodle, "canvas": _canvas}


def write_csv(url: str, args, path: Path) -> None:
    """Per-trainee scores of the assignment, from the gradebook, in an LMS's import layout."""
    columns, rows = gradebook_scores(url, args.assignment)
    for row in rows:
        if row["note"]:
            print(row["note"], file=sys.stderr)
    table = CSV_WRITERS[args.csv_format](columns, rows)
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(table)


def _number(value: float) -> str:
    return f"{value:g}"
