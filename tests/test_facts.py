"""Figures quoted in notebook text agree with the course data.

Each file tests/facts/<notebook stem>.py lists FACTS: pairs of a sentence fragment that
appears in a markdown cell of that notebook and a function that computes, from
toolbox_widgets.trainee.data, the figure as it is written in that fragment.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from conftest import instructor_notebooks

from toolbox_widgets.course.page_text import LITERAL_DOLLAR

FACTS_DIR = Path(__file__).parent / "facts"


def _fact_files():
    return sorted(FACTS_DIR.glob("*.py"))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"facts_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FACTS


def _notebook(stem: str) -> Path:
    return next(p for p in instructor_notebooks() if p.stem == stem)


@pytest.mark.parametrize("facts", _fact_files(), ids=lambda p: p.stem)
def test_quoted_figures_match_the_data(facts):
    notebook = nbformat.read(_notebook(facts.stem), as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    text = " ".join(text.split())  # line breaks inside a sentence do not matter
    text = text.replace(LITERAL_DOLLAR, "$")  # as the trainee reads it
    entries = _load(facts)
    assert entries, f"{facts.name} lists no facts"
    for fragment, compute in entries:
        assert " ".join(fragment.split()) in text, f"not in the notebook's text: {fragment!r}"
        figure = compute()
        assert figure in fragment, f"the data give {figure!r}, the text says {fragment!r}"


def test_every_fact_file_names_a_notebook():
    stems = {p.stem for p in instructor_notebooks()}
    for path in _fact_files():
        assert path.stem in stems, f"{path.name} matches no notebook"
