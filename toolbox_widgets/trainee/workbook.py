"""One Workbook per notebook: it owns the answers file and makes the exercises."""

from __future__ import annotations

import html
import random
from pathlib import Path

from IPython.display import display

from . import feedback as words
from .answers import AnswerStore, nbgrader_mode
from .charts import use_course_renderers
from .code_task import CodeTask
from .exercises import (
    Matching,
    MultipleChoice,
    NotGraded,
    NumericAnswer,
    Ordering,
    SingleChoice,
    StatusLine,
)
from .i18n import _, ngettext, use_language
from .recorder import recording
from .open_ended import Reflection, SelfAssessment
from .ratings import RatingGrid
from .stepper import LockedChoice


class Workbook:
    """The exercises of one notebook, and the file where their answers are saved.

    >>> book = Workbook("core_01_why_local")          # doctest: +SKIP
    >>> q1 = book.single_choice("q1", "Which ...?",
    ...                         {"first": "one", "second": "two"})  # doctest: +SKIP

    ``language="fr"`` (the setup cell of a French build) shows the package's own words
    (feedback, status lines, Validate and progress messages, numbers) in French.
    """

    def __init__(self, name: str, folder: Path | str | None = None, *,
                 self_study: bool = False, language: str | None = None):
        note = use_language(language)
        if note:
            print("! " + note)
        self.name = name
        self.store = AnswerStore(name, folder, self_study=self_study)
        if recording():  # the grader reading the instructor's notebook: keep nothing
            self.store.persistent = False
        self.exercises: dict[str, object] = {}
        # The self-study version: graded exercises are checked at once, the score shown.
        self.self_study = self_study
        # exercise id -> points earned at its last check; kept in the answers file, so the
        # score survives closing the notebook (a check counts while its answer is unchanged)
        self.checked: dict[str, float] = {
            k: float(c["earned"]) for k, c in self.store.checks.items()
            if self.self_study and c.get("value") == self.store.get(k)}
        self.score = StatusLine()
        use_course_renderers()
        if self.store.problem:
            print("! " + self.store.problem)

    def _add(self, exercise):
        self.exercises[exercise.id] = exercise
        return exercise

    def single_choice(self, exercise_id, prompt, options, *, lock=False,
                      **kwargs) -> SingleChoice:
        """``lock=True``: a stepper's step, saved only when the trainee locks the choice;
        its stories come from the hidden test (stepper.py)."""
        if lock:
            return self._add(LockedChoice(self, exercise_id, prompt, options, **kwargs))
        return self._add(SingleChoice(self, exercise_id, prompt, options, **kwargs))

    def multiple_choice(self, exercise_id, prompt, options, **kwargs) -> MultipleChoice:
        return self._add(MultipleChoice(self, exercise_id, prompt, options, **kwargs))

    def numeric(self, exercise_id, prompt, **kwargs) -> NumericAnswer:
        return self._add(NumericAnswer(self, exercise_id, prompt, **kwargs))

    def matching(self, exercise_id, prompt, left, right, **kwargs) -> Matching:
        return self._add(Matching(self, exercise_id, prompt, left, right, **kwargs))

    def ordering(self, exercise_id, prompt, items, **kwargs) -> Ordering:
        return self._add(Ordering(self, exercise_id, prompt, items, **kwargs))

    def reflection(self, exercise_id, prompt, **kwargs) -> Reflection:
        return self._add(Reflection(self, exercise_id, prompt, **kwargs))

    def self_assessment(self, exercise_id, prompt, statements, **kwargs) -> SelfAssessment:
        return self._add(SelfAssessment(self, exercise_id, prompt, statements, **kwargs))

    def rating_grid(self, exercise_id, prompt, items, scales, **kwargs) -> RatingGrid:
        return self._add(RatingGrid(self, exercise_id, prompt, items, scales, **kwargs))

    def code_task(self, exercise_id, prompt="", *, points=1) -> CodeTask:
        return self._add(CodeTask(exercise_id, prompt, points=points, book=self,
                                  self_study=self.self_study))

    def shuffled(self, exercise_id: str, count: int) -> list[int]:
        """The order (indices 0 … count-1) in which this trainee sees an exercise's
        options: from the seed in the answers file, so it differs between trainees and
        stays the same for one trainee."""
        order = list(range(count))
        random.Random(f"{self.store.seed}:{self.name}:{exercise_id}").shuffle(order)
        return order

    # --- the self-study score -----------------------------------------------------------
    def _scored(self) -> list:
        return [e for e in self.exercises.values() if getattr(e, "auto_graded", False)
                and not e.practice and e.points]

    def record_check(self, exercise, share: float) -> str:
        """Keep the points of a checked answer; return the score line's words."""
        self.checked[exercise.id] = round(exercise.points * max(0.0, min(1.0, share)), 2)
        self.store.set_check(exercise.id, exercise.value, self.checked[exercise.id])
        return self._show_score()

    def forget_check(self, exercise_id: str) -> None:
        if self.checked.pop(exercise_id, None) is not None:
            self.store.set_check(exercise_id, None, None)
            self._show_score()

    def score_text(self) -> str:
        scored = self._scored()
        if not scored:
            return _(words.SCORE_NOTHING)
        earned = sum(self.checked.get(e.id, 0.0) for e in scored)
        return _(words.SCORE).format(earned=words.points(earned),
                                  total=words.points(sum(e.points for e in scored)))

    def _show_score(self) -> str:
        text = self.score_text()
        detail = _(words.SCORE_DETAIL).format(
            checked=sum(e.id in self.checked for e in self._scored()), count=len(self._scored()))
        lines = []
        for exercise in self._scored():
            if exercise.id in self.checked:
                earned = self.checked[exercise.id]
                sign, _verdict = exercise._verdict(earned / exercise.points)
                line = _(words.SCORE_LINE).format(sign=sign, exercise=exercise.id,
                                               earned=words.points(earned),
                                               total=words.points(exercise.points))
            else:
                line = _(words.SCORE_OPEN).format(exercise=exercise.id)
            lines.append(f"<li>{html.escape(line)}</li>")
        self.score.value = (f'<div role="status" aria-live="polite"><p><strong>'
                            f"{html.escape(text)}</strong> {html.escape(detail)}</p>\n"
                            f'<ul>{chr(10).join(lines)}</ul></div>')
        return text

    def progress(self) -> None:
        """Print which graded exercises are answered, for a trainee about to submit.

        In the self-study version: the score instead, kept up to date at every check.

        The progress cell is a 0-point nbgrader test cell: under Validate it fails
        with the list of required items still open, written reflections included
        (their own task cells are markdown, which Validate cannot check).
        """
        if self.self_study:
            self._show_score()
            display(self.score)
            return
        graded = [e for e in self.exercises.values()
                  if hasattr(e, "practice") and not e.practice and e.points]
        answered = [e for e in graded if e.value is not None]
        missing = [e for e in graded if e.value is None]
        if missing and nbgrader_mode() == "validate":
            raise NotGraded(
                _("Still to do before you submit: {items}. Optional code tasks are not "
                  "required.").format(items="; ".join(_item_name(e) for e in missing)))
        print(ngettext(
            "{answered} of {count} graded exercise answered in {workbook} (optional code "
            "tasks are not counted here).",
            "{answered} of {count} graded exercises answered in {workbook} (optional code "
            "tasks are not counted here).", len(graded)).format(
            answered=len(answered), count=len(graded), workbook=self.name))
        for exercise in graded:
            if exercise.value is not None:
                print("  " + _("answered (saved): {item}").format(item=_item_name(exercise)))
            else:
                print("  " + _("○ not answered: {item}").format(item=_item_name(exercise)))


def _item_name(exercise) -> str:
    """How a trainee knows the item: "reflection r1" or "exercise q2"."""
    if isinstance(exercise, Reflection):
        return _("reflection {id}").format(id=exercise.id)
    return _("exercise {id}").format(id=exercise.id)
