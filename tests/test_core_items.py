"""Each module's graded items (Core's first): every objective is assessed, and no key gives
itself away.

Reads the instructor notebooks only (no kernel), so it is fast.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import instructor_notebooks

from toolbox_widgets.course.written_once import letter_references

ROOT = Path(__file__).resolve().parents[1]


# The objectives each module's overview lists (curriculum: Core's five, Module 1's four).
OBJECTIVES = {"core": 5, "module1": 4}


def _module(module: str) -> dict[str, nbformat.NotebookNode]:
    return {p.stem: nbformat.read(p, as_version=4) for p in instructor_notebooks()
            if p.parent.name == module}


def _core() -> dict[str, nbformat.NotebookNode]:
    return _module("core")


def _every_module() -> dict[str, nbformat.NotebookNode]:
    """Every instructor notebook, as "module/stem": modules share stems (00_overview)."""
    return {f"{p.parent.name}/{p.stem}": nbformat.read(p, as_version=4)
            for p in instructor_notebooks()}


def _with_overview_map() -> list[str]:
    """Modules whose overview has its objectives map (a module being written has none yet)."""
    return [module for module in OBJECTIVES
            if any(c.metadata.get("nbgrader", {}).get("grade_id") == "objectives_map"
                   for c in _module(module).get("00_overview", nbformat.v4.new_notebook()).cells)]


def _graded_items(notebook) -> set[str]:
    """Exercise ids (q1, q2, …) that have a graded test cell."""
    ids = set()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.metadata.get("nbgrader", {}).get("grade") and re.fullmatch(r"q\d+_test", grade_id):
            ids.add(grade_id.removesuffix("_test"))
    return ids


def _objectives_map(module: str) -> dict[str, set[tuple[int, str]]]:
    """The overview's table: objective -> {(notebook number, item id)}."""
    overview = _module(module)["00_overview"]
    cell = next(c for c in overview.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "objectives_map")
    table = {}
    for line in cell.source.splitlines():
        cells = [part.strip() for part in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not re.match(r"\d+\.", cells[0]):
            continue
        items = set()
        for group in cells[1].split("·"):
            number, ids = group.split(":")
            items |= {(int(number), item.strip()) for item in ids.split(",")}
        table[cells[0]] = items
    return table


@pytest.mark.parametrize("module", _with_overview_map())
def test_every_objective_is_assessed_and_every_item_maps_to_an_objective(module):
    notebooks = _module(module)
    by_number = {int(stem[:2]): _graded_items(nb) for stem, nb in notebooks.items()}
    table = _objectives_map(module)
    assert len(table) == OBJECTIVES[module], (
        f"the {module} overview maps {len(table)} objectives, not {OBJECTIVES[module]}")
    mapped = set()
    for objective, items in table.items():
        assert items, f"objective {objective!r} has no graded item"
        for number, item in items:
            assert item in by_number.get(number, set()), (
                f"the overview names notebook {number} {item} for {objective!r}, which is not a "
                "graded exercise there")
        mapped |= items
    every_item = {(number, item) for number, items in by_number.items() for item in items}
    unmapped = sorted(every_item - mapped)
    assert not unmapped, f"graded items in no objective: {unmapped}"


class _EnglishText(ast.NodeTransformer):
    """tr("…"), the translation marker, read as its English text."""

    def visit_Call(self, call):
        if getattr(call.func, "id", "") == "tr" and len(call.args) == 1:
            return self.visit(call.args[0])
        return call


def _literal(node):
    return ast.literal_eval(_EnglishText().visit(node))


def _choice_items():
    """(notebook, id, kind, options {id: words}, keys) for each graded single or multiple
    choice."""
    for stem, notebook in _every_module().items():
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not (meta.get("solution") and cell.cell_type == "code"):
                continue
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                kind = getattr(node.func, "attr", "")
                graded = "points" in {k.arg for k in node.keywords}
                if kind not in ("single_choice", "multiple_choice") or not graded:
                    continue
                try:
                    options = _literal(node.args[2])
                except ValueError:  # options built in code (the 23 GCM objectives)
                    continue
                answer = re.search(r"\.answer\((.*)\)", cell.source).group(1)
                keys = ast.literal_eval(answer)
                yield stem, ast.literal_eval(node.args[0]), kind, options, (
                    [keys] if isinstance(keys, str) else keys)


def test_choice_items_are_found():
    kinds = {kind for *_, kind, _, _ in _choice_items()}
    assert kinds == {"single_choice", "multiple_choice"}


@pytest.mark.parametrize("item", list(_choice_items()), ids=lambda i: f"{i[0]}-{i[1]}")
def test_the_longest_option_is_never_a_key(item):
    stem, exercise, _, options, keys = item
    longest = {key for key, words in options.items()
               if len(words) == max(map(len, options.values()))}
    assert not longest <= set(keys), (
        f"{stem} {exercise}: the longest option {sorted(longest)} is a key, so its length "
        "gives it away")


@pytest.mark.parametrize("module", OBJECTIVES)
def test_single_choice_keys_are_spread_over_positions(module):
    keys = [list(options).index(keys[0]) + 1
            for name, _, kind, options, keys in _choice_items()
            if kind == "single_choice" and name.startswith(f"{module}/")]
    if len(keys) < 4:
        pytest.skip(f"{module} has {len(keys)} graded single-choice items so far")
    counts = {position: keys.count(position) for position in set(keys)}
    assert len(counts) >= 3, f"{module}: single-choice keys cluster on {counts}"
    assert max(counts.values()) <= len(keys) / 2, (
        f"{module}: single-choice keys cluster on {counts}")


def _texts(cell) -> list[str]:
    """What a trainee may read in a cell: its Markdown, or the texts in its code."""
    if cell.cell_type == "markdown":
        return [cell.source]
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return [cell.source]
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_text_names_an_option_by_its_letter():
    """Options are shuffled and shown without letters: explanations, prompts and Markdown
    name them by their words ("B is", "A and C", "option D" mean nothing to a trainee)."""
    found = [f"{stem} cell {n}: {ref!r} in {text[:60]!r}"
             for stem, notebook in _every_module().items()
             for n, cell in enumerate(notebook.cells)
             for text in _texts(cell) for ref in letter_references(text)]
    assert not found, "\n".join(found)


def test_ids_are_names_not_letters():
    for stem, exercise, _, options, keys in _choice_items():
        assert all(len(key) > 1 and not key.isdigit() for key in options), (stem, exercise)
        assert set(keys) <= set(options), (stem, exercise)


def test_glossary_dates_the_mayoral_forum_as_the_notebooks_do():
    path = ROOT / "toolbox_widgets" / "trainee" / "glossary" / "en.json"
    glossary = json.loads(path.read_text("utf-8"))
    entry = next(t for t in glossary["terms"] if t["term"].startswith("Mayoral Forum"))
    assert "announced in October 2013" in entry["definition"]
    assert "first held in Barcelona in June 2014" in entry["definition"]
