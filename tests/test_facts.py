"""Figures quoted in notebook text agree with the course data, hedge words and all.

Each file tests/facts/<module>/<notebook stem>.py (tests/facts/core/01_why_local.py for
notebooks/core/01_why_local.ipynb) lists FACTS, each one of:

* ``(fragment, claim, value)``: ``fragment`` appears in a Markdown cell of that notebook,
  ``claim`` is the figure as written in it ("about 6.5%", "more than half"), and ``value``
  computes the true value from toolbox_widgets.data (a number, or a list of numbers the claim
  must hold for), or is a ``Cited`` figure from a publication. tests/fact_rules.py says when
  a claim holds (tolerances of "about", "almost", "more than"...).
* ``(fragment, compute)``: a fact that is not a number (a name, an order), where
  ``compute()`` gives the words written in the fragment.

test_every_figure_a_trainee_reads_is_bound lists the sentences whose figures no claim binds.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import fact_rules
import nbformat
import pytest
from conftest import instructor_notebooks

from toolbox_widgets.course.page_text import LITERAL_DOLLAR

FACTS_DIR = Path(__file__).parent / "facts"
# Cells whose numbers are not figures about the world, by the cell's nbgrader id:
# exercises state their own givens, tolerances and word counts (their keys are checked by
# the build, course/written_once.py); the Sources list restates figures the text binds; the
# workbook guide and the overview's tables give points, times and notebook numbers.
NOT_FIGURE_CELLS = ("ex_intro", "progress_intro", "sources", "intro_howto", "intro_objectives",
                    "objectives_map", "time", "grading", "map_intro")
EXERCISE_CELL = ("q", "p", "s", "t", "r")  # q1_intro, p2_intro, r1_task, ...
def _fact_files():
    return sorted(FACTS_DIR.glob("*/*.py"))


def _name(path: Path) -> str:
    """module/stem: the notebook a fact file or a notebook stands for ("core/01_why_local")."""
    return f"{path.parent.name}/{path.stem}"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"facts_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FACTS


def _notebook(name: str) -> Path:
    """The instructor notebook of "module/stem": modules share stems (00_overview...)."""
    return next(p for p in instructor_notebooks() if _name(p) == name)


def _plain(text: str) -> str:
    """As the trainee reads it: one line, literal dollars shown, no emphasis or quote marks."""
    text = re.sub(r"^[ \t]*(?:>[ \t]?)+", "", text, flags=re.MULTILINE)
    return " ".join(text.replace(LITERAL_DOLLAR, "$").replace("*", "").split())


def _read_cells(name: str) -> list[str]:
    notebook = nbformat.read(_notebook(name), as_version=4)
    cells = []
    previous = ""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if "self-study" in cell.metadata.get("tags", []):
            grade_id = previous  # a self-study cell stands in for the class cell above it
        previous = grade_id
        exercise = grade_id[:1] in EXERCISE_CELL and grade_id[1:2].isdigit()
        if grade_id not in NOT_FIGURE_CELLS and not exercise:
            cells.append(cell.source)
    return cells


@pytest.mark.parametrize("facts", _fact_files(), ids=_name)
def test_quoted_figures_match_the_data(facts):
    notebook = nbformat.read(_notebook(_name(facts)), as_version=4)
    text = _plain("\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"))
    entries = _load(facts)
    assert entries, f"{facts.name} lists no facts"
    for fact in entries:
        fragment = _plain(fact[0])
        assert fragment in text, f"not in the notebook's text: {fragment!r}"
        if len(fact) == 2:
            figure = fact[1]()
            assert _plain(figure) in fragment, (
                f"the data give {figure!r}, the text says {fragment!r}")
            continue
        claim, value = _plain(fact[1]), fact[2]
        assert claim in fragment, f"the claim {claim!r} is not in its fragment {fragment!r}"
        if isinstance(value, fact_rules.Cited):
            assert fact_rules.same_claim(claim, value), (
                f"{fragment!r} says {claim!r}, but {value.source} says {value.claim!r}")
            continue
        if isinstance(value, fact_rules.Threshold):
            assert fact_rules.read(claim).number == value.number, (
                f"{fragment!r}: {claim!r} does not name the line {value.number} the data use")
            assert value.check is None or value.check(), f"{fragment!r} is not true of the data"
            continue
        values = value() if callable(value) else value
        for one in values if isinstance(values, list | tuple) else [values]:
            assert fact_rules.holds(claim, one), (
                f"{fragment!r}: the data give {one!r}, which {claim!r} does not describe "
                "(rules in tests/fact_rules.py)")


def _claims(name: str) -> list[tuple[str, str]]:
    path = FACTS_DIR / f"{name}.py"
    facts = _load(path) if path.exists() else []
    return [(_plain(f[0]), _plain(f[1])) for f in facts if len(f) == 3]


def unbound_sentences(name: str) -> list[str]:
    """Sentences of a notebook ("module/stem") that state a figure no claim of its fact file
    binds."""
    return unbound(_read_cells(name), _claims(name))


def unbound(cells: list[str], claims: list[tuple[str, str]]) -> list[str]:
    """Sentences of these Markdown cells with a figure that no (fragment, claim) covers."""
    found = []
    for cell in cells:
        for written in fact_rules.sentences(cell):
            sentence = _plain(written)
            covered = set()
            for fragment, claim in claims:
                if fragment not in sentence and sentence not in fragment:
                    continue
                start = sentence.find(claim)
                while start >= 0:
                    covered.update(range(start, start + len(claim)))
                    start = sentence.find(claim, start + 1)
            loose = [m.group() for m in fact_rules.figures(sentence)
                     if not set(range(m.start(), m.end())) <= covered]
            if loose:
                found.append(f"{', '.join(loose)}: {sentence}")
    return found


@pytest.mark.parametrize("name", [_name(p) for p in instructor_notebooks()])
def test_every_figure_a_trainee_reads_is_bound(name):
    unbound = unbound_sentences(name)
    assert not unbound, (f"{name}: {len(unbound)} sentences state a figure that no claim in "
                         f"tests/facts/{name}.py binds:\n" + "\n".join(unbound))


def test_the_binding_check_finds_a_figure_no_claim_covers():
    cell = ("## 2. Where\n\nIn mid-2024, about 304 million people were migrants (notebook 3, "
            "objective 19, 60–75 min). More than half live nearby; 12% came last year.")
    claims = [("about 304 million people", "about 304 million")]
    assert unbound([cell], claims) == ["12: More than half live nearby; 12% came last year."]
    assert unbound([cell], [*claims, ("12% came", "12%")]) == []
    # a claim binds only the sentence of its own fragment
    assert unbound(["It was 12% here. It was 12% there."], [("12% here", "12%")]) == [
        "12: It was 12% there."]


def test_every_fact_file_names_a_notebook():
    names = {_name(p) for p in instructor_notebooks()}
    for path in _fact_files():
        assert _name(path) in names, (
            f"tests/facts/{_name(path)}.py matches no notebook: fact files live in "
            "tests/facts/<module>/<notebook stem>.py")
    assert not list(FACTS_DIR.glob("*.py")), "a fact file belongs in tests/facts/<module>/"
