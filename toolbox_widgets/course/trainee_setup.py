"""The trainee's JupyterLab: settings that course.py open applies (and an instructor
launch leaves out), and a workspace whose notebooks open unmodified.

* ``trainee_lab/page_config.json`` switches off the cell toolbar (Enter on it
  duplicates the cell) and nbgrader's instructor tools (Formgrader, Create
  Assignment, Course List, the Nbgrader menu) and the Assignments panel, which
  needs a hub. Validate stays. JupyterLab reads it from the folder named by
  ``--LabApp.app_settings_dir``.
* ``trainee_lab/custom/custom.css`` (JupyterLab's custom CSS) says "Run this cell to show
  the exercise" where a reopened notebook's widgets would say "model not found", in every
  notebook, trusted or not. It is written from trainee.page_style.REOPENED_RULES:
  ``python -m toolbox_widgets.course.trainee_setup --css``. A French or Spanish launch
  (``course.py open --lang fr``) serves its own copy, in its language from the package
  catalog: ``python -m toolbox_widgets.course.trainee_setup --css fr FOLDER``.
  (Widget-state saving was tried for reopened notebooks and left off: the widgets came
  back unlinked and the notebook opened as modified.)

JupyterLab replaces a notebook's ``language_info`` with the running kernel's as soon
as the kernel starts, which marks a fresh notebook as modified (●) before the trainee
did anything. :func:`match_kernel` writes the kernel's own value into the trainee's copies.

    python -m toolbox_widgets.course.trainee_setup FOLDER   # match the notebooks under FOLDER
    python -m toolbox_widgets.course.trainee_setup --css    # write custom.css again
    python -m toolbox_widgets.course.trainee_setup --css fr FOLDER  # FOLDER/custom.css in French
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

SETTINGS = Path(__file__).resolve().parent / "trainee_lab"
CUSTOM = SETTINGS / "custom"  # JupyterLab serves custom.css from here
# The package's compiled catalogs, one folder per language (fr, es)
COMPILED = Path(__file__).resolve().parents[1] / "trainee" / "locales"


def lab_options() -> list[str]:
    """Command-line options that give JupyterLab the trainee's settings."""
    # The folder of custom.css is a server setting that only tornado_settings can change.
    return [f"--LabApp.app_settings_dir={SETTINGS}", "--LabApp.custom_css=True",
            f"--ServerApp.tornado_settings={{'static_custom_path': [{str(CUSTOM)!r}]}}"]


def custom_css(language: str | None = None) -> str:
    """The custom CSS, its "Run this cell" line in language (English by default)."""
    from toolbox_widgets.trainee import i18n
    from toolbox_widgets.trainee.page_style import RUN_AGAIN, reopened_rule_for, reopened_rules

    note = i18n.use_language(language)
    try:
        if note:  # a language without a catalog: say so, and keep English
            print("! " + note)
        text = i18n._(RUN_AGAIN)
    finally:
        i18n.use_language()
    css = ("/* Written by python -m toolbox_widgets.course.trainee_setup --css from\n"
           "   toolbox_widgets/trainee/page_style.py: edit it there. */\n" + reopened_rules(text))
    if language is None:  # the shared CSS (English launch, hub): each interface language
        for other in sorted(p.name for p in COMPILED.iterdir() if p.is_dir()):
            i18n.use_language(other)
            try:
                css += reopened_rule_for(other, i18n._(RUN_AGAIN))
            finally:
                i18n.use_language()
    return css


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
    arguments = sys.argv[1:]
    if arguments[:1] == ["--css"] and len(arguments) == 3:  # --css LANG FOLDER
        folder = Path(arguments[2])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "custom.css").write_text(custom_css(arguments[1]), encoding="utf-8")
        arguments = []
    for argument in arguments:
        if argument == "--css":
            (CUSTOM / "custom.css").write_text(custom_css(), encoding="utf-8")
        else:
            match_kernel(Path(argument))
