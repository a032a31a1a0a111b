"""What the student version looks like in JupyterLab: the code that only builds an
exercise or a chart is collapsed (its output stays in view); teaching code, optional
code tasks and the trainee's own cells stay open."""

from __future__ import annotations

import re
from pathlib import Path


# The Workbook methods that make an exercise; code_task is left out on purpose.
EXERCISES = ("single_choice", "multiple_choice", "numeric", "matching", "ordering",
             "reflection", "self_assessment")
_BUILDS = re.compile(r"\bshow_chart\(|\bbook\.(?:%s)\(" % "|".join(EXERCISES))


def builds_control_or_chart(cell) -> bool:
    """True for a course cell (nbgrader metadata) that makes an exercise or a chart."""
    return (cell.cell_type == "code" and bool(cell.metadata.get("nbgrader"))
            and "book.code_task(" not in cell.source and bool(_BUILDS.search(cell.source)))


def collapse_builder_code(path: Path) -> None:
    """Mark such cells' input as hidden (JupyterLab's ``jupyter.source_hidden``)."""
    import nbformat  # here, not at the top: the kernel imports this module, and
    # nbformat's jsonschema costs seconds of every trainee's Run All
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for cell in notebook.cells:
        if builds_control_or_chart(cell):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            changed = True
    if changed:
        nbformat.write(notebook, path)


# After a notebook is reopened, its saved widget outputs point to widgets of a kernel
# that is gone, and JupyterLab writes "Error displaying widget: model not found" in
# place of each. Such an output is a widget node with text but no element inside; this
# rule shows a plain instruction there instead. It travels as a small HTML output of
# the setup cell, which JupyterLab applies in every notebook the trainee saved (trusted).
RUN_AGAIN = "Run this cell to show the exercise."
PAGE_STYLE = (
    "<style>"
    # visibility keeps the error text from screen readers too; ::before stays visible.
    ".jp-OutputArea-output.jupyter-widgets:not(:has(*)){font-size:0;visibility:hidden}"
    ".jp-OutputArea-output.jupyter-widgets:not(:has(*))::before{"
    f'content:"{RUN_AGAIN}";font-size:var(--jp-content-font-size1,14px);'
    "color:var(--jp-content-font-color1);visibility:visible}"
    "</style>")


def show_page_style() -> None:
    from IPython.display import HTML, display
    display(HTML(PAGE_STYLE))
