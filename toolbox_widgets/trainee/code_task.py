"""Optional code exercises for the data-curious: the trainee computes a value with
pandas; ``status(value)`` saves it to the answers file as a widget would, and the
grader scores that saved value (the hidden test calls the same scorer)."""

from __future__ import annotations

from . import feedback as words
from . import scoring
from .answers import nbgrader_mode
from .exercises import NotGraded
from .i18n import _
from .recorder import record, recording
from .scoring import matches

__all__ = ["CodeTask", "matches"]


class CodeTask:
    """A named code exercise. ``status(value)`` is visible; ``grade`` is hidden."""

    code = "code_task"

    def __init__(self, exercise_id: str, prompt: str = "", *, points: float = 1, book=None,
                 self_study: bool = False):
        self.id = exercise_id
        self.prompt = prompt
        self.points = points
        self.book = book
        self.self_study = self_study  # the hidden check runs in front of the learner
        if recording():
            record({"event": "define", "definition": self.definition()})

    def __repr__(self):
        return f"CodeTask({self.id!r}, {self.points} points)"

    def definition(self) -> dict:
        return {"kind": self.code, "workbook": self.book.name if self.book else "",
                "id": self.id, "points": self.points}

    def status(self, value) -> None:
        saved = scoring.json_safe(value)
        if self.book is not None and not recording():
            # Saved as a widget saves its answer: the grader scores this value.
            if saved is None:
                self.book.store.clear(self.id)
            else:
                self.book.store.set(self.id, saved)
        if value is None:
            message = scoring.not_answered(self.definition())
            if self.self_study:  # no submitting: the check is in this very cell
                message = _(words.CODE_TASK_OPEN).format(id=self.id)
            # Validate lists only what is still required: a blank bonus task is noted
            # on stdout, never as a failure. Autograde still scores it 0.
            if nbgrader_mode() == "autograde":
                raise NotGraded(message)
            print("○ " + message)
        elif saved is None:
            print(_("✘ Code task {id}: {problem}").format(id=self.id,
                                                           problem=scoring.cannot_keep(value)))
        elif self.self_study:
            print(_(words.CODE_TASK_SAVED).format(id=self.id, value=scoring._short(value)))
        else:
            print(scoring.saved(self.definition(), value))

    def grade(self, value, expected, *, tolerance: float = 0.0, why: str = "") -> float:
        if recording():
            key = scoring.json_safe(expected)
            if key is None:
                raise ValueError(f"code task {self.id}: the expected value cannot be recorded")
            record({"event": "key", "workbook": self.definition()["workbook"], "id": self.id,
                    "key": key, "why": why, "options": {"tolerance": tolerance},
                    "answer": scoring.json_safe(value)})
            return float(self.points)
        if self.self_study and value is None:
            return 0.0  # not tried yet: keep the explanation for after a try
        earned, text = scoring.grade(self.definition(), value, expected, why,
                                     tolerance=tolerance)
        if not earned and nbgrader_mode():
            raise NotGraded(text)
        print(text)
        return earned
