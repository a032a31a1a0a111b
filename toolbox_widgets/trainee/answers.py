"""Where a trainee's answers live between kernel restarts, saves and submission.

Widget state is lost whenever a notebook is re-executed (and nbgrader's autograde
always re-executes), so every answer is also written to a small JSON file next to
the notebook: ``<workbook>.answers.json``. nbgrader submit copies it with the
notebook, and autograde never overwrites it because no such file exists in
``source/``.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from datetime import datetime, timezone
from pathlib import Path

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

    def __init__(self, workbook: str, folder: Path | str | None = None):
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
        # Self-study only: exercise id -> {"value": answer checked, "earned": points}, so
        # the score a learner saw survives closing the notebook.
        self.checks: dict[str, dict] = {}
        self._load()

    def _load(self) -> None:
        if not self.persistent or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            answers = data["answers"]
            if not isinstance(answers, dict):
                raise TypeError("'answers' is not a mapping")
        except RecursionError:  # JSON nested thousands deep: no answers file looks so
            self._set_aside(_("it is nested too deeply to be an answers file"))
            return
        except (OSError, ValueError, KeyError, TypeError) as error:
            self._set_aside(str(error))
            return
        self._answers = {str(k): v.get("value") if isinstance(v, dict) else v
                         for k, v in answers.items()}
        self._saved = {str(k): v["saved"] for k, v in answers.items()
                       if isinstance(v, dict) and isinstance(v.get("saved"), str)}
        seed = data.get("seed")
        if isinstance(seed, int) and not isinstance(seed, bool):
            self._seed = seed  # files written before shuffling have none: one is made
        checks = data.get("checked")
        if isinstance(checks, dict):
            self.checks = {str(k): v for k, v in checks.items()
                           if isinstance(v, dict) and isinstance(v.get("earned"), (int, float))}

    @property
    def seed(self) -> int:
        """This trainee's shuffle seed; a new one is written to the file at once, so that
        the options keep their order when the notebook is opened again."""
        if self._seed is None:
            self._seed = secrets.randbelow(2**31)
            if not self.problem:  # a damaged file was set aside: the next answer writes
                try:
                    self._write()
                except OSError:
                    pass  # a read-only folder: the order holds for this session, and the
                    # first answer saved reports the problem as before
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
        self._write()

    def clear(self, exercise_id: str) -> None:
        self._saved.pop(exercise_id, None)
        if self._answers.pop(exercise_id, None) is not None:
            self._write()

    def set_check(self, exercise_id: str, value, earned: float | None) -> None:
        """Keep (or, with earned None, forget) a self-study check of this answer."""
        if earned is None:
            if self.checks.pop(exercise_id, None) is None:
                return
        else:
            self.checks[exercise_id] = {"value": value, "earned": earned}
        self._write()

    def _write(self) -> None:
        if not self.persistent:
            return
        # Each answer keeps the time it was last changed, not the time of this write.
        data = {
            "format": FORMAT_VERSION,
            "workbook": self.workbook,
            "seed": self.seed,
            "answers": {k: {"value": v, "saved": self._saved.get(k)}
                        for k, v in sorted(self._answers.items())},
        }
        if self.checks:
            data["checked"] = dict(sorted(self.checks.items()))
        # Write to a temporary file and rename it, so a crash never leaves half a file.
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".answers-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, ensure_ascii=False)
            out.write("\n")
        os.replace(temp, self.path)
