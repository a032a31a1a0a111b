"""Synthetic trainees: read the instructor's solutions, answer a student notebook
through the widgets' own change path, and describe the scores they must get."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ANSWER_CALL = re.compile(r"^(\w+)\.answer\((.*)\)\s*$", re.DOTALL)
CODE_STATUS = re.compile(r"^\w+\.status\(\w", re.MULTILINE)  # t1.status(value)
WORKBOOK = re.compile(r"Workbook\(\s*[\"']([^\"']+)[\"']")

# Runs inside the trainee's kernel: sets the controls exactly as a click or a
# keystroke does (a traitlet change that the exercise observes and saves).
CLICK = '''
def _click(exercise, value):
    exercise._show(exercise._normalize(value))
    if hasattr(exercise, "press_lock"):  # a stepper's step: then press "Lock my choice"
        exercise.press_lock()
'''


def solution_regions(cell_source: str) -> list[str]:
    """The instructor's solution text(s) in one cell."""
    return re.findall(rf"{re.escape(BEGIN)}\n(.*?)\n?{re.escape(END)}", cell_source, re.DOTALL)


@dataclass
class Exercise:
    """One graded part of a notebook, as the instructor version defines it."""

    grade_id: str  # the test cell (or task cell) that carries the points
    points: float
    exercise_id: str | None = None  # widget exercises
    answer_expr: str | None = None  # e.g. '"B"' from q1.answer("B")
    code: str | None = None  # code tasks: the solution lines
    answer_cell: str | None = None  # grade_id of the cell holding the answer
    manual: bool = False


@dataclass
class NotebookKey:
    name: str  # file stem
    workbook: str = ""  # the answers file is <workbook>.answers.json
    exercises: list[Exercise] = field(default_factory=list)

    @property
    def answers_file(self) -> str:
        return f"{self.workbook}.answers.json"

    @property
    def auto(self) -> list[Exercise]:
        return [e for e in self.exercises if not e.manual]

    @property
    def auto_points(self) -> float:
        return sum(e.points for e in self.auto)


def read_key(instructor_notebook: Path) -> NotebookKey:
    """Pair every test cell with the answer cell above it."""
    notebook = nbformat.read(instructor_notebook, as_version=4)
    key = NotebookKey(instructor_notebook.stem)
    named = WORKBOOK.search("\n".join(c.source for c in notebook.cells if c.cell_type == "code"))
    key.workbook = named.group(1) if named else ""
    pending: list[tuple[str, str]] = []  # (answer cell id, solution text)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            pending += [(meta["grade_id"], text) for text in solution_regions(cell.source)]
        if meta.get("task"):
            key.exercises.append(Exercise(meta["grade_id"], float(meta["points"]), manual=True))
        if meta.get("grade") and cell.cell_type == "code" and not float(meta.get("points", 0)):
            continue  # a 0-point check (the progress cell), not an exercise
        if meta.get("grade") and cell.cell_type == "code":
            answer_cell, text = pending.pop() if pending else (None, "")
            exercise = Exercise(meta["grade_id"], float(meta["points"]), answer_cell=answer_cell)
            call = ANSWER_CALL.match(text.strip())
            if call:
                exercise.exercise_id, exercise.answer_expr = call.group(1), call.group(2)
            else:
                exercise.code = text
            key.exercises.append(exercise)
            pending.clear()
    return key


def answer_with_widgets(student_notebook: Path, answers: dict[str, str],
                        timeout: int = 120) -> None:
    """Run the trainee's notebook, then 'click' each answer into its widget.

    answers maps an exercise id to a Python expression of the value. The answers
    file is written next to the notebook by the exercises themselves.
    """
    notebook = nbformat.read(student_notebook, as_version=4)
    clicks = nbformat.v4.new_code_cell("\n".join(
        [CLICK] + [f"_click({eid}, {expr})" for eid, expr in answers.items()]))
    # Usually only the cells that make the workbook and its exercises need to run,
    # which saves minutes; an exercise built from teaching-cell variables needs all.
    # A code task's test cell runs too: t.status(value) saves the trainee's value.
    short = [c for c in notebook.cells if c.cell_type == "code" and (
        "Workbook(" in c.source or c.metadata.get("nbgrader", {}).get("solution")
        or CODE_STATUS.search(c.source))]
    for cells in (short, notebook.cells):
        run = nbformat.v4.new_notebook(cells=[*cells, clicks], metadata=notebook.metadata)
        client = NotebookClient(run, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(student_notebook.parent)}})
        try:
            client.execute()
            return
        except CellExecutionError as error:
            failure = error
    raise RuntimeError(f"answering {student_notebook.name} failed: {failure}")


def write_code_answer(student_notebook: Path, answer_cell: str, code: str) -> None:
    """Type code into an answer cell, under the stub, as a trainee would."""
    notebook = nbformat.read(student_notebook, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == answer_cell:
            cell.source = cell.source.rstrip("\n") + "\n" + code
            break
    else:
        raise KeyError(f"no answer cell {answer_cell} in {student_notebook.name}")
    nbformat.write(notebook, student_notebook)


def copy_student_files(release_folder: Path, trainee_folder: Path) -> None:
    shutil.copytree(release_folder, trainee_folder, dirs_exist_ok=True)
