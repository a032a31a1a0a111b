"""The trainee's JupyterLab: settings that course.py open applies (and an instructor
launch leaves out), and a workspace whose notebooks open unmodified.

* ``trainee_lab/page_config.json`` switches off the cell toolbar (Enter on it
  duplicates the cell) and nbgrader's instructor tools (Formgrader, Create
  Assignment, Course List, the Nbgrader menu) and the Assignments panel, which
  needs a hub. Validate stays. JupyterLab reads it from the folder named by
  ``--LabApp.app_settings_dir``. (Widget-state saving was tried for reopened notebooks
  and left off: the widgets came back unlinked and the notebook opened as modified;
  trainee.page_style.PAGE_STYLE says "Run this cell" instead.)

JupyterLab replaces a notebook's ``language_info`` with the running kernel's as soon
as the kernel starts, which marks a fresh notebook as modified (●) before the trainee
did anything. :func:`match_kernel` writes the kernel's own value into the trainee's copies.

    python -m toolbox_widgets.course.trainee_setup FOLDER   # match the notebooks under FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

SETTINGS = Path(__file__).resolve().parent / "trainee_lab"


def lab_options() -> list[str]:
    """Command-line options that give JupyterLab the trainee's settings."""
    return [f"--LabApp.app_settings_dir={SETTINGS}"]


def kernel_language_info() -> dict:
    """What ipykernel in this Python reports, exactly as JupyterLab will store it."""
    from ipykernel.ipkernel import IPythonKernel
    return dict(IPythonKernel.language_info)


def match_kernel(folder: Path) -> list[Path]:
    """Give every notebook under folder this kernel's language_info; returns those changed.
    Only that metadata is touched: cells, outputs and answers stay as they are."""
    wanted = kernel_language_info()
    changed = []
    for path in sorted(Path(folder).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as error:  # a broken notebook is the trainee's to see, not ours to fix
            print(f"! {path} could not be read ({error}); it opens as it is.")
            continue
        if notebook.metadata.get("language_info") != wanted:
            notebook.metadata["language_info"] = wanted
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        match_kernel(Path(argument))
