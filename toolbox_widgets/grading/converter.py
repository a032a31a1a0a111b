"""nbgrader's own Autograde converter, split in two around the execution.

Stock autograde does, per submission: init_destination, init_assignment (student,
submission, copies, zero for missing notebooks), then per notebook a sanitize pass
and an autograde pass (Execute, IgnorePattern, ClearMetadata, LimitOutput,
SaveAutoGrades, AssignLatePenalties, CheckCellMetadata). Here `prepare` does the
first part and the sanitize pass; the notebooks are executed elsewhere; `record`
writes the executed notebooks into autograded/ and runs the autograde pass without
Execute. All gradebook and file work is nbgrader's code, in this one process.
"""

from __future__ import annotations

import json
import os
import traceback

import jsonschema
from nbconvert.writers import FilesWriter
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from nbgrader.nbgraderformat import common as nbgrader_format
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells

from .scores import protected


class SubmissionFailed(Exception):
    """A submission that nbgrader could not process; the message says why."""


class SplitAutograde(Autograde):

    def setup(self) -> list[str]:
        """Find submissions as nbgrader does; return the student ids, sorted."""
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        self._found = dict(self.assignments)
        self._kept: dict[str, list[str]] = {}
        return sorted(self._student(path) for path in self._found)

    def _student(self, path: str) -> str:
        return os.path.basename(os.path.dirname(os.path.normpath(path)))

    def _path(self, student: str) -> str:
        return next(p for p in self._found if self._student(p) == student)

    def _init_preprocessors(self) -> None:
        self.exporter._preprocessors = []
        # Hidden tests never reach the sandbox, and grades come from the submitted
        # answers file, whatever nbgrader_config.py says (scores.py).
        sanitize, autograde = protected(self.sanitize_preprocessors, self.autograde_preprocessors)
        if self._sanitizing:
            preprocessors = sanitize
        else:  # the notebook was executed in the sandbox already
            preprocessors = [p for p in autograde if not issubclass(p, Execute)]
        for pp in preprocessors:
            self.exporter.register_preprocessor(
                OverwriteCellsFromOneQuery if pp is OverwriteCells else pp)

    def _fail(self, student: str, reason: str) -> SubmissionFailed:
        dest = os.path.normpath(self._format_dest(self.coursedir.assignment_id, student))
        if os.path.exists(dest):  # as nbgrader's _handle_failure
            utils.rmtree(dest)
        return SubmissionFailed(reason)

    def prepare(self, student: str) -> tuple[str, list[str]]:
        """Sanitize one submission into autograded/. Returns (its folder, notebook files)."""
        assignment = self.coursedir.assignment_id
        self.notebooks = sorted(self._found[self._path(student)])
        try:
            self.force = True  # the journal, not the folder's age, says what to grade
            self.init_destination(assignment, student)
            self.run_pre_convert_hook()
            self.init_assignment(assignment, student)
            for notebook in self.notebooks:
                self._sanitizing = True
                self._init_preprocessors()
                BaseConverter.convert_single_notebook(self, notebook)
        except Exception as err:
            self.log.debug(traceback.format_exc())
            raise self._fail(student, _reason(err)) from err
        self._kept[student] = [os.path.basename(n) for n in self.notebooks]
        return self._format_dest(assignment, student), self._kept[student]

    def record(self, student: str, executed: dict[str, str]) -> None:
        """Write executed notebooks and let nbgrader save their grades."""
        assignment = self.coursedir.assignment_id
        dest = self._format_dest(assignment, student)
        try:
            for name in self._kept.pop(student):
                path = os.path.join(dest, name)
                if os.path.exists(path):
                    os.remove(path)  # written read-only by nbgrader
                with open(path, "w", encoding="utf-8") as file:
                    file.write(executed[name])
                self._sanitizing = False
                self._init_preprocessors()
                try:
                    with utils.setenv(NBGRADER_EXECUTION="autograde"):
                        BaseConverter.convert_single_notebook(self, path)
                finally:
                    self._sanitizing = True
            self.set_permissions(assignment, student)
            self.run_post_convert_hook()
        except Exception as err:
            self.log.debug(traceback.format_exc())
            raise self._fail(student, _reason(err)) from err


class _NotebookCells:
    """The gradebook as OverwriteCells uses it, with the notebook's source and grade
    cells read once: nbgrader queries the database twice for every cell of every
    submitted notebook. The same session's objects are returned; a name not found
    goes to the database as before (which raises MissingEntry as before)."""

    def __init__(self, gradebook: Gradebook, notebook: str, assignment: str):
        self._gradebook = gradebook
        found = gradebook.find_notebook(notebook, assignment)
        self._source = {cell.name: cell for cell in found.source_cells}
        self._graded = {cell.name: cell for cell in found.grade_cells}

    def find_source_cell(self, name: str, notebook: str, assignment: str):
        cell = self._source.get(name)
        return cell if cell is not None else self._gradebook.find_source_cell(
            name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        cell = self._graded.get(name)
        return cell if cell is not None else self._gradebook.find_graded_cell(
            name, notebook, assignment)

    def __getattr__(self, name: str):
        return getattr(self._gradebook, name)


class OverwriteCellsFromOneQuery(OverwriteCells):
    """nbgrader's OverwriteCells, unchanged but for where it reads the cells from."""

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        with Gradebook(self.db_url) as gradebook:
            try:
                self.gradebook = _NotebookCells(gradebook, self.notebook_id,
                                                self.assignment_id)
            except MissingEntry:
                self.gradebook = gradebook
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


def _reason(err: Exception) -> str:
    """One line an instructor can act on."""
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    if "NotJSONError" in type(err).__name__ or "not valid json" in first.lower() or \
            "Notebook does not appear to be JSON" in first:
        return f"a notebook is not valid JSON ({first[:120]})"
    return f"{type(err).__name__}: {first[:200]}"


class _SchemaCheckedOnce:
    """Stands in for the `jsonschema` module in nbgrader's metadata validator.

    nbgrader checks every cell's metadata with ``jsonschema.validate(metadata, schema)``,
    which first validates nbgrader's own schema against the JSON Schema meta-schema,
    again for every cell: on the Core notebooks that was about a third of the
    grader's time. Here each schema is checked once, and each cell exactly as before
    (same validator class, same errors).
    """

    def __init__(self):
        self._validators: dict[str, jsonschema.protocols.Validator] = {}

    def validate(self, instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


nbgrader_format.jsonschema = _SchemaCheckedOnce()
