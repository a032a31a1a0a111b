"""The class journey, for the instructor dashboard: per module, how many trainees started,
finished and passed, and the notebook where most of those who did not finish stop.

Read from the gradebook only (``command.gradebook_scores``: a module's languages count as
one module, a trainee's latest submission counts). The words are the gradebook's:

* started: the trainee submitted the module (in any language);
* finished: every notebook of the module that carries points earned at least one point
  (a notebook left blank earns none; one answered all wrong looks the same);
* passed: the module's total is at least the pass mark (a share of its points; written
  reflections count once they are marked in Formgrader);
* stops at: the first notebook, in the module's order, that earned no point.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..course import layout


@dataclass
class ModuleJourney:
    module: str
    trainees: int  # in the gradebook
    started: int = 0
    finished: int = 0
    passed: int = 0
    stops: Counter = field(default_factory=Counter)  # notebook -> trainees who stop there

    @property
    def stop(self) -> tuple[str, int] | None:
        """The notebook most left unfinished and how many stop there (None if nobody)."""
        return self.stops.most_common(1)[0] if self.stops else None

    def words(self, pass_mark: float) -> str:
        text = (f"{self.module}: {self.started} of {self.trainees} trainees started, "
                f"{self.finished} finished, {self.passed} passed (at least {pass_mark:g}% of "
                "the points)")
        if self.stop:
            notebook, count = self.stop
            text += (f"; of those who did not finish, {count} stop at {notebook} "
                     f"(the first notebook where they earned no point)")
        return text + "."


def module_journey(module: str, columns, rows, trainees: int,
                   pass_share: float) -> ModuleJourney:
    """The journey of one module from gradebook_scores' columns and rows."""
    journey = ModuleJourney(module, trainees)
    (_, most), *notebooks = columns
    for row in rows:
        total, *scores = row["scores"]
        journey.started += 1
        unfinished = [title.split(": ", 1)[1] for (title, points), score
                      in zip(notebooks, scores) if points > 0 and not (score or 0) > 0]
        if unfinished:
            journey.stops[unfinished[0]] += 1
        else:
            journey.finished += 1
        if most > 0 and (total or 0) >= pass_share * most - 1e-9:
            journey.passed += 1
    return journey


def class_journey(url: str, pass_share: float = 0.7) -> list[ModuleJourney]:
    """Every module in the gradebook, in the course's order."""
    from nbgrader.api import Gradebook

    from .command import gradebook_scores

    with Gradebook(url) as gradebook:
        names = [a.name for a in gradebook.assignments]
        trainees = len(gradebook.students)
    found = []
    for module in layout.MODULES:
        languages = sorted(n for n in names if layout.module_of(n) == module)
        if not languages:
            continue
        columns, rows = gradebook_scores(url, module if module in languages else languages[0])
        found.append(module_journey(module, columns, rows, trainees, pass_share))
    return found
