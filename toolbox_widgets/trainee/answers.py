"""Where a trainee's answers live between kernel restarts, saves and submission.

Widget state is lost whenever a notebook is re-executed (and nbgrader's autograde
always re-executes), so every answer is also written to a small JSON file next to
the notebook: ``<workbook>.answers.json``. nbgrader submit copies it with the
notebook, and autograde never overwrites it because no such file exists in
``source/``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from . import feedback as words
from .i18n import _

FORMAT_VERSION = 1
SUFFIX = ".answers.json"


def nbgrader_mode() -> str:
    """'validate' or 'autograde' while nbgrader runs the notebook, else ''."""
    return os.environ.get("NBGRADER_EXECUTION", "")


def _inside_course_tree(folder: Path) -> bool:
    """True for the generated source/, release/ and selfstudy/ trees of a course checkout.

    Answers written there would travel to trainees with the next build, so the
    instructor's answers stay in memory only.
    """
    parent = folder.parent
    return (parent.name in {"source", "release", "selfstudy"}
            and (parent.parent / "nbgrader_config.py").exists())


class AnswerStore:
    """A JSON file of answers, keyed by exercise id. Never raises on bad files."""

    def __init__(self, workbook: str, folder: Path | str | None = None, *,
                 self_study: bool = False):
        self.self_study = self_study  # no instructor to ask: its messages say so
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.path = self.folder / f"{workbook}{SUFFIX}"
        self.workbook = workbook
        self.persistent = not _inside_course_tree(self.folder.resolve())
        self.problem = ""  # a plain-words note when the file could not be read
        self._answers: dict[str, object] = {}
        self._saved: dict[str, str] = {}  # when each answer last changed
        # The trainee's own shuffle of the options: kept in the file, so a reopened
        # notebook shows the same order. Made on first use (see seed).
        self._seed: int | None = None
        self._mine: set[str] = set()  # exercises changed here since this store last saved
        # Self-study only: exercise id -> {"value": answer checked, "earned": points}, so
        # the score a learner saw survives closing the notebook.
        self.checks: dict[str, dict] = {}
        self._mine_checks: set[str] = set()  # checks changed here since the last save
        self._write_problem = ""
        self._load()

    def _load(self) -> None:
        if not self.persistent or not self.path.exists():
            return
        try:
            self._answers, self._saved, seed, self.checks = self._read_file()
        except RecursionError:  # JSON nested thousands deep: no answers file looks so
            self._set_aside(_("it is nested too deeply to be an answers file"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            self._set_aside(str(error))
        else:
            if seed is not None:
                self._seed = seed  # files written before shuffling have none: one is made

    def _read_file(self) -> tuple[dict[str, object], dict[str, str], int | None, dict]:
        """The answers, their times, the shuffle seed and the self-study checks as the
        file holds them now (raises if unreadable)."""
        data = json.loads(self.path.read_text(encoding="utf-8"))
        answers = data["answers"]
        if not isinstance(answers, dict):
            raise TypeError("'answers' is not a mapping")
        seed = data.get("seed")
        return ({str(k): v.get("value") if isinstance(v, dict) else v
                 for k, v in answers.items()},
                {str(k): v["saved"] for k, v in answers.items()
                 if isinstance(v, dict) and isinstance(v.get("saved"), str)},
                seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
                _checks(data.get("checked")))

    @property
    def seed(self) -> int:
        """This trainee's shuffle seed; a new one is written to the file at once, so that
        the options keep their order when the notebook is opened again."""
        if self._seed is None:
            self._seed = secrets.randbelow(2**31)
            if not self.problem:  # a damaged file was set aside: the next answer writes
                # A read-only folder: the order holds for this session, and the first
                # answer saved reports the problem as before.
                self._try_write()
        return self._seed

    def _set_aside(self, reason: str) -> None:
        """Keep the damaged file for the trainee or instructor to inspect, and start
        afresh rather than stopping the notebook."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        kept = self.path.with_name(f"{self.workbook}.answers.corrupt-{stamp}.json")
        try:
            self.path.replace(kept)
            where = _("It was kept as {name}.").format(name=kept.name)
        except OSError:
            where = _("It could not be moved aside.")
        if self.self_study:
            self.problem = _(words.FILE_UNREADABLE).format(
                name=self.path.name, reason=reason, where=where)
            return
        self.problem = _(
            "The answers file {name} could not be read ({reason}). {where} Saved answers "
            "from it are not shown: answer the exercises again, or ask your instructor to "
            "restore the file from your last submission.").format(
            name=self.path.name, reason=reason, where=where)

    def get(self, exercise_id: str, default=None):
        return self._answers.get(exercise_id, default)

    def __contains__(self, exercise_id: str) -> bool:
        return exercise_id in self._answers

    def saved_at(self, exercise_id: str) -> str | None:
        """When this answer was last changed (ISO 8601, UTC), or None."""
        return self._saved.get(exercise_id)

    def set(self, exercise_id: str, value) -> None:
        if exercise_id in self._answers and self._answers[exercise_id] == value:
            return  # unchanged: keep its time, and spare the disk
        self._answers[exercise_id] = value
        self._saved[exercise_id] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._mine.add(exercise_id)
        self._write()

    def clear(self, exercise_id: str) -> None:
        self._saved.pop(exercise_id, None)
        self._mine.add(exercise_id)
        if self._answers.pop(exercise_id, None) is not None:
            self._write()

    def set_check(self, exercise_id: str, value, earned: float | None) -> None:
        """Keep (or, with earned None, forget) a self-study check of this answer."""
        if earned is None:
            if self.checks.pop(exercise_id, None) is None:
                return
        else:
            self.checks[exercise_id] = {"value": value, "earned": earned}
        self._mine_checks.add(exercise_id)
        self._write()

    def _write(self) -> None:
        """Save, never raising: a failed save leaves the file as it was and says so."""
        error = self._try_write()
        if error is not None:
            if self.self_study:
                self._write_problem = _(
                    words.DISK_FULL if error.errno in (errno.ENOSPC, errno.EDQUOT)
                    else words.NOT_WRITTEN).format(reason=error.strerror or error)
            elif error.errno in (errno.ENOSPC, errno.EDQUOT):
                self._write_problem = _(
                    "Your last answer could not be saved because the disk is full. Your "
                    "earlier answers are safe. Tell your instructor, then change the answer "
                    "again to save it.")
            else:
                self._write_problem = _(
                    "Your last answer could not be saved ({reason}). Your earlier answers "
                    "are safe. Tell your instructor, then change the answer again to save "
                    "it.").format(reason=error.strerror or error)
            self.problem = self._write_problem
            return
        if self.problem and self.problem == self._write_problem:
            self.problem = ""  # saved again: the earlier failure is over
        self._write_problem = ""

    def _try_write(self) -> OSError | None:
        """Lock the folder, merge with what other tabs saved, write. Returns the error."""
        if not self.persistent:
            return None
        try:
            with _folder_lock(self.folder):
                _remove_leftovers(self.folder)
                self._merge_from_file()
                self._replace_file()
        except OSError as error:
            return error
        self._mine.clear()  # the file holds them now: a later change elsewhere wins
        self._mine_checks.clear()
        return None

    def _merge_from_file(self) -> None:
        """Another tab or kernel of the same notebook may have saved meanwhile: keep its
        answers to the exercises this store did not change (merge per exercise)."""
        if not self.path.exists():
            return
        try:
            theirs, their_times, their_seed, their_checks = self._read_file()
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return  # unreadable now: this store's answers are all there is to keep
        if their_seed is not None:
            self._seed = their_seed  # one order of the options for every tab
        for exercise_id in theirs.keys() - self._mine:
            self._answers[exercise_id] = theirs[exercise_id]
            if exercise_id in their_times:
                self._saved[exercise_id] = their_times[exercise_id]
        for exercise_id in self._answers.keys() - theirs.keys() - self._mine:
            del self._answers[exercise_id]  # cleared in the other tab
            self._saved.pop(exercise_id, None)
        for exercise_id in (their_checks.keys() | self.checks.keys()) - self._mine_checks:
            if exercise_id in their_checks:  # the same rule for self-study checks
                self.checks[exercise_id] = their_checks[exercise_id]
            else:
                self.checks.pop(exercise_id, None)

    def _replace_file(self) -> None:
        if self._seed is None:  # made here, not through seed: that would write (and lock) again
            self._seed = secrets.randbelow(2**31)
        # Each answer keeps the time it was last changed, not the time of this write.
        data = {
            "format": FORMAT_VERSION,
            "workbook": self.workbook,
            "seed": self._seed,
            "answers": {k: {"value": v, "saved": self._saved.get(k)}
                        for k, v in sorted(self._answers.items())},
        }
        if self.checks:
            data["checked"] = dict(sorted(self.checks.items()))
        # Write to a temporary file, flush it to disk and rename it over the old one:
        # a kill or a crash at any moment leaves the old file or the new, never half.
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".answers-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, ensure_ascii=False)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)  # e.g. the disk filled up: no half-written leftovers
            raise


def _checks(found) -> dict[str, dict]:
    """The self-study checks a file holds; anything malformed is left out."""
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items()
            if isinstance(v, dict) and isinstance(v.get("earned"), (int, float))}


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of saves that were killed half-way (a kernel stopped hard): under
    the folder's lock no save is running, so any of them is left over. Removed so that
    they do not travel with the submission."""
    for leftover in folder.glob(".answers-*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """Only one save at a time per folder, across tabs and kernels (a lock on the folder
    itself, so no extra file travels with a submission). Where folders cannot be locked
    (not POSIX), saves go on unlocked."""
    try:
        import fcntl
        handle = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)
