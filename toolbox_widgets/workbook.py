"""One Workbook per notebook: it owns the answers file and makes the exercises."""

from __future__ import annotations

from pathlib import Path

from .answers import AnswerStore
from .charts import use_course_renderers
from .code_task import CodeTask
from .exercises import Matching, MultipleChoice, NumericAnswer, Ordering, SingleChoice
from .recorder import recording
from .open_ended import Reflection, SelfAssessment


class Workbook:
    """The exercises of one notebook, and the file where their answers are saved.

    >>> book = Workbook("core_01_why_local")          # doctest: +SKIP
    >>> q1 = book.single_choice("q1", "Which ...?", ["one", "two"])  # doctest: +SKIP
    """

    def __init__(self, name: str, folder: Path | str | None = None):
        self.name = name
        self.store = AnswerStore(name, folder)
        if recording():  # the grader reading the instructor's notebook: keep nothing
            self.store.persistent = False
        self.exercises: dict[str, object] = {}
        use_course_renderers()
        if self.store.problem:
            print("! " + self.store.problem)

    def _add(self, exercise):
        self.exercises[exercise.id] = exercise
        return exercise

    def single_choice(self, exercise_id, prompt, options, **kwargs) -> SingleChoice:
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

    def code_task(self, exercise_id, prompt="", *, points=1) -> CodeTask:
        return self._add(CodeTask(exercise_id, prompt, points=points, book=self))

    def progress(self) -> None:
        """Print which graded exercises are answered, for a trainee about to submit."""
        graded = [e for e in self.exercises.values()
                  if hasattr(e, "practice") and not e.practice and e.points]
        answered = [e for e in graded if e.value is not None]
        print(f"{len(answered)} of {len(graded)} graded exercises answered in {self.name}"
              " (optional code tasks are not counted here).")
        for exercise in graded:
            done = exercise.value is not None
            print(f"  {'✔ answered' if done else '○ not answered'}: exercise {exercise.id}")
