"""The overview notebook's table of points, read from nbgrader's marks in each workbook.

The self-study build removes those marks and writes in each notebook's metadata the points
its score line counts (course/selfstudy.py); there nobody marks the written reflections,
so the overview says so instead of naming a tutor."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import feedback as words
from . import i18n
from .i18n import _, ngettext
from .numbers import show
from .tables import show_table


def notebook_points(path: Path) -> dict:
    """Points of one workbook, read from nbgrader's marks in the notebook file."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    self_study = notebook.get("metadata", {}).get("self_study")
    auto = hand = 0.0
    for cell in cells:
        marks = cell.get("metadata", {}).get("nbgrader", {})
        if marks.get("task"):
            hand += float(marks.get("points", 0))
        elif marks.get("grade"):
            auto += float(marks.get("points", 0))
    title = next((line.lstrip("# ").strip() for cell in cells if cell["cell_type"] == "markdown"
                  for line in "".join(cell["source"]).splitlines() if line.startswith("# ")),
                 path.stem)
    if isinstance(self_study, dict):  # checked as the learner goes; reflections not scored
        auto, hand = float(self_study.get("points", 0)), 0.0
    return {"notebook": path.name, "title": title, "auto": auto, "hand": hand,
            "total": auto + hand, "self_study": isinstance(self_study, dict),
            "language": notebook.get("metadata", {}).get("mld", {}).get("language", "")}


def points_table(folder: Path | str = ".") -> pd.DataFrame:
    return pd.DataFrame([notebook_points(p) for p in sorted(Path(folder).glob("*.ipynb"))])


def show_points(folder: Path | str = ".") -> None:
    """Print the module's points in one sentence, then the table per notebook."""
    workbooks = points_table(folder)
    # The overview shows its points before any Workbook has set the kernel's language:
    # a translated module's notebooks say theirs in their metadata (the build writes it).
    spoken = sorted(set(workbooks.get("language", pd.Series(dtype=str))) - {""})
    if i18n.language() == i18n.ENGLISH and len(spoken) == 1:
        i18n.use_language(spoken[0])
    if len(workbooks) and workbooks["self_study"].any():
        print(ngettext(
            "{count} notebook in this module, {total} points in all, scored as you go when "
            "you press “Check my answer”. Written reflections are for you: they are not "
            "scored in the self-study version.",
            "{count} notebooks in this module, {total} points in all, scored as you go when "
            "you press “Check my answer”. Written reflections are for you: they are not "
            "scored in the self-study version.", len(workbooks)).format(
            count=len(workbooks), total=show(workbooks["auto"].sum())))
        show_table(workbooks, {"title": _("Notebook"), "notebook": _("File"),
                               "auto": _(words.POINTS_CHECKED)}, decimals=0)
        return
    print(ngettext(
        "{count} notebook in this module, {total} points in all ({auto} marked "
        "automatically, {hand} by your tutor).",
        "{count} notebooks in this module, {total} points in all ({auto} marked "
        "automatically, {hand} by your tutor).", len(workbooks)).format(
        count=len(workbooks), total=show(workbooks["total"].sum()),
        auto=show(workbooks["auto"].sum()), hand=show(workbooks["hand"].sum())))
    show_table(workbooks, {"title": _("Notebook"), "notebook": _("File"),
                           "auto": _("Points marked automatically"),
                           "hand": _("Points marked by your tutor"),
                           "total": _("Total points")},
               decimals=0)
