"""nbgrader's generate_assignment, run in this process: the student version (release/)
of one assignment, from its instructor version (source/).

One nbgrader application per process and course folder, configured exactly as the command
`nbgrader generate_assignment` run from the course folder would be (nbgrader_config.py and
Jupyter's configuration folders), serves every assignment: starting nbgrader (importing it,
reading its configuration) took longer than making the student version of a module.

With ``gradebook=False`` nbgrader does not record the assignment's cells in gradebook.db
(its own ``--no-db``): it checks and writes the same student version, and only the
recording is left out. `mld build --check` builds into a scratch folder whose gradebook
is thrown away, and each recorded cell cost a database commit, most of the build's time.
"""

from __future__ import annotations

import io
import logging
import os
import traceback
from pathlib import Path

_APPS: dict[tuple[Path, bool], object] = {}


def preload() -> None:
    """Import nbgrader now: processes forked afterwards share it instead of each paying
    for the import."""
    import nbgrader.apps  # noqa: F401
    import nbgrader.converters  # noqa: F401


def _app(root: Path, gradebook: bool):
    """The nbgrader application for root: made once per process."""
    if (root, gradebook) not in _APPS:
        from nbgrader.apps import GenerateAssignmentApp

        app = GenerateAssignmentApp()
        here = os.getcwd()
        os.chdir(root)  # nbgrader reads nbgrader_config.py from the working folder
        try:
            app.initialize(["--force", "--log-level=WARN", *([] if gradebook else ["--no-db"])])
        finally:
            os.chdir(here)
        for handler in list(app.log.handlers):  # its messages go into the error below
            app.log.removeHandler(handler)
        _APPS[root, gradebook] = app
    return _APPS[root, gradebook]


def generate_assignment(root: Path, assignment: str, code_stub: str,
                        gradebook: bool = True) -> None:
    """release/<assignment>/ from source/<assignment>/, as `nbgrader generate_assignment
    <assignment> --force` makes it, with code_stub where the solutions were (the
    assignment's language). RuntimeError, with nbgrader's own messages, if it cannot."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.utils import temp_attrs

    app = _app(Path(root).resolve(), gradebook)
    # The converter reads the app's configuration when it is made: set for this assignment.
    app.config.ClearSolutions.code_stub = {"python": code_stub}
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    app.log.addHandler(handler)
    try:
        with temp_attrs(app.coursedir, assignment_id=assignment):
            GenerateAssignment(coursedir=app.coursedir, parent=app).start()
    except (Exception, SystemExit) as error:  # nbgrader logs what went wrong, then raises
        said = log.getvalue() or traceback.format_exc()
        raise RuntimeError(f"nbgrader could not make the student version of {assignment}:\n"
                           f"{said}{type(error).__name__}: {error}") from None
    finally:
        app.log.removeHandler(handler)
