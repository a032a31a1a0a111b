"""What the student version looks like in JupyterLab: the code that only builds an
exercise, a chart or a table is collapsed (its output stays in view; its first line, a
comment saying what it shows, stays visible), and so are the test cells
that only check an exercise (`q1.status()`) or list what is left (`book.progress()`):
the exercise's own line already says where it stands. Teaching code, optional code tasks
(their `t1.status(value)` cell is the trainee's to run) and the trainee's own cells stay
open."""

from __future__ import annotations

import re
from pathlib import Path


# The Workbook methods that make an exercise; code_task is left out on purpose.
EXERCISES = ("single_choice", "multiple_choice", "numeric", "matching", "ordering",
             "reflection", "self_assessment", "rating_grid")
_BUILDS = re.compile(r"\bshow_(?:chart|table)\(|\bbook\.(?:%s)\(" % "|".join(EXERCISES)
                     # the profile builder (Module 1): its menus, and a profile's charts
                     + r"|\bprofiles\.\w+_builder\(|^\w+\.show\(\)", re.MULTILINE)
# What a test cell of an exercise or the progress cell holds once nbgrader removed the tests.
_CHECKS = re.compile(r"\A\s*(?:\w+\.status\(\)|book\.progress\(\))\s*\Z")


def builds_control_or_chart(cell) -> bool:
    """True for a course cell (nbgrader metadata) that makes an exercise, a chart or a table."""
    return (cell.cell_type == "code" and bool(cell.metadata.get("nbgrader"))
            and "book.code_task(" not in cell.source and bool(_BUILDS.search(cell.source)))


def only_checks(cell) -> bool:
    """True for a test cell that shows nothing but an exercise's status or the progress."""
    return (cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("grade"))
            and bool(_CHECKS.match(cell.source)))


SELF_STUDY_TAG = "self-study"  # a Markdown cell written for the self-study version only


def collapse_builder_code(path: Path) -> None:
    """Mark such cells' input as hidden (JupyterLab's ``jupyter.source_hidden``), and
    leave out the cells written for the self-study version (see selfstudy.py)."""
    import nbformat  # here, not at the top: the kernel imports this module, and
    # nbformat's jsonschema costs seconds of every trainee's Run All
    notebook = nbformat.read(path, as_version=4)
    kept = [c for c in notebook.cells if SELF_STUDY_TAG not in c.metadata.get("tags", [])]
    changed = len(kept) != len(notebook.cells)
    notebook.cells = kept
    for cell in notebook.cells:
        if builds_control_or_chart(cell) or only_checks(cell):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            changed = True
    if changed:
        nbformat.write(notebook, path)
