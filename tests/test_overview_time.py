"""Each module's overview gives every notebook the time its own "Time:" line states, and a
total that adds them up (the module standard asks for an honest time estimate).

Reads the instructor notebooks only (no kernel), so it is fast.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import instructor_notebooks

RANGE = r"(\d+)–(\d+)"
FRACTIONS = {"": 0, "¼": 0.25, "½": 0.5, "¾": 0.75}


def _modules() -> dict[str, dict[str, nbformat.NotebookNode]]:
    modules: dict[str, dict[str, nbformat.NotebookNode]] = {}
    for path in instructor_notebooks():
        modules.setdefault(path.parent.name, {})[path.stem] = nbformat.read(path, as_version=4)
    return {name: books for name, books in modules.items() if "00_overview" in books}


def _cell(notebook, grade_id: str) -> str:
    return next(c.source for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _hours(text: str) -> float:
    whole, fraction = re.fullmatch(r"(\d+)([¼½¾]?)", text).groups()
    return int(whole) + FRACTIONS[fraction]


@pytest.mark.parametrize("module", sorted(_modules()))
def test_the_overview_gives_each_notebook_its_own_time_and_adds_them_up(module):
    books = _modules()[module]
    table = _cell(books["00_overview"], "time")
    rows = {int(n): (int(low), int(high))
            for n, low, high in re.findall(rf"^\| (\d+)\. .*\| {RANGE} min \|$", table, re.M)}
    own = {}
    for stem, notebook in books.items():
        if stem == "00_overview":
            continue
        objectives = _cell(notebook, "intro_objectives")
        line = re.search(rf"\*\*Time:\*\* about {RANGE} minutes", objectives)
        assert line, f"{module}/{stem} has no 'Time: about …–… minutes' line"
        own[int(stem[:2])] = (int(line[1]), int(line[2]))
    assert rows == own, f"{module}: the overview's times {rows} are not the notebooks' own {own}"

    overview = int(re.search(r"^\| Overview \(this one\) \| (\d+) min \|$", table, re.M)[1])
    low = overview + sum(low for low, _ in own.values())
    high = overview + sum(high for _, high in own.values())
    total = re.search(r"In total: about (\d+[¼½¾]?) to (\d+[¼½¾]?) hours", table)
    assert total, f"{module}: the overview states no total time"
    # Rounded to a quarter of an hour or so: within 15 minutes of the sum.
    assert abs(_hours(total[1]) * 60 - low) <= 15, (module, total[1], low)
    assert abs(_hours(total[2]) * 60 - high) <= 15, (module, total[2], high)
