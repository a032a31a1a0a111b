"""Each exercise is written once: the build checks the places where it is written twice.

An exercise's points are written in code (``points=``) and in nbgrader's metadata of its
graded test cell; its key is written in the instructor's solution (``qN.answer(...)``) and
in the hidden test (``qN.grade(key)``). Both pairs are read by running the instructor's
notebook in recording mode (grading/keys.py, cached by the notebook's hash, and shared
with the grader), never by parsing code. A pair that disagrees stops the build.

The same recording feeds the fair-key audit (fair_keys.py), which only warns.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..grading import keys as recorded
from ..trainee import scoring


# An explanation that names an option by a letter or position ("B is", "A and C", "option D"):
# the trainee sees the options shuffled and without letters, so it must use their words.
LETTER_REFERENCE = re.compile(
    r"\b[A-F] (?:is|are|and [A-F])\b|\b[A-F], [A-F]\b|\b[Oo]ptions? [A-F]\b"
    r"|(?:^|[.!?:;]\s+)[B-F] [a-z]|\b[Ll]etter [A-F]\b")


def letter_references(text: str) -> list[str]:
    """The places in a trainee-visible text that name an option by a bare letter."""
    return [match.group().strip() for match in LETTER_REFERENCE.finditer(text or "")]


def course_keys(root: Path, assignment: str) -> dict[str, dict]:
    """{notebook name: its recorded graded cells} for one built assignment (source/)."""
    cache = recorded.cache_folder(root, assignment)
    notebooks = sorted((root / "source" / assignment).glob("*.ipynb"))
    # side by side, one warm kernel per core (as mld grade records them); then from the cache
    recorded.record_all(notebooks, cache, os.cpu_count() or 1)
    return {notebook.name: recorded.recorded_keys(notebook, cache) for notebook in notebooks}


def disagreements(notebook: str, cells: dict[str, dict]) -> list[str]:
    """One sentence per drift in one notebook's recorded cells, naming the fix."""
    problems = []
    for grade_id, cell in sorted(cells.items()):
        definition = cell["definition"]
        exercise = definition["id"]
        in_code, in_metadata = definition["points"], cell.get("points")
        if in_metadata is None or float(in_code) != float(in_metadata):
            problems.append(
                f"{notebook}, exercise {exercise}: the code gives it {in_code} points "
                f"(points=) but nbgrader's metadata of its test cell {grade_id} gives "
                f"{in_metadata}. Make them the same (in the cell toolbar, Create Assignment).")
        if cell.get("letters"):
            problems.append(
                f"{notebook}, exercise {exercise}: its hidden test ({exercise}.grade(...)) names "
                f"options by letters. Name them by their ids, as in the dict of the exercise.")
        found = letter_references(cell.get("why", ""))
        if found:
            problems.append(
                f"{notebook}, exercise {exercise}: its explanation names options by letters "
                f"({', '.join(map(repr, found))}), but the trainee sees the options shuffled and "
                "without letters. Name each option by its words (a short quote or paraphrase).")
        share, _ = scoring.score(definition, cell.get("answer"), cell["key"],
                                 **cell.get("options", {}))
        if share < 1:
            problems.append(
                f"{notebook}, exercise {exercise}: the instructor's solution "
                f"({exercise}.answer(...)) earns {share:.0%} against the key of its hidden test "
                f"in {grade_id}. Make the solution and {exercise}.grade(...) give the same answer.")
    return problems


def check(root: Path, assignments: list[str]) -> tuple[list[str], dict[str, dict]]:
    """Every drift in the given (English) assignments built under root, and the recorded
    keys {assignment: {notebook: cells}}. Translations share the English keys."""
    problems, keys = [], {}
    for assignment in assignments:
        try:
            keys[assignment] = course_keys(root, assignment)
        except recorded.KeysError as error:  # a notebook that records no usable key
            problems.append(str(error))
            continue
        for notebook, cells in keys[assignment].items():
            problems += disagreements(f"{assignment}/{notebook}", cells)
    return problems, keys
