"""Every point computed where no trainee code ever ran.

Two nbgrader preprocessors, used by ``mld grade`` always and by ``nbgrader autograde``
and Formgrader's Autograde button through ``nbgrader_config.py``:

* ``StripHiddenTests`` (last of the sanitize pass): the notebook that is executed has
  its hidden-test regions removed, as in the student version, so neither the keys nor
  the hidden tests ever reach trainee code.
* ``ScoreFromAnswers`` (after the execution, before ``SaveAutoGrades``): the grader
  reads the answers file as it was submitted (never the copy the notebook could change),
  scores each graded test cell with toolbox_widgets/trainee/scoring.py and the keys recorded
  from the instructor's notebook (keys.py), and writes into the cell the instructor's
  source and the outputs that ``SaveAutoGrades`` reads: the feedback with the points as
  partial credit, or an error with one plain sentence for 0. Whatever trainee code did
  in its kernel, these outputs replace it.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import textwrap
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from ..trainee import scoring
from ..trainee.answers import SUFFIX
from .keys import cache_folder, record_all, recorded_keys

MAX_BYTES = 2 * 1024 * 1024  # an answers file is a few kB; reflections included
MAX_DEPTH = 32  # the file nests 4 deep; deeper is not ours


class AnswersUnreadable(Exception):
    """The submitted answers file cannot be used; the message says why, in plain words."""


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings, without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def read_answers(path: Path) -> dict:
    """The answers of a submitted answers file: {exercise id: saved value}.

    A missing file means nothing was answered. A link, a device, a file too big, too
    deep or not the course's JSON raises AnswersUnreadable.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return {}
    if not stat.S_ISREG(info.st_mode):
        raise AnswersUnreadable("it is not a plain file (a link, a folder or a device)")
    if info.st_size > MAX_BYTES:
        raise AnswersUnreadable(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:  # replaced by a link since the lstat
        reason = "it is a link" if error.errno == errno.ELOOP else "it cannot be opened"
        raise AnswersUnreadable(reason) from None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise AnswersUnreadable("it is not a plain file")
        content = file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise AnswersUnreadable(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswersUnreadable("it is not text (UTF-8)") from None
    if _depth(text) > MAX_DEPTH:
        raise AnswersUnreadable("it is nested far deeper than an answers file")
    try:
        answers = json.loads(text)["answers"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise AnswersUnreadable("it is not a valid answers file (JSON)") from None
    if not isinstance(answers, dict):
        raise AnswersUnreadable("it is not a valid answers file (JSON)")
    return {str(k): v.get("value") if isinstance(v, dict) else v for k, v in answers.items()}


def _error(sentence: str) -> dict:
    # The shape of NotGraded under nbgrader: one plain sentence, no traceback.
    return nbformat.v4.new_output("error", ename="NotGraded", evalue=sentence,
                                  traceback=textwrap.wrap(f"✘ {sentence}", 76))


def cell_outputs(entry: dict, saved, execution_count=None) -> tuple[list, float]:
    """The outputs the instructor's test cell gives for a saved answer, and the points.

    The same shape as ``Exercise.grade`` (or ``CodeTask.grade``) under nbgrader: the
    status line and the feedback, with the points as partial credit; or, for 0 points,
    an error whose message is the plain sentence.
    """
    definition = entry["definition"]
    value = None
    if saved is not None:
        try:
            value = scoring.normalize(definition, saved)
        except (scoring.AnswerError, TypeError, ValueError):
            value = None  # a saved answer that does not fit the exercise: unanswered
    if value is None:
        return [_error(scoring.not_answered(definition))], 0.0
    earned, text = scoring.grade(definition, value, entry["key"], entry["why"],
                                 **entry["options"])
    status = scoring.saved(definition, value)
    if earned == 0:
        return [nbformat.v4.new_output("stream", name="stdout", text=status + "\n"),
                _error(text)], 0.0
    return [nbformat.v4.new_output("stream", name="stdout", text=f"{status}\n{text}\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(earned))},
                                   execution_count=execution_count)], earned


def unreadable_message(student: str, file_name: str, reason: str) -> str:
    return (f"The answers file {file_name} of trainee {student} could not be used: {reason}. "
            "Its exercises score 0. Ask the trainee to submit the notebook again with its "
            "answers file.")


def _course_directory(preprocessor):
    """The CourseDirectory of the converter running this preprocessor."""
    parent = preprocessor.parent
    while parent is not None:
        if getattr(parent, "coursedir", None) is not None:
            return parent.coursedir
        parent = getattr(parent, "parent", None)
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=preprocessor.config)


class StripHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, in the autograde sanitize pass: the notebook that
    runs trainee code keeps only the visible part of each test cell."""

    def preprocess_cell(self, cell, resources, cell_index):
        # Only test cells (the instructor's, put back by OverwriteCells) hold hidden tests;
        # the markers typed in a trainee's own cell are the trainee's text, not an error.
        if not utils.is_grade(cell):
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)


class ScoreFromAnswers(NbGraderPreprocessor):
    """Score every graded test cell from the submitted answers file (see module doc)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        coursedir = _course_directory(self)
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student,
                                               assignment))
        keys = recorded_keys(source / f"{notebook}.ipynb",
                             cache_folder(coursedir.root, assignment))
        files: dict[str, dict | str] = {}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            entry = keys.get(grade_id) if cell.cell_type == "code" else None
            if entry is None:
                continue
            definition = entry["definition"]
            file_name = f"{definition['workbook']}{SUFFIX}"
            if file_name not in files:
                try:
                    files[file_name] = read_answers(submitted / file_name)
                except AnswersUnreadable as problem:
                    files[file_name] = unreadable_message(student, file_name, str(problem))
                    self.log.warning(files[file_name])
            answers = files[file_name]
            cell.source = entry["source"]
            if isinstance(answers, str):
                cell.outputs = [_error(answers)]
            else:
                cell.outputs, _ = cell_outputs(entry, answers.get(definition["id"]),
                                               cell.get("execution_count"))
        return nb, resources


def protected(sanitize: list, autograde: list) -> tuple[list, list]:
    """nbgrader's two preprocessor lists, with StripHiddenTests and ScoreFromAnswers
    added where an instructor's configuration left them out."""
    sanitize, autograde = list(sanitize), list(autograde)
    if not any(isinstance(p, type) and issubclass(p, StripHiddenTests) for p in sanitize):
        sanitize.append(StripHiddenTests)
    if not any(isinstance(p, type) and issubclass(p, ScoreFromAnswers) for p in autograde):
        from nbgrader.preprocessors import SaveAutoGrades
        where = next((i for i, p in enumerate(autograde)
                      if isinstance(p, type) and issubclass(p, SaveAutoGrades)), len(autograde))
        autograde.insert(where, ScoreFromAnswers)
    return sanitize, autograde


def record_assignment_keys(coursedir, assignment: str) -> int:
    """Record (or find cached) the keys of every notebook of an assignment, before any
    submission is graded, so a notebook without keys stops the run at once. Returns how
    many notebooks were recorded (not found in the cache)."""
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    notebooks = sorted(source.glob("*.ipynb"))
    return record_all(notebooks, cache_folder(coursedir.root, assignment), os.cpu_count() or 1)
