"""Each notebook's "Where your points come from" table says what the notebook really scores,
in every module: in the class version, every graded cell's points (the optional code tasks
carry theirs, counted in the automatic points as the overview says); in the self-study
version, what the score line counts, without the optional code tasks and the reflections.

Reads the built notebooks only (no kernel), so it is fast."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from toolbox_widgets.course import layout

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*/*.ipynb")
                   if not layout.language_of(p.parent.name))
ROW = re.compile(r"^\| ([a-z]\d+(?:, [a-z]\d+)*) \|(.*)\| ([\d.]+) \|$", re.M)
TOTAL = re.compile(r"^\| \| \*\*Total\*\* \| \| \*\*([\d.]+)\*\* \|$", re.M)


def _table(cell_source: str) -> tuple[dict[str, tuple[str, float]], float]:
    rows = {ids: (middle, float(points)) for ids, middle, points in ROW.findall(cell_source)}
    total = TOTAL.search(cell_source)
    assert total, "the table has no **Total** row"
    return rows, float(total.group(1))


def _howto(path, tag: str) -> str | None:
    cells = nbformat.read(path, as_version=4).cells
    return next((c.source for c in cells if c.cell_type == "markdown"
                 and "Where your points come from" in c.source
                 and tag in c.metadata.get("tags", [])), None)


def _graded(path) -> dict[str, float]:
    """Points per exercise id, from nbgrader's marks (test cells and written tasks)."""
    points = {}
    for cell in nbformat.read(path, as_version=4).cells:
        marks = cell.metadata.get("nbgrader", {})
        if (marks.get("grade") or marks.get("task")) and marks.get("points"):
            exercise = marks["grade_id"].removesuffix("_test").removesuffix("_task")
            points[exercise] = points.get(exercise, 0) + float(marks["points"])
    return points


@pytest.mark.parametrize("notebook", [p for p in NOTEBOOKS if _howto(p, "class")],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_points_tables_say_what_each_version_scores(notebook):
    relative = notebook.relative_to(ROOT / "notebooks")
    graded = _graded(ROOT / "source" / relative)
    rows, total = _table(_howto(notebook, "class"))
    for ids, (_words, points) in rows.items():
        assert points == sum(graded.get(i, 0) for i in ids.split(", ")), (ids, points)
    assert total == sum(graded.values())
    assert total == sum(points for _words, points in rows.values())

    rows, total = _table(_howto(notebook, "self-study"))
    counted = nbformat.read(ROOT / "selfstudy" / relative, as_version=4).metadata["self_study"]
    assert total == counted["points"], "the self-study total is not what the score counts"
    for ids, (words, points) in rows.items():
        if ids.startswith(("t", "r")):  # optional code tasks and reflections: not scored
            assert points == 0 and "not scored" in words, ids
