"""Leak check: nothing of the instructor's reaches release/ in any form."""

from __future__ import annotations

import base64
import hashlib
import re

import nbformat
import pytest
from conftest import ROOT, instructor_notebooks
from trainees import solution_regions

RELEASE = ROOT / "release"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


def release_files():
    return [p for p in RELEASE.rglob("*") if p.is_file()]


def test_release_holds_only_student_files():
    assert release_files(), "release/ is empty: run `mld build`"
    for path in release_files():
        assert not path.name.endswith(".json") or path.name == "datapackage.json", path
        assert "answers" not in path.name and path.name != "gradebook.db", path
        assert ".ipynb_checkpoints" not in path.parts, path


def _lines(text: str) -> set[str]:
    stripped = (raw.strip() for raw in text.splitlines())
    return {line for line in stripped if len(line) >= 8 and not line.startswith("#")}


def _secrets(notebook) -> set[str]:
    """Every non-trivial line the instructor wrote only in solutions and hidden tests.

    A line that also stands in the visible part (an option repeated in an ordering
    key, say) is public anyway.
    """
    secret, public = set(), []
    for cell in notebook.cells:
        regions = solution_regions(cell.source) + HIDDEN.findall(cell.source)
        visible = cell.source
        for region in regions:
            secret |= _lines(region)
            visible = visible.replace(region, "")
        public.append(visible)
    shown = "\n".join(public)
    return {line for line in secret if line not in shown}


def _keys(notebook) -> set[str]:
    """Answer values as written in solutions: '"C"', '["B", "D", "E"]', ..."""
    keys = set()
    for cell in notebook.cells:
        for region in solution_regions(cell.source):
            keys.update(re.findall(r"\.answer\((.*)\)\s*$", region.strip(), re.DOTALL))
    return keys


@pytest.mark.parametrize("notebook", instructor_notebooks(), ids=lambda p: p.name)
def test_no_solution_or_hidden_test_in_the_student_version(notebook):
    instructor = nbformat.read(notebook, as_version=4)
    student_path = RELEASE / notebook.parent.name / notebook.name
    text = student_path.read_text(encoding="utf-8")
    student = nbformat.read(student_path, as_version=4)
    sources = "\n".join(cell.source for cell in student.cells)
    for marker in MARKERS:
        assert marker not in text
    assert ".grade(" not in sources
    secrets = _secrets(instructor)
    for line in secrets:
        assert line not in sources, f"instructor line leaked: {line}"
    for key in _keys(instructor):
        raw = key.encode()
        for encoded in (base64.b64encode(raw).decode(), hashlib.sha256(raw).hexdigest(),
                        hashlib.md5(raw).hexdigest()):
            assert encoded not in text, f"an encoded answer key leaked: {key}"
